package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.containsString;

import java.util.UUID;

import org.guestcrm.connector.Hostile;
import org.guestcrm.connector.Staff;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** The feed administration API as a tenant's admin uses it: create, read, change, pause, credentials, delete. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class FeedsApiTest {

    @Test
    void anAdminRunsAFeedFromCreationToDeletionAndAnotherTenantSeesNothing() {
        String tenant = "tenant-" + UUID.randomUUID();
        String other = "tenant-" + UUID.randomUUID();
        String feedId = "feed-" + UUID.randomUUID();

        Staff.admin(tenant).contentType("application/json").queryParam("tenant", tenant)
                .body("""
                        {"feedId": "%s", "deliveryMode": "CANONICAL_JSON", "pmsType": "opera", "defaultCurrency": "EUR",
                         "hotels": [{"hotelCode": "BERHB", "timeZone": "Europe/Berlin", "countryCode": "DE"}]}""".formatted(feedId))
                .post("/api/v1/feeds").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/feeds/" + feedId))
                .body("tenant", equalTo(tenant)).body("status", equalTo("ACTIVE"))
                .body("hotels[0].timeZone", equalTo("Europe/Berlin"))
                .body("pushPath", equalTo("/api/v1/feeds/" + feedId + "/reservations"));
        Staff.admin(tenant).get("/api/v1/feeds/{id}", feedId).then().statusCode(200).body("pmsType", equalTo("opera"));
        Staff.admin(tenant).queryParam("tenant", tenant).get("/api/v1/feeds").then().statusCode(200)
                .body("feedId", containsInAnyOrder(feedId));
        // The same id again is a conflict.
        Staff.admin(tenant).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"feedId\": \"" + feedId + "\", \"deliveryMode\": \"OTA_XML\"}").post("/api/v1/feeds").then().statusCode(409);

        // Another tenant's admin: the feed does not exist for it, and it cannot name the tenant.
        String missing = Staff.admin(other).get("/api/v1/feeds/{id}", "feed-" + UUID.randomUUID()).then().statusCode(404)
                .extract().path("title");
        Staff.admin(other).get("/api/v1/feeds/{id}", feedId).then().statusCode(404).body("title", equalTo(missing));
        Staff.admin(other).contentType("application/json").body("{\"deliveryMode\": \"OTA_XML\"}")
                .put("/api/v1/feeds/{id}", feedId).then().statusCode(404);
        Staff.admin(other).post("/api/v1/feeds/{id}/pause", feedId).then().statusCode(404);
        Staff.admin(other).delete("/api/v1/feeds/{id}", feedId).then().statusCode(404);
        Staff.admin(other).get("/api/v1/feeds/{id}/credentials", feedId).then().statusCode(404);
        Staff.admin(other).queryParam("tenant", tenant).get("/api/v1/feeds").then().statusCode(404);
        // A viewer is not an admin.
        Staff.as(tenant, "viewer").get("/api/v1/feeds/{id}", feedId).then().statusCode(403);

        // A bearer credential: its token is shown once, listed without it, and pushes with it are accepted.
        String credentialId = Staff.admin(tenant).contentType("application/json").body("{\"kind\": \"BEARER\"}")
                .post("/api/v1/feeds/{id}/credentials", feedId).then().statusCode(201)
                .body("secret", matchesPattern("[A-Za-z0-9_-]{40,}")).extract().path("credentialId");
        String token = Staff.admin(tenant).get("/api/v1/feeds/{id}/credentials", feedId).then().statusCode(200)
                .body("credentialId", hasItem(credentialId)).body("[0].secret", nullValue())
                .extract().asString();
        String secret = Staff.admin(tenant).contentType("application/json").body("{\"kind\": \"BEARER\"}")
                .post("/api/v1/feeds/{id}/credentials", feedId).then().statusCode(201).extract().path("secret");
        Staff.admin(tenant).contentType("application/json").body("{\"kind\": \"BEARER\"}")
                .post("/api/v1/feeds/{id}/credentials", feedId).then().statusCode(409);
        push(feedId, secret).statusCode(202);

        // Paused: the PMS is told to retry later (503 + Retry-After); resumed, it is accepted again.
        Staff.admin(tenant).post("/api/v1/feeds/{id}/pause", feedId).then().statusCode(200).body("status", equalTo("PAUSED"));
        push(feedId, secret).statusCode(503).header("Retry-After", matchesPattern("[1-9][0-9]*"));
        Staff.admin(tenant).post("/api/v1/feeds/{id}/resume", feedId).then().statusCode(200).body("status", equalTo("ACTIVE"));
        push(feedId, secret).statusCode(202);

        // PUT replaces the settings; the id never changes.
        Staff.admin(tenant).contentType("application/json")
                .body("{\"deliveryMode\": \"CANONICAL_JSON\", \"defaultCurrency\": \"CHF\", \"hotels\": []}")
                .put("/api/v1/feeds/{id}", feedId).then().statusCode(200).body("defaultCurrency", equalTo("CHF"))
                .body("hotels", org.hamcrest.Matchers.empty());

        // Revoked: 401. Deleted: 404 for the admin and for the PMS.
        String second = Staff.admin(tenant).get("/api/v1/feeds/{id}/credentials", feedId).then().extract()
                .path("find { it.credentialId != '" + credentialId + "' }.credentialId");
        Staff.admin(tenant).delete("/api/v1/feeds/{id}/credentials/{c}", feedId, second).then().statusCode(204);
        push(feedId, secret).statusCode(401);
        Staff.admin(tenant).delete("/api/v1/feeds/{id}", feedId).then().statusCode(204);
        Staff.admin(tenant).get("/api/v1/feeds/{id}", feedId).then().statusCode(404);
        push(feedId, secret).statusCode(404);
        Staff.admin(tenant).queryParam("tenant", tenant).get("/api/v1/feeds").then().statusCode(200)
                .body("feedId", not(hasItem(feedId)));
        org.junit.jupiter.api.Assertions.assertFalse(token.contains(secret), "a listed credential never shows a token");
    }

    @Test
    void anInvalidFeedIsA400NamingEachFieldAndNothingIsCreated() {
        String tenant = "tenant-" + UUID.randomUUID();
        Staff.admin(tenant).contentType("application/json").queryParam("tenant", tenant)
                .body("""
                        {"feedId": "Not A Valid Id!", "deliveryMode": "FAX", "defaultCurrency": "euro", "status": "SLEEPING",
                         "hotels": [{"timeZone": "Mars/Olympus", "countryCode": "Germany"}]}""")
                .post("/api/v1/feeds").then().statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("invalidParams.name", containsInAnyOrder("feedId", "deliveryMode", "defaultCurrency", "status",
                        "hotels[0].hotelCode", "hotels[0].timeZone", "hotels[0].countryCode"))
                .body(not(containsString("Olympus")));
        Staff.admin(tenant).contentType("application/json").queryParam("tenant", tenant).body("{\"deliveryMode\": \"OTA_XML\"}")
                .post("/api/v1/feeds").then().statusCode(400).body("invalidParams[0].name", equalTo("feedId"));
        Staff.admin(tenant).contentType("application/json").body("{\"feedId\": \"x\", \"deliveryMode\": \"OTA_XML\"}")
                .post("/api/v1/feeds").then().statusCode(400).body("invalidParams[0].name", equalTo("tenant"));
        Staff.admin(tenant).queryParam("tenant", tenant).get("/api/v1/feeds").then().statusCode(200)
                .body("$", org.hamcrest.Matchers.empty());
        given().get("/api/v1/feeds/{id}", "demo-json").then().statusCode(401);
    }

    private static ValidatableResponse push(String feedId, String token) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token)
                .body(Hostile.json("", "\"lastName\": \"S\"").replace("H-1", "FA-" + UUID.randomUUID()))
                .when().post(CanonicalPushTest.PATH, feedId).then();
    }
}
