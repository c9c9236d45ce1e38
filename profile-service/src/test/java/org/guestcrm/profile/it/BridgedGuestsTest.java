package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.events.MergeDecision;
import org.guestcrm.events.PostalAddress;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Guests created apart that a later profile bridges (Kafka in, HTTP, crm.guest-merges and crm.guests out): two
 * profiles of one person with too little in common to merge become two guests; a third that matches each of them
 * joins both (the older guest survives, GuestMerged decided automatically, the other id answers the survivor, the
 * survivor's GuestUpdated carries all three, the absorbed key ends with a tombstone, the decision explained on the
 * moved profile); un-merging restores the absorbed guest. A reviewer's keep-apart and two different birth dates are
 * never bridged; two birth dates that are a typing error of each other are no second person, and the join says so.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class BridgedGuestsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static Response lookup(String tenant, String system, String profileId) {
        return Staff.viewer(tenant).queryParam("tenant", tenant).queryParam("sourceSystem", system)
                .queryParam("sourceProfileId", profileId).get("/api/v1/guests");
    }

    private static String awaitGuestId(String tenant, String system, String profileId) {
        await().atMost(PATIENCE).until(() -> lookup(tenant, system, profileId).statusCode() == 200);
        return lookup(tenant, system, profileId).then().extract().path("guestId");
    }

    private static PostalAddress address(String postcode, String city) {
        return PostalAddress.newBuilder().setPostalCode(postcode).setCity(city).setCountryCode("CH").build();
    }

    @Test
    void aProfileMatchingTwoGuestsJoinsThemAndTheJoinCanBeUndone() {
        String tenant = "tenant-" + UUID.randomUUID();
        // A: names and a private e-mail. B: the same names, a birth date, an address and a work e-mail. Names alone
        // never merge, so B is a guest of its own (queued for review).
        GuestProfiles.send(profile(tenant, "opera", "b-1", 1L).setFirstName("Henrike").setLastName("Vollmar")
                .setEmails(List.of(email("hv.private@example.com", true))).build());
        String first = awaitGuestId(tenant, "opera", "b-1");
        GuestProfiles.send(profile(tenant, "mews", "b-2", 1L).setFirstName("Henrike").setLastName("Vollmar")
                .setBirthDate(LocalDate.of(1979, 5, 21)).setAddresses(List.of(address("3011", "Bern")))
                .setEmails(List.of(email("henrike.work@corp.example.net", true))).build());
        String second = awaitGuestId(tenant, "mews", "b-2");
        assertNotEquals(first, second, "names alone never merge");
        Staff.as(tenant, "agent").queryParam("tenant", tenant).get("/api/v1/reviews").then().body("$", hasSize(1));

        // C: the private e-mail of A and the birth date and address of B: it matches both, and joins them.
        GuestProfiles.send(profile(tenant, "apaleo", "b-3", 1L).setFirstName("Henrike").setLastName("Vollmar")
                .setBirthDate(LocalDate.of(1979, 5, 21)).setAddresses(List.of(address("3011", "Bern")))
                .setEmails(List.of(email("hv.private@example.com", true))).build());
        assertEquals(first, awaitGuestId(tenant, "apaleo", "b-3"), "the older guest survives");
        await().atMost(PATIENCE).until(() -> first.equals(lookup(tenant, "mews", "b-2").then().extract().path("guestId")));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", second).then().statusCode(200).body("guestId", equalTo(first))
                .body("sourceProfiles.pmsProfileId", containsInAnyOrder("b-1", "b-2", "b-3"));
        // Explained: the moved profile's decision names the rule, the guest it came from and the evidence.
        Map<String, Object> moved = Staff.viewer(tenant).get("/api/v1/guests/{id}", first).then().extract().jsonPath()
                .getMap("sourceProfiles.find { it.pmsProfileId == 'b-2' }");
        assertEquals("FS_JOINED", moved.get("matchRule"), moved.toString());
        assertTrue(moved.get("matchExplanation").toString().contains("guest " + second + " joined into guest " + first),
                moved.toString());
        assertTrue(moved.get("matchExplanation").toString().contains("birthDate exact"), moved.toString());
        Staff.viewer(tenant).get("/api/v1/guests/{id}", first).then()
                .body("sourceProfiles.find { it.pmsProfileId == 'b-3' }.matchExplanation", containsString("joined into guest"));
        // The review item between the two is settled by the join: the queue is empty.
        Staff.as(tenant, "agent").queryParam("tenant", tenant).get("/api/v1/reviews").then().body("$", hasSize(0));

        GuestMerged merged = await().atMost(PATIENCE).until(() -> this.<GuestMerged>merges(first, GuestMerged.class),
                list -> !list.isEmpty()).get(0);
        assertEquals(List.of(second), merged.getMergedGuestIds());
        assertEquals(MergeDecision.AUTOMATIC, merged.getDecidedBy());
        assertEquals(List.of("b-2"), merged.getMovedSourceProfiles().stream().map(p -> p.getPmsProfileId()).toList());
        assertNotNull(merged.getScore());
        assertTrue(merged.getScore() >= 9, merged.toString());
        await().atMost(PATIENCE).until(() -> GuestsTopic.endsWithTombstone(second));
        await().atMost(PATIENCE).until(() -> !GuestsTopic.updates(first).isEmpty() && GuestsTopic.updates(first).getLast()
                .getSourceProfiles().stream().map(p -> p.getPmsProfileId()).sorted().toList()
                .equals(List.of("b-1", "b-2", "b-3")));
        String export = Staff.viewer(tenant).accept("application/x-ndjson").queryParam("tenant", tenant)
                .get("/api/v1/guests/export").then().statusCode(200).extract().asString();
        assertEquals(1, export.lines().count(), export);

        // Doors and bad input of the un-merge.
        String stranger = "tenant-" + UUID.randomUUID();
        Staff.as(stranger, "agent").contentType("application/json").body("{\"mergedGuestId\":\"" + second + "\"}")
                .post("/api/v1/guests/{id}/unmerge", first).then().statusCode(404);
        Staff.viewer(tenant).contentType("application/json").body("{\"mergedGuestId\":\"" + second + "\"}")
                .post("/api/v1/guests/{id}/unmerge", first).then().statusCode(403);
        Staff.as(tenant, "agent").contentType("application/json").body("{}")
                .post("/api/v1/guests/{id}/unmerge", first).then().statusCode(400)
                .body("invalidParams[0].name", equalTo("mergedGuestId"));

        // Un-merge: b-2 goes back to its own guest, which answers itself and publishes its record again.
        Staff.as(tenant, "agent").contentType("application/json")
                .body("{\"mergedGuestId\":\"" + second + "\",\"reason\":\"two people after all\"}")
                .post("/api/v1/guests/{id}/unmerge", first).then().statusCode(200).body("guestId", equalTo(second))
                .body("sourceProfiles.pmsProfileId", containsInAnyOrder("b-2"));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", first).then()
                .body("sourceProfiles.pmsProfileId", containsInAnyOrder("b-1", "b-3"));
        assertEquals(second, awaitGuestId(tenant, "mews", "b-2"));
        GuestSplit split = await().atMost(PATIENCE).until(() -> this.<GuestSplit>merges(first, GuestSplit.class),
                list -> !list.isEmpty()).get(0);
        assertEquals(second, split.getNewGuestId());
        await().atMost(PATIENCE).until(() -> {
            ConsumerRecord<String, byte[]> last = GuestsTopic.last(second);
            return last != null && last.value() != null;
        });
        Staff.as(tenant, "agent").contentType("application/json").body("{\"mergedGuestId\":\"" + second + "\"}")
                .post("/api/v1/guests/{id}/unmerge", first).then().statusCode(409);

        // The un-merge is remembered: a fourth profile bridging them again joins only one of them.
        GuestProfiles.send(profile(tenant, "apaleo", "b-4", 1L).setFirstName("Henrike").setLastName("Vollmar")
                .setBirthDate(LocalDate.of(1979, 5, 21)).setAddresses(List.of(address("3011", "Bern")))
                .setEmails(List.of(email("hv.private@example.com", true))).build());
        String fourth = awaitGuestId(tenant, "apaleo", "b-4");
        assertTrue(fourth.equals(first) || fourth.equals(second), fourth);
        assertEquals(second, awaitGuestId(tenant, "mews", "b-2"));
        assertEquals(first, awaitGuestId(tenant, "opera", "b-1"));
    }

    @Test
    void aKeepApartDecisionAndTwoBirthDatesAreNeverBridged() {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "k-1", 1L).setFirstName("Wendelin").setLastName("Osterwald")
                .setEmails(List.of(email("w.osterwald@example.com", true))).build());
        String first = awaitGuestId(tenant, "opera", "k-1");
        GuestProfiles.send(profile(tenant, "mews", "k-2", 1L).setFirstName("Wendelin").setLastName("Osterwald")
                .setBirthDate(LocalDate.of(1966, 8, 2)).setAddresses(List.of(address("6003", "Luzern")))
                .setEmails(List.of(email("wendelin.o@corp.example.net", true))).build());
        String second = awaitGuestId(tenant, "mews", "k-2");
        assertNotEquals(first, second);
        Object reviewId = Staff.as(tenant, "agent").queryParam("tenant", tenant).get("/api/v1/reviews").then()
                .body("$", hasSize(1)).extract().path("[0].reviewId");
        Staff.as(tenant, "agent").contentType("application/json").body("{\"decision\":\"KEEP_APART\"}")
                .post("/api/v1/reviews/{id}", reviewId).then().statusCode(200);
        // A profile matching both: it joins one guest, never both across the reviewer's decision.
        GuestProfiles.send(profile(tenant, "apaleo", "k-3", 1L).setFirstName("Wendelin").setLastName("Osterwald")
                .setBirthDate(LocalDate.of(1966, 8, 2)).setAddresses(List.of(address("6003", "Luzern")))
                .setEmails(List.of(email("w.osterwald@example.com", true))).build());
        String third = awaitGuestId(tenant, "apaleo", "k-3");
        assertTrue(third.equals(first) || third.equals(second), third);
        assertEquals(first, awaitGuestId(tenant, "opera", "k-1"));
        assertEquals(second, awaitGuestId(tenant, "mews", "k-2"));

        // Two birth dates: A (an e-mail and a birth date), B (an address and another birth date); C matches each
        // (A's e-mail, B's address) and joins the closer one only.
        String other = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(other, "opera", "d-1", 1L).setFirstName("Romilda").setLastName("Pfisterer")
                .setBirthDate(LocalDate.of(1979, 5, 21)).setEmails(List.of(email("romilda.p@example.com", true))).build());
        String a = awaitGuestId(other, "opera", "d-1");
        GuestProfiles.send(profile(other, "mews", "d-2", 1L).setFirstName("Romilda").setLastName("Pfisterer")
                .setBirthDate(LocalDate.of(1962, 11, 3)).setAddresses(List.of(address("8400", "Winterthur")))
                .setEmails(List.of(email("r.pfisterer@corp.example.net", true))).build());
        String b = awaitGuestId(other, "mews", "d-2");
        assertNotEquals(a, b);
        GuestProfiles.send(profile(other, "apaleo", "d-3", 1L).setFirstName("Romilda").setLastName("Pfisterer")
                .setAddresses(List.of(address("8400", "Winterthur")))
                .setEmails(List.of(email("romilda.p@example.com", true))).build());
        assertEquals(a, awaitGuestId(other, "apaleo", "d-3"), "the e-mail is the stronger evidence");
        assertEquals(b, awaitGuestId(other, "mews", "d-2"), "two birth dates are never one person");
        assertTrue(this.<GuestMerged>merges(a, GuestMerged.class).isEmpty());
        assertTrue(this.<GuestMerged>merges(first, GuestMerged.class).isEmpty());
        assertTrue(this.<GuestMerged>merges(second, GuestMerged.class).isEmpty());
    }

    @Test
    void birthDatesThatAreATypingErrorOfEachOtherDoNotKeepBridgedGuestsApart() {
        // A (an e-mail, born 21 May 1979) and B (an address, a work e-mail, "14 June 1989": the year one digit off, the
        // day 24 days off) are apart; C (A's e-mail, B's address, no birth date) matches each and joins them.
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "t-1", 1L).setFirstName("Romilda").setLastName("Pfisterer")
                .setBirthDate(LocalDate.of(1979, 5, 21)).setEmails(List.of(email("romilda.p@example.com", true))).build());
        String a = awaitGuestId(tenant, "opera", "t-1");
        GuestProfiles.send(profile(tenant, "mews", "t-2", 1L).setFirstName("Romilda").setLastName("Pfisterer")
                .setBirthDate(LocalDate.of(1989, 6, 14)).setAddresses(List.of(address("8400", "Winterthur")))
                .setEmails(List.of(email("r.pfisterer@corp.example.net", true))).build());
        String b = awaitGuestId(tenant, "mews", "t-2");
        assertNotEquals(a, b);
        GuestProfiles.send(profile(tenant, "apaleo", "t-3", 1L).setFirstName("Romilda").setLastName("Pfisterer")
                .setAddresses(List.of(address("8400", "Winterthur")))
                .setEmails(List.of(email("romilda.p@example.com", true))).build());
        await().atMost(PATIENCE).until(() -> a.equals(lookup(tenant, "mews", "t-2").then().extract().path("guestId")));
        assertEquals(a, awaitGuestId(tenant, "apaleo", "t-3"), "the older guest survives");
        // Explained: the moved profile's decision says which birth-date evidence let the guests join.
        Map<String, Object> moved = Staff.viewer(tenant).get("/api/v1/guests/{id}", a).then().statusCode(200).extract()
                .jsonPath().getMap("sourceProfiles.find { it.pmsProfileId == 't-2' }");
        assertEquals("FS_JOINED", moved.get("matchRule"), moved.toString());
        assertTrue(moved.get("matchExplanation").toString().contains("birth dates: the closest birth dates of the two "
                + "guests are the year at most one digit apart, the day within 45 days"), moved.toString());
        GuestMerged merged = await().atMost(PATIENCE).until(() -> this.<GuestMerged>merges(a, GuestMerged.class),
                list -> !list.isEmpty()).get(0);
        assertTrue(merged.getExplanation().toString().contains("the year at most one digit apart"), merged.toString());
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
