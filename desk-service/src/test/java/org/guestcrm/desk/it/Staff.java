package org.guestcrm.desk.it;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Set;

import org.guestcrm.platform.security.Roles;
import org.guestcrm.testsupport.LocalIdentity;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Requests with staff tokens minted by the tests' local identity (the one the service trusts in tests). */
final class Staff {

    private Staff() {
    }

    static String token(Set<String> tenants, String subject, String... roles) {
        return LocalIdentity.forTests().mint(tenants, Set.of(roles), Duration.ofMinutes(10), subject);
    }

    static RequestSpecification agent(String tenant) {
        return agent(tenant, "agent-anna");
    }

    static RequestSpecification agent(String tenant, String subject) {
        return given().auth().oauth2(token(Set.of(tenant), subject, Roles.AGENT)).contentType(ContentType.JSON);
    }

    static RequestSpecification as(String tenant, String... roles) {
        return given().auth().oauth2(token(Set.of(tenant), "staff", roles)).contentType(ContentType.JSON);
    }
}
