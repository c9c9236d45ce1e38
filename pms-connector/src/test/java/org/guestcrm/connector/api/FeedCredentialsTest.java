package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.guestcrm.connector.Hostile;
import org.guestcrm.connector.Staff;
import org.guestcrm.connector.Samples;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.RequestSignature;
import org.guestcrm.connector.persistence.FeedProvisioning;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** Feed credentials as a PMS meets them: HMAC signatures with a replay window, bearer tokens, rotation. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class FeedCredentialsTest {

    @Inject
    FeedProvisioning provisioning;

    private static String newFeed(FeedProvisioning provisioning, FeedKind kind) {
        String feedId = "f-" + UUID.randomUUID().toString().substring(0, 8);
        provisioning.upsertFeed(feedId, "tenant-" + feedId, kind, "test PMS");
        return feedId;
    }

    private static String body() {
        return Hostile.json("", "\"lastName\": \"Schmidt\"").replace("H-1", "H-" + UUID.randomUUID());
    }

    private static ValidatableResponse postSigned(String feedId, String body, long timestamp, String signature) {
        return given().contentType("application/json")
                .header(RequestSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(RequestSignature.SIGNATURE_HEADER, signature)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .when().post(CanonicalPushTest.PATH, feedId).then();
    }

    private static String sign(String secret, long timestamp, String body) {
        return RequestSignature.sign(secret.getBytes(StandardCharsets.UTF_8), timestamp, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aValidSignatureIsAcceptedOnceAndReplayedStaleOrWrongOnesAre401() {
        String feedId = newFeed(provisioning, FeedKind.CANONICAL_JSON);
        String secret = provisioning.issueHmacSecret(feedId, null).secret();
        long now = Instant.now().getEpochSecond();
        String body = body();
        String signature = sign(secret, now, body);

        postSigned(feedId, body, now, signature).statusCode(202);
        postSigned(feedId, body, now, signature).statusCode(401)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("already used"));
        long stale = now - 10 * 60;
        postSigned(feedId, body, stale, sign(secret, stale, body)).statusCode(401)
                .body("detail", containsString("expired"));
        long skewed = now + 10 * 60;
        postSigned(feedId, body, skewed, sign(secret, skewed, body)).statusCode(401);
        postSigned(feedId, body, now + 1, sign("not-the-secret", now + 1, body)).statusCode(401)
                .body(not(containsString(secret)));
        postSigned(feedId, body + " ", now + 2, signature).statusCode(401);
        given().contentType("application/json").body(body).when().post(CanonicalPushTest.PATH, feedId).then().statusCode(401);

        Staff.ops().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("connector_feed_auth_failures_total{feed=\"" + feedId + "\",reason=\"replayed\"}"))
                .body(containsString("connector_feed_auth_failures_total{feed=\"" + feedId + "\",reason=\"expired\"}"))
                .body(containsString("connector_feed_auth_failures_total{feed=\"" + feedId + "\",reason=\"invalid\"}"))
                .body(containsString("connector_feed_auth_failures_total{feed=\"" + feedId + "\",reason=\"missing\"}"));
    }

    @Test
    void twoSecretsAreValidDuringRotationAndTheRevokedOneIsRefused() {
        String feedId = newFeed(provisioning, FeedKind.OTA_XML);
        FeedProvisioning.Issued old = provisioning.issueHmacSecret(feedId, null);
        FeedProvisioning.Issued next = provisioning.issueHmacSecret(feedId, null);
        assertThrows(FeedProvisioning.CredentialRefused.class, () -> provisioning.issueHmacSecret(feedId, null),
                "at most two valid credentials at once");

        String body = Samples.otaHotelResNotif();
        long now = Instant.now().getEpochSecond();
        postOtaSigned(feedId, body, now, sign(old.secret(), now, body)).statusCode(200).body(containsString("<Success/>"));
        postOtaSigned(feedId, body, now + 1, sign(next.secret(), now + 1, body)).statusCode(200);

        provisioning.revoke(old.credentialId());
        postOtaSigned(feedId, body, now + 2, sign(old.secret(), now + 2, body)).statusCode(401)
                .body(containsString("<Error Type=\"4\" Code=\"497\""));
        postOtaSigned(feedId, body, now + 3, sign(next.secret(), now + 3, body)).statusCode(200);
        provisioning.issueHmacSecret(feedId, null);
    }

    @Test
    void bearerTokensRotateAndExpire() {
        String feedId = newFeed(provisioning, FeedKind.CANONICAL_JSON);
        FeedProvisioning.Issued old = provisioning.issueBearerToken(feedId, null);
        FeedProvisioning.Issued next = provisioning.issueBearerToken(feedId, null);
        postBearer(feedId, old.secret()).statusCode(202);
        postBearer(feedId, next.secret()).statusCode(202);
        provisioning.revoke(old.credentialId());
        postBearer(feedId, old.secret()).statusCode(401);
        postBearer(feedId, next.secret()).statusCode(202).body("duplicate", equalTo(false));

        String expiredFeed = newFeed(provisioning, FeedKind.CANONICAL_JSON);
        FeedProvisioning.Issued expired = provisioning.issueBearerToken(expiredFeed, Instant.now().minusSeconds(1));
        postBearer(expiredFeed, expired.secret()).statusCode(401).body("detail", containsString("expired"));
    }

    private static ValidatableResponse postBearer(String feedId, String token) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token).body(body())
                .when().post(CanonicalPushTest.PATH, feedId).then();
    }

    private static ValidatableResponse postOtaSigned(String feedId, String body, long timestamp, String signature) {
        return given().contentType("application/xml")
                .header(RequestSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(RequestSignature.SIGNATURE_HEADER, signature)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .when().post(OtaPushTest.OTA_PATH, feedId).then();
    }
}
