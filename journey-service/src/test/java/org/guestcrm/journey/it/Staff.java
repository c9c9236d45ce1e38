package org.guestcrm.journey.it;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Set;

import org.guestcrm.platform.security.Roles;
import org.guestcrm.testsupport.LocalIdentity;

import io.restassured.specification.RequestSpecification;

/** Requests with staff tokens minted by the tests' local identity (the one the service under test trusts). */
public final class Staff {

    private Staff() {
    }

    public static String token(Set<String> tenants, String... roles) {
        return LocalIdentity.forTests().mint(tenants, Set.of(roles), Duration.ofMinutes(10),
                "staff-" + String.join("-", roles));
    }

    /** A request as a viewer of {@code tenant}. */
    public static RequestSpecification viewer(String tenant) {
        return as(tenant, Roles.VIEWER);
    }

    public static RequestSpecification as(String tenant, String... roles) {
        return given().auth().oauth2(token(Set.of(tenant), roles));
    }

    /** A request as an operator (metrics, OpenAPI document) of every tenant. */
    public static RequestSpecification ops() {
        return given().auth().oauth2(token(Set.of("*"), Roles.OPS));
    }
}
