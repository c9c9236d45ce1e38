package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The review queue end to end (Kafka in, HTTP, crm.guest-merges out): two profiles with the same names and nothing
 * else in common are kept apart and queued with their evidence; a reviewer merges them (the older guest survives, the
 * other id answers it), splits one out again (it stays out when its PMS sends a newer state), and merges by hand.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class ReviewAndSplitTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static Response lookup(String tenant, String system, String profileId) {
        return Staff.viewer(tenant).queryParam("tenant", tenant).queryParam("sourceSystem", system)
                .queryParam("sourceProfileId", profileId).get("/api/v1/guests");
    }

    private static String awaitGuestId(String tenant, String system, String profileId) {
        await().atMost(PATIENCE).until(() -> lookup(tenant, system, profileId).statusCode() == 200);
        return lookup(tenant, system, profileId).then().extract().path("guestId");
    }

    @Test
    void aReviewerMergesSplitsAndMergesAgainAndIdsStayStable() {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "r-1", 1L).setFirstName("Ottilie").setLastName("Brandauer")
                .setEmails(List.of(email("ob1@example.com", true))).build());
        String older = awaitGuestId(tenant, "opera", "r-1");
        GuestProfiles.send(profile(tenant, "mews", "r-2", 1L).setFirstName("Ottilie").setLastName("Brandauer")
                .setEmails(List.of(email("travel.desk.q@mail.example.org", true))).build());
        String newer = awaitGuestId(tenant, "mews", "r-2");
        assertNotEquals(older, newer, "names alone never merge automatically");

        // The queue: the pair with its evidence (fields, levels, weights, model version), never values.
        List<Map<String, Object>> items = Staff.as(tenant, "agent").queryParam("tenant", tenant).get("/api/v1/reviews")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(1, items.size(), items.toString());
        Map<String, Object> item = items.get(0);
        assertEquals(newer, item.get("guestId"));
        assertEquals(older, item.get("candidateGuestId"));
        assertEquals(org.guestcrm.profile.domain.matching.MatchModel.VERSION, item.get("modelVersion"));
        assertEquals("PENDING", item.get("status"));
        assertTrue(item.get("evidence").toString().contains("givenName"), item.toString());
        Object reviewId = item.get("reviewId");

        // Doors: a viewer may not review; another tenant's agent neither sees nor decides the item.
        Staff.viewer(tenant).queryParam("tenant", tenant).get("/api/v1/reviews").then().statusCode(403);
        String stranger = "tenant-" + UUID.randomUUID();
        Staff.as(stranger, "agent").queryParam("tenant", tenant).get("/api/v1/reviews").then().statusCode(404);
        Staff.as(stranger, "agent").contentType("application/json").body("{\"decision\":\"MERGE\"}")
                .post("/api/v1/reviews/{id}", reviewId).then().statusCode(404);
        Staff.as(stranger, "agent").contentType("application/json").body("{\"otherGuestId\":\"" + newer + "\"}")
                .post("/api/v1/guests/{id}/merge", older).then().statusCode(404);
        Staff.as(tenant, "agent").contentType("application/json").body("{\"decision\":\"MAYBE\"}")
                .post("/api/v1/reviews/{id}", reviewId).then().statusCode(400);

        // Merge: the older guest survives and keeps its id; the newer id answers it.
        Staff.as(tenant, "agent").contentType("application/json").body("{\"decision\":\"MERGE\",\"reason\":\"same guest\"}")
                .post("/api/v1/reviews/{id}", reviewId).then().statusCode(200).body("status", equalTo("MERGED"));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", newer).then().statusCode(200)
                .body("guestId", equalTo(older))
                .body("sourceProfiles.pmsProfileId", containsInAnyOrder("r-1", "r-2"));
        assertEquals(older, awaitGuestId(tenant, "mews", "r-2"));
        Staff.as(tenant, "agent").queryParam("tenant", tenant).get("/api/v1/reviews").then().body("$", hasSize(0));
        Staff.as(tenant, "agent").contentType("application/json").body("{\"decision\":\"MERGE\"}")
                .post("/api/v1/reviews/{id}", reviewId).then().statusCode(409);
        GuestMerged merged = await().atMost(PATIENCE).until(() -> this.<GuestMerged>merges(older, GuestMerged.class),
                list -> !list.isEmpty()).get(0);
        assertEquals(List.of(newer), merged.getMergedGuestIds());
        assertEquals("r-2", merged.getMovedSourceProfiles().get(0).getPmsProfileId());
        // The absorbed guest's key on crm.guests ends with a tombstone (after its GuestMerged); the survivor's record is
        // intact and carries both profiles.
        await().atMost(PATIENCE).until(() -> GuestsTopic.endsWithTombstone(newer));
        await().atMost(PATIENCE).until(() -> !GuestsTopic.updates(older).isEmpty() && GuestsTopic.updates(older).getLast()
                .getSourceProfiles().stream().map(p -> p.getPmsProfileId()).sorted().toList().equals(List.of("r-1", "r-2")));
        assertNotEquals(null, GuestsTopic.last(older).value(), "the survivor's last record is its golden record");

        // Split r-2 out again: a new guest; the survivor keeps its id and r-1.
        String split = Staff.as(tenant, "agent").contentType("application/json")
                .body("{\"pmsSystem\":\"mews\",\"pmsProfileId\":\"r-2\",\"reason\":\"two people\"}")
                .post("/api/v1/guests/{id}/split", older).then().statusCode(200)
                .body("sourceProfiles.pmsProfileId", containsInAnyOrder("r-2")).extract().path("guestId");
        assertNotEquals(older, split);
        assertNotEquals(newer, split);
        Staff.viewer(tenant).get("/api/v1/guests/{id}", older).then().body("sourceProfiles.pmsProfileId",
                containsInAnyOrder("r-1"));
        GuestSplit event = await().atMost(PATIENCE).until(() -> this.<GuestSplit>merges(older, GuestSplit.class),
                list -> !list.isEmpty()).get(0);
        assertEquals(split, event.getNewGuestId());
        Staff.as(tenant, "agent").contentType("application/json").body("{\"pmsSystem\":\"mews\",\"pmsProfileId\":\"r-2\"}")
                .post("/api/v1/guests/{id}/split", split).then().statusCode(409);

        // The manual split holds when the PMS sends a newer state of the profile.
        GuestProfiles.send(profile(tenant, "mews", "r-2", 2L).setFirstName("Ottilie").setLastName("Brandauer-Keller")
                .setEmails(List.of(email("travel.desk.q@mail.example.org", true))).build());
        await().atMost(PATIENCE).untilAsserted(() -> Staff.viewer(tenant).get("/api/v1/guests/{id}", split).then()
                .body("lastName", equalTo("Brandauer-Keller")));
        assertEquals(split, awaitGuestId(tenant, "mews", "r-2"));

        // A manual merge (the latest manual decision wins): the other id answers this guest.
        Staff.as(tenant, "admin").contentType("application/json").body("{\"otherGuestId\":\"" + split + "\"}")
                .post("/api/v1/guests/{id}/merge", older).then().statusCode(200).body("guestId", equalTo(older))
                .body("sourceProfiles.pmsProfileId", containsInAnyOrder("r-1", "r-2"));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", split).then().body("guestId", equalTo(older));
        String export = Staff.viewer(tenant).accept("application/x-ndjson").queryParam("tenant", tenant)
                .get("/api/v1/guests/export").then().statusCode(200).extract().asString();
        assertEquals(1, export.lines().count(), "merged-away guests are not exported");
        await().atMost(PATIENCE).until(() -> GuestsTopic.endsWithTombstone(split));
        assertTrue(!GuestsTopic.endsWithTombstone(older), "the survivor keeps its golden record on crm.guests");
    }

    @Test
    void keptApartTheItemLeavesTheQueue() {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "k-1", 1L).setFirstName("Leopold").setLastName("Zimmerli")
                .setEmails(List.of(email("lz@example.com", true))).build());
        awaitGuestId(tenant, "opera", "k-1");
        GuestProfiles.send(profile(tenant, "opera", "k-2", 1L).setFirstName("Leopold").setLastName("Zimmerli")
                .setEmails(List.of(email("office.north@mail.example.org", true))).build());
        String second = awaitGuestId(tenant, "opera", "k-2");
        Object reviewId = Staff.as(tenant, "agent").queryParam("tenant", tenant).get("/api/v1/reviews").then()
                .body("$", hasSize(1)).extract().path("[0].reviewId");
        Staff.as(tenant, "agent").contentType("application/json").body("{\"decision\":\"KEEP_APART\"}")
                .post("/api/v1/reviews/{id}", reviewId).then().statusCode(200).body("status", equalTo("KEPT_APART"));
        Staff.as(tenant, "agent").queryParam("tenant", tenant).get("/api/v1/reviews").then().body("$", hasSize(0));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", second).then().body("guestId", equalTo(second));
    }

    private <T extends SpecificRecord> List<T> merges(String key, Class<T> type) {
        return KafkaTestClients.<SpecificRecord>readAvro("crm.guest-merges").stream()
                .filter(r -> key.equals(r.key()))
                .map(ConsumerRecord::value)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }
}
