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

import org.guestcrm.testsupport.GuestProfiles;
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
 * A dead letter found through the ops API and replayed after the fix is applied exactly once, however often it is
 * replayed; another tenant's ops token does not see it.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "platform"))
class DeadLetterReplayTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @Test
    void aDeadLetterReplayedAfterTheFixHasOneEffect() throws Exception {
        String tenant = "dlq-" + UUID.randomUUID();
        String key = tenant + ":PROBE:flaky";
        ProbeHandler.flakyFails = true;
        try (ProbeTraffic traffic = new ProbeTraffic()) {
            traffic.send(key, GuestProfiles.profile(tenant, "PROBE", "FLAKY", 1L).build());
            traffic.flush();
        }
        String ops = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("ops"), Duration.ofMinutes(5), "ops-1");
        String path = "/api/v1/ops/dead-letters/" + ProbeTraffic.DLQ;
        await().atMost(Duration.ofSeconds(60)).until(() -> list(path, ops).size() == 1);
        JsonNode letter = list(path, ops).get(0);
        assertEquals(key, letter.path("key").asText());
        assertEquals(ProbeTraffic.TOPIC, letter.path("originalTopic").asText());
        assertTrue(letter.path("reason").asText().contains("IllegalStateException"), letter.toString());
        assertEquals(0, ProbeTraffic.applied(key));

        String other = LocalIdentity.forTests().mint(Set.of("someone-else"), Set.of("ops"), Duration.ofMinutes(5), "o");
        assertEquals(0, list(path, other).size(), "another tenant's ops token sees none of it");

        ProbeHandler.flakyFails = false;                                       // the fix
        String replay = path + "/" + letter.path("partition").asInt() + "/" + letter.path("offset").asLong()
                + "/replay";
        assertEquals(200, post(replay, ops).statusCode());
        await().atMost(Duration.ofSeconds(60)).until(() -> ProbeTraffic.applied(key) == 1);
        assertEquals(200, post(replay, ops).statusCode(), "a second replay is accepted ...");
        Thread.sleep(3000);
        assertEquals(1, ProbeTraffic.applied(key), "... and has no second effect");
        assertEquals(404, post(path + "/0/999999/replay", ops).statusCode());
        assertFalse(list(path, ops).isEmpty(), "the dead letter stays listed as a record of what happened");
    }

    private JsonNode list(String path, String token) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
