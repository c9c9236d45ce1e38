package org.guestcrm.platform.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.testsupport.LocalIdentity;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The doors and the audit trail every service gets from the platform: staff tokens from the local identity, roles,
 * tenant scoping of the trail, NDJSON export; and a feed's own (non-JWT) bearer token passes untouched.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "platform"))
class AuditTrailTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URI base;

    private static String token(String tenant, String... roles) {
        return LocalIdentity.forTests().mint(Set.of(tenant), Set.of(roles), Duration.ofMinutes(5), "agent-" + tenant);
    }

    private HttpResponse<String> get(String path, String token, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Accept", accept).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void staffReadsAreAuditedPerTenantAndExportableAsNdjson() throws Exception {
        String tenantA = "audit-a-" + UUID.randomUUID();
        String tenantB = "audit-b-" + UUID.randomUUID();
        String adminA = token(tenantA, "admin");
        assertEquals(401, get("/api/v1/audit", null, "application/json").statusCode());
        assertEquals(403, get("/api/v1/audit", token(tenantA, "viewer"), "application/json").statusCode());
        assertEquals(200, get("/api/v1/audit", adminA, "application/json").statusCode());
        assertEquals(200, get("/api/v1/audit", token(tenantB, "admin"), "application/json").statusCode());

        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/v1/audit", adminA, "application/json").body()
                .contains("\"outcome\":403"));
        String ofA = get("/api/v1/audit", adminA, "application/json").body();
        assertTrue(ofA.contains("\"actor\":\"agent-" + tenantA + "\""), ofA);
        assertTrue(ofA.contains("\"action\":\"GET /api/v1/audit\""), ofA);
        assertTrue(ofA.contains("\"roles\":\"viewer\""), "a refused read is audited too: " + ofA);
        assertFalse(ofA.contains(tenantB), "an admin of tenant A sees nothing of tenant B");

        HttpResponse<String> export = get("/api/v1/audit", adminA, "application/x-ndjson");
        assertEquals(200, export.statusCode());
        String[] lines = export.body().strip().split("\n");
        assertTrue(lines.length >= 2, export.body());
        for (String line : lines) {
            assertTrue(line.startsWith("{") && line.endsWith("}") && line.contains("\"tenant\":\"" + tenantA + "\""),
                    line);
        }
    }

    @Test
    void refusalsAnswerProblemBodies() throws Exception {
        HttpResponse<String> anonymous = get("/api/v1/audit", null, "application/json");
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.body().contains("urn:guestcrm:problem:unauthorized"), anonymous.body());
        assertEquals("Bearer", anonymous.headers().firstValue("WWW-Authenticate").orElse(null));
        HttpResponse<String> forged = get("/api/v1/audit", "not.a.jwt", "application/json");
        assertEquals(401, forged.statusCode());
        HttpResponse<String> weak = get("/api/v1/audit", token("t", "viewer"), "application/json");
        assertEquals(403, weak.statusCode());
        assertTrue(weak.body().contains("urn:guestcrm:problem:forbidden"), weak.body());
        HttpResponse<String> nul = get("/api/v1/audit?actor=a%00b", token("t", "admin"), "application/json");
        assertEquals(400, nul.statusCode());
        assertTrue(nul.body().contains("\"name\":\"actor\""), nul.body());
    }

    @Test
    void aFeedsOwnBearerTokenIsNeverTakenForAStaffJwtNorAudited() throws Exception {
        HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v1/feeds/probe"))
                .header("Authorization", "Bearer demo").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("<OTA_HotelResNotifRQ/>")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode());
        String anyTenant = LocalIdentity.forTests().mint(Set.of("*"), Set.of("admin"), Duration.ofMinutes(5), "root");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/audit", anyTenant, "application/json")
                .statusCode() == 200);
        assertFalse(get("/api/v1/audit", anyTenant, "application/json").body().contains("/api/v1/feeds"),
                "feed requests are not staff actions");
    }

    @jakarta.inject.Inject
    io.smallrye.jwt.auth.principal.JWTParser parser;

    @Test
    void staffTokensAreVerifiedOnceThroughThePlatformsCacheAndForgedOrExpiredOnesAreStillRefused() throws Exception {
        org.guestcrm.platform.security.VerifiedTokenCache cache =
                org.junit.jupiter.api.Assertions.assertInstanceOf(org.guestcrm.platform.security.VerifiedTokenCache.class,
                        parser, "the JWT verifier every request goes through is the platform's cache");
        String tenant = "cache-" + UUID.randomUUID();
        String admin = token(tenant, "admin");
        int before = cache.size();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("/api/v1/audit", admin, "application/json").statusCode());
        }
        assertEquals(before + 1, cache.size(), "one verified token, held once");

        String forged = admin.substring(0, admin.lastIndexOf('.') + 1) + "AAAA" + admin.substring(admin.lastIndexOf('.') + 5);
        assertEquals(401, get("/api/v1/audit", forged, "application/json").statusCode());
        assertEquals(401, get("/api/v1/audit", forged, "application/json").statusCode());
        java.time.Instant past = java.time.Instant.now().minus(Duration.ofHours(2));
        String expired = LocalIdentity.forTests().mint(LocalIdentity.LOCAL_ISSUER, Set.of(tenant), Set.of("admin"), past,
                past.plus(Duration.ofMinutes(5)), "agent-" + tenant);
        assertEquals(401, get("/api/v1/audit", expired, "application/json").statusCode());
        assertEquals(before + 1, cache.size(), "refused tokens are not held");
    }

    @jakarta.inject.Inject
    org.guestcrm.platform.audit.AuditTrail trail;

    /**
     * A NUL in an audited request (a hostile path: PostgreSQL text cannot hold it, SQL state 22021) failed the whole
     * batch on every pass, and the writer retried it in a tight loop that starved the local stack in CI (2026-12-03):
     * now the NUL is written as U+FFFD, and the entries queued with it are written too.
     */
    @Test
    void anEntryWithANulIsWrittenAndHoldsBackNoOther() {
        String tenant = "audit-nul-" + UUID.randomUUID();
        java.time.Instant now = java.time.Instant.now();
        trail.record(new org.guestcrm.platform.audit.AuditEntry(0, now, "fuzz", tenant, "admin",
                "GET /api/v1/guests/a\u0000b", "a\u0000b", "127.0.0.1", 400));
        trail.record(new org.guestcrm.platform.audit.AuditEntry(0, now, "agent", tenant, "admin",
                "GET /api/v1/audit", null, "127.0.0.1", 200));
        trail.flush();
        java.util.List<org.guestcrm.platform.audit.AuditEntry> written = trail.find(now.minusSeconds(60),
                now.plusSeconds(60), Set.of(tenant), null, 10);
        assertEquals(2, written.size(), written.toString());
        assertTrue(written.stream().anyMatch(e -> e.action().equals("GET /api/v1/guests/a\uFFFDb")
                && "a\uFFFDb".equals(e.targetId())), written.toString());
        assertTrue(written.stream().anyMatch(e -> e.action().equals("GET /api/v1/audit")), written.toString());
    }
    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    /**
     * An entry PostgreSQL refuses for its data whatever is done to its text (an instant past timestamptz's year 294276:
     * SQL state 22008) fails its batch: the batch is written entry by entry, the one refused is dropped and counted
     * (guestcrm.audit.dropped), the others are written, and nothing is retried forever.
     */
    @Test
    void anEntryTheDatabaseRefusesIsDroppedAloneAndCountedAndTheOthersAreWritten() {
        String tenant = "audit-refused-" + UUID.randomUUID();
        java.time.Instant now = java.time.Instant.now();
        double droppedBefore = meters.counter("guestcrm.audit.dropped").count();
        trail.record(new org.guestcrm.platform.audit.AuditEntry(0, now, "agent", tenant, "admin",
                "GET /api/v1/audit?first", null, "127.0.0.1", 200));
        trail.record(new org.guestcrm.platform.audit.AuditEntry(0, java.time.Instant.parse("+300000-01-01T00:00:00Z"),
                "agent", tenant, "admin", "GET /api/v1/audit?refused", null, "127.0.0.1", 200));
        trail.record(new org.guestcrm.platform.audit.AuditEntry(0, now, "agent", tenant, "admin",
                "GET /api/v1/audit?last", null, "127.0.0.1", 200));
        trail.flush();
        java.util.List<org.guestcrm.platform.audit.AuditEntry> written = trail.find(now.minusSeconds(60),
                now.plusSeconds(60), Set.of(tenant), null, 10);
        assertEquals(Set.of("GET /api/v1/audit?first", "GET /api/v1/audit?last"),
                written.stream().map(org.guestcrm.platform.audit.AuditEntry::action).collect(java.util.stream.Collectors.toSet()));
        assertEquals(droppedBefore + 1, meters.counter("guestcrm.audit.dropped").count(), 0.0);
        // Nothing of it waits in the queue for another pass: a second flush writes and drops nothing more.
        trail.flush();
        assertEquals(2, trail.find(now.minusSeconds(60), now.plusSeconds(60), Set.of(tenant), null, 10).size());
        assertEquals(droppedBefore + 1, meters.counter("guestcrm.audit.dropped").count(), 0.0);
    }
}
