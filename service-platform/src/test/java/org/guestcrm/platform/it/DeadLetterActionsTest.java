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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.guestcrm.platform.ops.DeadLetterActions;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaBroker;
import org.guestcrm.testsupport.LocalIdentity;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What an operator does with dead letters through the ops API: show one (a guest's data masked for ops, shown to
 * ops+admin), discard one with a note (refused without), replay every pending one after the fix and a selection
 * again: each letter has one effect, the discarded one none; the states are listed and counted.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "platform"))
class DeadLetterActionsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/api/v1/ops/dead-letters/" + ProbeTraffic.DLQ;

    @TestHTTPResource("/")
    URI base;

    @Test
    void showMaskedDiscardWithNoteReplayAllAndASelectionWithOneEffectEach() throws Exception {
        String tenant = "dla-" + UUID.randomUUID();
        List<String> keys = List.of(tenant + ":PROBE:a", tenant + ":PROBE:b", tenant + ":PROBE:c");
        String ops = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("ops"), Duration.ofMinutes(5), "ops-1");
        String opsAdmin = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("ops", "admin"), Duration.ofMinutes(5),
                "ops-admin-1");
        ProbeHandler.flakyFails = true;
        try (ProbeTraffic traffic = new ProbeTraffic()) {
            for (String key : keys) {
                traffic.send(key, GuestProfiles.profile(tenant, "PROBE", "FLAKY", 1L)
                        .setEmails(List.of(GuestProfiles.email("dla.guest@example.org", true))).build());
            }
            traffic.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> get(PATH, ops).size() == 3);
        JsonNode letters = get(PATH, ops);
        letters.forEach(l -> assertEquals("PENDING", l.path("state").asText()));
        JsonNode a = letters.get(0);
        String letterA = PATH + "/" + a.path("partition").asInt() + "/" + a.path("offset").asLong();

        // Show: ops sees ids and types, never the guest's name or e-mail; ops+admin sees them.
        JsonNode masked = get(letterA, ops);
        assertTrue(masked.path("masked").asBoolean());
        assertEquals("***", masked.path("value").path("lastName").asText(), "last name masked");
        assertEquals("***", masked.path("value").path("emails").get(0).path("address").asText(), "e-mail masked");
        assertFalse(masked.toString().contains("dla.guest@example.org"), "the e-mail appears nowhere when masked");
        assertEquals("FLAKY", masked.path("value").path("pmsProfileId").asText());
        assertEquals("UPSERTED", masked.path("value").path("changeType").asText());
        assertEquals(tenant, masked.path("value").path("metadata").path("tenantId").asText());
        JsonNode full = get(letterA, opsAdmin);
        assertFalse(full.path("masked").asBoolean());
        assertEquals("dla.guest@example.org", full.path("value").path("emails").get(0).path("address").asText(),
                "ops+admin sees the value");

        // Discard needs a note naming why; the problem names the field.
        HttpResponse<String> refused = post(letterA + "/discard", ops, "{}");
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("\"note\""), "the problem names the field note");
        assertEquals(400, post(letterA + "/discard", ops, "{\"note\":\"bad\\u0000note\"}").statusCode());
        HttpResponse<String> discarded = post(letterA + "/discard", ops, "{\"note\":\"test booking, not a guest\"}");
        assertEquals(200, discarded.statusCode(), discarded.body());
        assertEquals("DISCARDED", JSON.readTree(discarded.body()).path("state").asText());
        await().atMost(Duration.ofSeconds(30)).until(() -> get(PATH, ops).get(0).path("state").asText()
                .equals("DISCARDED"));
        assertEquals("test booking, not a guest", get(PATH, ops).get(0).path("note").asText());
        assertEquals("ops-1", get(PATH, ops).get(0).path("actedBy").asText());
        assertEquals(2, get("/api/v1/ops/dead-letters", ops).path(ProbeTraffic.DLQ).asInt(), "two still pending");
        assertEquals(1, get(PATH + "?state=DISCARDED", ops).size());
        get(PATH + "?state=LOST", ops, 400);

        // Bad selections are refused, naming the field.
        assertEquals(400, post(PATH + "/replay", ops, "{}").statusCode());
        HttpResponse<String> badPosition = post(PATH + "/replay", ops, "{\"letters\":[{\"partition\":-1}]}");
        assertEquals(400, badPosition.statusCode());
        assertTrue(badPosition.body().contains("letters[0]"), "the problem names the element");

        // The fix, then replay every pending one: b and c, once each; a stays discarded and unapplied.
        ProbeHandler.flakyFails = false;
        JsonNode outcomes = JSON.readTree(post(PATH + "/replay", ops, "{\"all\":true,\"note\":\"after the fix\"}").body());
        assertEquals(2, outcomes.size());
        outcomes.forEach(o -> assertEquals("REPLAYED", o.path("outcome").asText()));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ProbeTraffic.applied(keys.get(1)) == 1 && ProbeTraffic.applied(keys.get(2)) == 1);

        // A selection replayed again (b, and the discarded a): b is sent again, a is skipped.
        JsonNode b = letters.get(1);
        String selection = "{\"letters\":[{\"partition\":" + a.path("partition").asInt() + ",\"offset\":"
                + a.path("offset").asLong() + "},{\"partition\":" + b.path("partition").asInt() + ",\"offset\":"
                + b.path("offset").asLong() + "},{\"partition\":0,\"offset\":999999}]}";
        List<String> again = new ArrayList<>();
        JSON.readTree(post(PATH + "/replay", ops, selection).body()).forEach(o -> again.add(o.path("outcome").asText()));
        assertEquals(List.of("SKIPPED", "REPLAYED", "NOT_FOUND"), again);
        // A later event on every key, behind the replays on the probe's one partition: once it is applied, so is
        // anything replayed before it.
        try (Admin admin = KafkaBroker.shared().admin()) {
            assertEquals(1, admin.describeTopics(List.of(ProbeTraffic.TOPIC)).allTopicNames().get()
                    .get(ProbeTraffic.TOPIC).partitions().size(), "the ordering argument needs one partition");
        }
        try (ProbeTraffic traffic = new ProbeTraffic()) {
            for (String key : keys) {
                traffic.send(key, GuestProfiles.profile(tenant, "PROBE", "LATER", 2L).build());
            }
            traffic.send(tenant + ":PROBE:z", GuestProfiles.profile(tenant, "PROBE", "LAST", 1L).build());
            traffic.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ProbeTraffic.applied(tenant + ":PROBE:z") == 1);
        assertEquals(2, ProbeTraffic.applied(keys.get(1)), "b: one effect of the letter (replayed twice) + the later event");
        assertEquals(2, ProbeTraffic.applied(keys.get(2)), "c: one effect of the letter + the later event");
        assertEquals(1, ProbeTraffic.applied(keys.get(0)), "a: discarded, never applied; only the later event");
        assertEquals(0, get("/api/v1/ops/dead-letters", ops).path(ProbeTraffic.DLQ).asInt(), "nothing pending");
        assertEquals(3, get(PATH, ops).size(), "every letter stays listed as a record of what happened");

        // Another tenant's ops token sees nothing of it and cannot act on it.
        String other = LocalIdentity.forTests().mint(Set.of("someone-else"), Set.of("ops"), Duration.ofMinutes(5), "o");
        assertEquals(404, post(letterA + "/discard", other, "{\"note\":\"x\"}").statusCode());
        assertEquals(404, HTTP.send(request(letterA, other).GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        assertEquals(401, HTTP.send(HttpRequest.newBuilder(base.resolve(letterA)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertTrue(DeadLetterActions.TOPIC.startsWith("crm."));
    }

    private HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token);
    }

    private JsonNode get(String path, String token) throws Exception {
        return get(path, token, 200);
    }

    private JsonNode get(String path, String token, int expected) throws Exception {
        HttpResponse<String> response = HTTP.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), path);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return HTTP.send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
