package org.guestcrm.desk.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.platform.security.Roles;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The usage audit across services, with the desk watching its own audit trail (GET /api/v1/audit, NDJSON, read with
 * the service token) and a service that does not answer: staff actions merged, filtered by actor, action and service,
 * limited to the caller's tenant, exported as NDJSON and CSV; admin only.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
@io.quarkus.test.junit.TestProfile(WatchedSelf.class)
class UsageAuditTest {

    static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void staffActionsAcrossServicesAreMergedFilteredAndExported() throws Exception {
        java.time.Instant started = java.time.Instant.now();
        String tenant = "tenant-" + UUID.randomUUID();
        String other = "other-" + UUID.randomUUID();
        given().auth().oauth2(Staff.token(Set.of(tenant), "admin-alice", Roles.ADMIN))
                .get("/api/v1/leads?tenant=" + tenant).then().statusCode(200);
        given().auth().oauth2(Staff.token(Set.of(tenant), "agent-bob", Roles.AGENT))
                .get("/api/v1/tasks?tenant=" + tenant).then().statusCode(200);
        given().auth().oauth2(Staff.token(Set.of(other), "admin-olga", Roles.ADMIN))
                .get("/api/v1/leads?tenant=" + other).then().statusCode(200);
        String auditor = Staff.token(Set.of(tenant), "auditor", Roles.ADMIN);
        // The period of this test only: the desk's audit trail holds every earlier test's calls too (the shared
        // database), and each service answers all of its entries of the period.
        String path = "/api/v1/desk/audit?tenant=" + tenant + "&from=" + started.minusSeconds(60);

        JsonPath[] last = new JsonPath[1];
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                last[0] = given().auth().oauth2(auditor).get(path).then().statusCode(200).extract().jsonPath();
                List<String> actors = last[0].getList("entries.actor");
                return actors.contains("admin-alice") && actors.contains("agent-bob");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the merged audit never showed both actions: "
                    + (last[0] == null ? "no answer" : last[0].prettify()), e);
        }
        JsonPath audit = last[0];
        List<Map<String, Object>> entries = audit.getList("entries");
        Map<String, Object> alice = entries.stream().filter(e -> "admin-alice".equals(e.get("actor"))).findFirst().orElseThrow();
        assertEquals("desk", alice.get("service"));
        assertEquals("GET /api/v1/leads", alice.get("action"));
        assertEquals(tenant, alice.get("tenant"));
        assertEquals(200, alice.get("outcome"));
        assertTrue(entries.stream().noneMatch(e -> "admin-olga".equals(e.get("actor"))), "another tenant's actions stay out");
        assertTrue(entries.stream().allMatch(e -> tenant.equals(e.get("tenant"))));
        // Newest first.
        List<String> times = audit.getList("entries.occurredAt");
        assertEquals(times.stream().sorted(java.util.Comparator.reverseOrder()).toList(), times);
        // The desk could be read; the silent service is listed with its error, and did not stop the view.
        Map<String, Object> desk = source(audit, "desk");
        Map<String, Object> silent = source(audit, "silent");
        assertEquals(true, desk.get("read"));
        assertEquals(false, silent.get("read"));
        assertTrue(((String) silent.get("error")).startsWith("not readable"), silent.toString());

        // Filters: actor (exact), action (part, any case), service.
        given().auth().oauth2(auditor).get(path + "&actor=agent-bob").then().statusCode(200)
                .body("entries.actor", org.hamcrest.Matchers.everyItem(equalTo("agent-bob")))
                .body("entries.action", org.hamcrest.Matchers.hasItem("GET /api/v1/tasks"));
        given().auth().oauth2(auditor).get(path + "&action=LEADS").then().statusCode(200)
                .body("entries.action", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.containsString("/api/v1/leads")))
                .body("entries.actor", org.hamcrest.Matchers.hasItem("admin-alice"));
        given().auth().oauth2(auditor).get(path + "&service=silent").then().statusCode(200)
                .body("entries.size()", equalTo(0)).body("sources.service", contains("silent"));
        given().auth().oauth2(auditor).get(path + "&service=nowhere").then().statusCode(400)
                .body("invalidParams.name", contains("service"));
        given().auth().oauth2(auditor).get("/api/v1/desk/audit?tenant=" + tenant + "&from=yesterday").then().statusCode(400)
                .body("invalidParams.name", contains("from"));

        // Exports: NDJSON (Accept) and CSV (format).
        String ndjson = given().auth().oauth2(auditor).accept("application/x-ndjson").get(path + "&actor=admin-alice")
                .then().statusCode(200).extract().asString();
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = ndjson.lines().filter(l -> !l.isBlank()).toList();
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            JsonNode node = mapper.readTree(line);
            assertEquals("admin-alice", node.get("actor").asText());
            assertEquals("desk", node.get("service").asText());
        }
        String csv = given().auth().oauth2(auditor).get(path + "&actor=admin-alice&format=csv").then().statusCode(200)
                .extract().asString();
        String[] rows = csv.split("\r\n");
        assertEquals("service,occurredAt,actor,tenant,roles,action,targetId,sourceAddress,outcome", rows[0]);
        assertEquals(lines.size() + 1, rows.length);
        assertTrue(rows[1].startsWith("desk,") && rows[1].contains(",admin-alice," + tenant + ",admin,GET /api/v1/leads,"), rows[1]);

        // Doors: admin of the tenant only.
        given().auth().oauth2(Staff.token(Set.of(tenant), "agent-bob", Roles.AGENT)).get(path).then().statusCode(403);
        given().auth().oauth2(Staff.token(Set.of(other), "admin-olga", Roles.ADMIN)).get(path).then().statusCode(404);
        given().get(path).then().statusCode(401);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> source(JsonPath audit, String name) {
        return ((List<Map<String, Object>>) (List<?>) audit.getList("sources")).stream()
                .filter(s -> name.equals(s.get("service"))).findFirst().orElseThrow();
    }
}
