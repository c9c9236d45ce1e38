package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;

import java.util.UUID;

import jakarta.inject.Inject;

import org.guestcrm.connector.Hostile;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.persistence.FeedProvisioning;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Feed {@code rate-limited-json} has a bucket of 2 that refills once in 1000 s (application.properties, test profile):
 * its third request is a 429 with Retry-After, while another feed goes on.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class RateLimitTest {

    @Inject
    FeedProvisioning provisioning;

    @Test
    void aFeedPastItsLimitGets429WithRetryAfterAndAnotherFeedIsUnaffected() {
        provisioning.upsertFeed("rate-limited-json", "tenant-rl", FeedKind.CANONICAL_JSON, "test PMS");
        String token = provisioning.issueBearerToken("rate-limited-json", null).secret();
        for (int i = 0; i < 2; i++) {
            post("rate-limited-json", token).statusCode(202);
        }
        post("rate-limited-json", token).statusCode(429)
                .header("Retry-After", matchesPattern("[1-9][0-9]*"))
                .contentType(containsString("application/problem+json"));
        post("demo-json", "demo").statusCode(202);
        post("rate-limited-json", token).statusCode(429);
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    private static io.restassured.response.ValidatableResponse post(String feedId, String token) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token)
                .body(Hostile.json("", "\"lastName\": \"S\"").replace("H-1", "RL-" + UUID.randomUUID()))
                .when().post(CanonicalPushTest.PATH, feedId).then();
    }
}
