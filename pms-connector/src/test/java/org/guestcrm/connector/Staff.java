package org.guestcrm.connector;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Set;

import org.guestcrm.testsupport.LocalIdentity;

import io.restassured.specification.RequestSpecification;

/** Requests with staff tokens minted by the tests' local identity (the one the connector under test trusts). */
public final class Staff {

    private Staff() {
    }

    public static String token(String tenant, String... roles) {
        return LocalIdentity.forTests().mint(Set.of(tenant), Set.of(roles), Duration.ofMinutes(10),
                "staff-" + String.join("-", roles));
    }

    /** A request as an admin of {@code tenant} (feeds, credentials). */
    public static RequestSpecification admin(String tenant) {
        return as(tenant, "admin");
    }

    /** A request as ops (metrics, OpenAPI), for every tenant. */
    public static RequestSpecification ops() {
        return as("*", "ops");
    }

    public static RequestSpecification as(String tenant, String... roles) {
        return given().header("Authorization", "Bearer " + token(tenant, roles));
    }
}
