package org.guestcrm.profile.it;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Set;

import org.guestcrm.testsupport.LocalIdentity;

import io.restassured.specification.RequestSpecification;

/** Requests with staff tokens minted by the tests' local identity (the one the service under test trusts). */
final class Staff {

    private Staff() {
    }

    static String token(String tenant, String... roles) {
        return LocalIdentity.forTests().mint(Set.of(tenant), Set.of(roles), Duration.ofMinutes(10), "staff-" + String.join("-", roles));
    }

    /** A request as a viewer of {@code tenant}. */
    static RequestSpecification viewer(String tenant) {
        return as(tenant, "viewer");
    }

    static RequestSpecification as(String tenant, String... roles) {
        return given().header("Authorization", "Bearer " + token(tenant, roles));
    }
}
