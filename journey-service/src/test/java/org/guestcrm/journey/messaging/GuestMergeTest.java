package org.guestcrm.journey.messaging;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.ConsentChannel;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentPurpose;
import org.guestcrm.events.ConsentSource;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.events.ContactPoint;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.MergeDecision;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * crm.guest-merges through the real broker, registry and PostgreSQL: a merge moves the merged-away guest's pending
 * messages to the survivor (one per campaign kept), a split moves a reservation's journey to the split-off guest; the
 * per-guest communications API shows both.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class GuestMergeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MERGES = Topic.CRM_GUEST_MERGES.topicName();

    @jakarta.inject.Inject
    jakarta.persistence.EntityManager entityManager;

    @Test
    void aMergeMovesTheMergedGuestsPendingMessagesToTheSurvivorKeepingOnePerCampaign() {
        String tenant = "merge-" + UUID.randomUUID().toString().substring(0, 8);
        String survivor = guest(tenant, "s", List.of("BARS"), List.of());
        String merged = guest(tenant, "m", List.of("BARS", "MONLY"), List.of());
        String late = guest(tenant, "l", List.of("LONLY"), List.of());
        String both = campaign(tenant, "BARS", 2);
        String onlyMerged = campaign(tenant, "MONLY", 1);
        String ofLate = campaign(tenant, "LONLY", 1);

        JsonPath ofSurvivor = awaitGuest(tenant, survivor, page -> page.getList("communications").size() == 1);
        String survivorsBoth = ofSurvivor.getString("communications[0].id");
        JsonPath ofMerged = awaitGuest(tenant, merged, page -> page.getList("communications").size() == 2);
        String mergedBoth = idOf(ofMerged, both);
        String mergedOnly = idOf(ofMerged, onlyMerged);
        // The late guest's tombstone on crm.guests arrives before the merge (the topics are not ordered).
        KafkaTestClients.sendRaw(Topic.CRM_GUESTS.topicName(), late, null);
        awaitGuest(tenant, late, page -> "CANCELLED".equals(page.getString("communications[0].status")));

        GuestMerged merge = GuestMerged.newBuilder().setMetadata(metadata(tenant, "GuestMerged"))
                .setSurvivingGuestId(survivor).setMergedGuestIds(List.of(merged, late))
                .setMovedSourceProfiles(List.of()).setDecidedBy(MergeDecision.REVIEWER).build();
        KafkaTestClients.sendAvro(MERGES, survivor, merge);

        JsonPath after = awaitGuest(tenant, survivor, page -> page.getList("communications").size() == 3);
        assertEquals(List.of(survivorsBoth, mergedOnly).stream().sorted().toList(),
                List.of(idOf(after, both), idOf(after, onlyMerged)).stream().sorted().toList(),
                "one message of the shared campaign (the survivor's) and the merged guest's own one");
        String note = "re-keyed: guest " + merged + " merged into " + survivor;
        assertEquals(note, after.getString("communications.find { it.id == '" + mergedOnly + "' }.reason"));
        assertEquals("SCHEDULED", after.getString("communications.find { it.id == '" + mergedOnly + "' }.status"));
        assertEquals(merged, after.getString("communications.find { it.id == '" + mergedOnly + "' }.previousGuestId"));
        String revived = idOf(after, ofLate);
        assertEquals("SCHEDULED", after.getString("communications.find { it.id == '" + revived + "' }.status"),
                "cancelled by the tombstone, planned again for the survivor");
        JsonPath left = guestPage(tenant, merged, "").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(mergedBoth), left.getList("communications.id"), "the duplicate stays as history");
        assertEquals("CANCELLED", left.getString("communications[0].status"));
        assertTrue(left.getString("communications[0].reason").startsWith("duplicate: guest " + merged),
                left.getString("communications[0].reason"));

        ConsumerRecord<String, CommunicationEvent> event = KafkaTestClients.<CommunicationEvent>awaitAvroRecords(
                Topic.CRM_COMMUNICATIONS.topicName(), (ConsumerRecord<String, CommunicationEvent> r) -> r.value() != null
                        && r.value().getCommunicationId().toString().equals(mergedOnly)
                        && note.equals(r.value().getReason()), 1, WAIT).getFirst();
        assertEquals(survivor, event.key(), "published under the survivor");
        assertEquals(survivor, event.value().getGuestId());

        // Redelivered: nothing moves again.
        KafkaTestClients.sendAvro(MERGES, survivor, merge);
        GuestMerged marker = GuestMerged.newBuilder(merge).setMetadata(metadata(tenant, "GuestMerged"))
                .setMergedGuestIds(List.of("nobody-" + tenant)).build();
        KafkaTestClients.sendAvro(MERGES, survivor, marker);
        awaitGuest(tenant, "nobody-" + tenant, page -> true, 404);
        assertEquals(after.getList("communications.updatedAt"),
                guestPage(tenant, survivor, "").jsonPath().getList("communications.updatedAt"));
    }

    @Test
    void aSplitMovesTheReservationsJourneyToTheSplitOffGuestAndTheApiFollowsIt() {
        String tenant = "split-" + UUID.randomUUID().toString().substring(0, 8);
        Booking booking = new Booking(tenant, "SEEBLICK", "R" + UUID.randomUUID().toString().substring(0, 6),
                "split-" + tenant + "@example.com");
        String profile = "P-" + booking.reservationId(); // the lead guest's PMS profile in Booking's snapshot
        String original = guest(tenant, "o", List.of("SEEBLICK"), List.of(profile, "P-other"));
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        JsonPath before = awaitGuest(tenant, original, page -> page.getList("communications").size() == 5);
        assertEquals(List.of(booking.reservationId()), before.getList("communications.pmsReservationId").stream()
                .distinct().toList(), "the reservation's journey is the guest's");

        String splitOff = "g-n-" + tenant;
        KafkaTestClients.sendAvro(MERGES, original, GuestSplit.newBuilder().setMetadata(metadata(tenant, "GuestSplit"))
                .setOriginalGuestId(original).setNewGuestId(splitOff)
                .setMovedSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId(profile).setHotelCode("SEEBLICK").build()))
                .setDecidedBy(MergeDecision.REVIEWER).setReason(null).build());

        JsonPath moved = awaitGuest(tenant, splitOff, page -> page.getList("communications").size() == 5);
        assertEquals(before.getList("communications.id"), moved.getList("communications.id"));
        assertEquals("re-keyed: the reservation's guest split from " + original + " as " + splitOff,
                moved.getString("communications.find { it.step == 'PRE_STAY' }.reason"));
        assertEquals(0, guestPage(tenant, original, "").jsonPath().getList("communications").size());

        // Paging, problems naming the field, other tenants.
        JsonPath first = guestPage(tenant, splitOff, "?size=2").then().statusCode(200).extract().jsonPath();
        assertEquals(2, first.getList("communications").size());
        assertEquals(1, first.getInt("nextPage"));
        JsonPath last = guestPage(tenant, splitOff, "?size=2&page=2").then().statusCode(200).extract().jsonPath();
        assertEquals(1, last.getList("communications").size());
        assertEquals(null, last.getString("nextPage"));
        guestPage(tenant, splitOff, "?size=0&page=x").then().statusCode(400)
                .contentType("application/problem+json")
                .body("invalidParams.name", hasItem("size")).body("invalidParams.name", hasItem("page"));
        guestPage(tenant, "x".repeat(101), "").then().statusCode(400).body("invalidParams.name", hasItem("guestId"));
        guestPage(tenant, "nobody-" + tenant, "").then().statusCode(404).contentType("application/problem+json");
        Staff.viewer("another-" + tenant).get("/api/v1/guests/" + tenant + "/" + splitOff + "/communications")
                .then().statusCode(404);
        Staff.as(tenant, Roles.OPS).get("/api/v1/guests/" + tenant + "/" + splitOff + "/communications")
                .then().statusCode(403);
    }

    /**
     * Issue 9: undoing a merge (profile-service's un-merge: a GuestSplit whose new guest is the absorbed one again)
     * moves back the campaign messages that came from it; the survivor keeps its own, and the duplicate the merge
     * cancelled stays with the split-off guest as history. A redelivered split moves nothing more.
     */
    @Test
    void anUnmergeMovesTheCampaignMessagesThatCameFromTheSplitOffGuestBackToIt() {
        String tenant = "unmerge-" + UUID.randomUUID().toString().substring(0, 8);
        String survivor = guest(tenant, "s", List.of("BARS"), List.of());
        String merged = guest(tenant, "m", List.of("BARS", "MONLY"), List.of());
        String both = campaign(tenant, "BARS", 2);
        String onlyMerged = campaign(tenant, "MONLY", 1);
        String mergedOnly = idOf(awaitGuest(tenant, merged, page -> page.getList("communications").size() == 2),
                onlyMerged);
        String survivorsBoth = idOf(awaitGuest(tenant, survivor, page -> page.getList("communications").size() == 1),
                both);

        KafkaTestClients.sendAvro(MERGES, survivor, GuestMerged.newBuilder().setMetadata(metadata(tenant, "GuestMerged"))
                .setSurvivingGuestId(survivor).setMergedGuestIds(List.of(merged)).setMovedSourceProfiles(List.of())
                .setDecidedBy(MergeDecision.REVIEWER).build());
        awaitGuest(tenant, survivor, page -> page.getList("communications").size() == 2);

        GuestSplit unmerge = GuestSplit.newBuilder().setMetadata(metadata(tenant, "GuestSplit"))
                .setOriginalGuestId(survivor).setNewGuestId(merged)
                .setMovedSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId("p-mMONLY").setHotelCode("MONLY").build()))
                .setDecidedBy(MergeDecision.REVIEWER).setReason(null).build();
        KafkaTestClients.sendAvro(MERGES, survivor, unmerge);

        JsonPath back = awaitGuest(tenant, merged, page -> mergedOnly.equals(idOf(page, onlyMerged)));
        String note = "re-keyed: guest " + merged + " split from " + survivor;
        String found = "communications.find { it.id == '" + mergedOnly + "' }";
        assertEquals("SCHEDULED", back.getString(found + ".status"));
        assertEquals(note, back.getString(found + ".reason"));
        assertEquals(survivor, back.getString(found + ".previousGuestId"));
        assertEquals("CANCELLED", back.getString("communications.find { it.campaignId == '" + both + "' }.status"),
                "the duplicate the merge cancelled stays with it as history");
        JsonPath kept = guestPage(tenant, survivor, "").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(survivorsBoth), kept.getList("communications.id"), "the survivor keeps its own message");

        ConsumerRecord<String, CommunicationEvent> event = KafkaTestClients.<CommunicationEvent>awaitAvroRecords(
                Topic.CRM_COMMUNICATIONS.topicName(), (ConsumerRecord<String, CommunicationEvent> r) -> r.value() != null
                        && r.value().getCommunicationId().toString().equals(mergedOnly)
                        && note.equals(r.value().getReason()), 1, WAIT).getFirst();
        assertEquals(merged, event.key(), "published under the split-off guest");
        assertEquals(merged, event.value().getGuestId());

        // Repeated (a new event id, the same split): once it is processed, nothing more has moved.
        EventMetadata again = metadata(tenant, "GuestSplit");
        KafkaTestClients.sendAvro(MERGES, survivor, GuestSplit.newBuilder(unmerge).setMetadata(again).build());
        await().atMost(WAIT).until(() -> io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() ->
                ((Number) entityManager.createNativeQuery("SELECT count(*) FROM processed_event "
                                + "WHERE consumer = 'journey-guest-merges' AND event_id = :id")
                        .setParameter("id", again.getEventId()).getSingleResult()).intValue() == 1));
        assertEquals(back.getList("communications.updatedAt"),
                guestPage(tenant, merged, "").jsonPath().getList("communications.updatedAt"));
    }

    /**
     * Issue 9: a split into a brand-new guest moves the original's pending campaign message to the hotel whose PMS
     * profile went to the new guest (the stay that put the guest in the segment) along with it, re-keyed with its
     * CommunicationEvent under the new guest; the message to the original's other hotel stays. (Before this, both
     * stayed with the original.)
     */
    @Test
    void aSplitIntoANewGuestTakesThePendingCampaignMessageToTheMovedProfilesHotel() {
        String tenant = "splitnew-" + UUID.randomUUID().toString().substring(0, 8);
        String original = guest(tenant, "o", List.of("BARS", "MONLY"), List.of());
        String toMonly = campaign(tenant, "MONLY", 1);
        String toBars = campaign(tenant, "BARS", 1);
        JsonPath before = awaitGuest(tenant, original, page -> idOf(page, toMonly) != null && idOf(page, toBars) != null);
        String message = idOf(before, toMonly);
        String stays = idOf(before, toBars);

        String splitOff = "g-new-" + tenant;
        KafkaTestClients.sendAvro(MERGES, original, GuestSplit.newBuilder().setMetadata(metadata(tenant, "GuestSplit"))
                .setOriginalGuestId(original).setNewGuestId(splitOff)
                .setMovedSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId("p-oMONLY").setHotelCode("MONLY").build()))
                .setDecidedBy(MergeDecision.REVIEWER).setReason(null).build());

        JsonPath moved = awaitGuest(tenant, splitOff, page -> message.equals(idOf(page, toMonly)));
        String note = "re-keyed: guest " + splitOff + " split from " + original;
        String found = "communications.find { it.id == '" + message + "' }";
        assertEquals("SCHEDULED", moved.getString(found + ".status"));
        assertEquals(note, moved.getString(found + ".reason"));
        assertEquals(original, moved.getString(found + ".previousGuestId"));
        assertEquals(List.of(stays), guestPage(tenant, original, "").jsonPath().getList("communications.id"),
                "the message to the original's other hotel stays");
        ConsumerRecord<String, CommunicationEvent> event = KafkaTestClients.<CommunicationEvent>awaitAvroRecords(
                Topic.CRM_COMMUNICATIONS.topicName(), (ConsumerRecord<String, CommunicationEvent> r) -> r.value() != null
                        && r.value().getCommunicationId().toString().equals(message)
                        && note.equals(r.value().getReason()), 1, WAIT).getFirst();
        assertEquals(splitOff, event.key(), "published under the new guest");
    }

    private static String idOf(JsonPath page, String campaignId) {
        return page.getString("communications.find { it.campaignId == '" + campaignId + "' }.id");
    }

    private static Response guestPage(String tenant, String guestId, String query) {
        return Staff.viewer(tenant).get("/api/v1/guests/" + tenant + "/" + guestId + "/communications" + query);
    }

    private static JsonPath awaitGuest(String tenant, String guestId, Predicate<JsonPath> condition) {
        return awaitGuest(tenant, guestId, condition, 200);
    }

    private static JsonPath awaitGuest(String tenant, String guestId, Predicate<JsonPath> condition, int status) {
        return awaitJson(() -> guestPage(tenant, guestId, ""), condition, status);
    }

    /** A guest of {@code tenant} with marketing consent, stayed at {@code hotels}, owning the PMS profiles given. */
    private static String guest(String tenant, String name, List<String> hotels, List<String> profiles) {
        String guestId = "g-" + name + "-" + tenant;
        String email = name + "-" + tenant + "@example.com";
        List<SourceProfileRef> sources = new java.util.ArrayList<>();
        for (String hotel : hotels) {
            sources.add(SourceProfileRef.newBuilder().setPmsSystem("test-pms").setPmsProfileId("p-" + name + hotel)
                    .setHotelCode(hotel).build());
        }
        for (String profile : profiles) {
            sources.add(SourceProfileRef.newBuilder().setPmsSystem("test-pms").setPmsProfileId(profile)
                    .setHotelCode(hotels.getFirst()).build());
        }
        KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), guestId, GuestUpdated.newBuilder()
                .setMetadata(metadata(tenant, "GuestUpdated")).setGuestId(guestId).setVersion(1).setLanguage("en")
                .setEmails(List.of(ContactPoint.newBuilder().setValue(email).setPrimary(true).setSources(List.of())
                        .build()))
                .setStayCount(1).setSourceProfiles(sources).build());
        KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(), tenant + ":EMAIL:MARKETING:" + email,
                ConsentChanged.newBuilder().setMetadata(metadata(tenant, "ConsentChanged")).setContactPoint(email)
                        .setChannel(ConsentChannel.EMAIL).setPurpose(ConsentPurpose.MARKETING)
                        .setStatus(ConsentStatus.GRANTED).setSource(ConsentSource.PREFERENCE_CENTRE)
                        .setEffectiveAt(Instant.now()).setGuestId(guestId).setHotelCode(hotels.getFirst())
                        .setEvidence(null).build());
        return guestId;
    }

    /** A campaign to {@code hotel} in 30 days, launched once {@code receivers} guests would receive it. */
    private static String campaign(String tenant, String hotel, int receivers) {
        String schedule = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        String id = Staff.as(tenant, Roles.MARKETER).contentType(ContentType.JSON)
                .body("{\"name\": \"Spring " + hotel + "\", \"channel\": \"EMAIL\", \"segment\": {\"hotelCodes\": [\""
                        + hotel + "\"]}, \"schedule\": \"" + schedule + "\"}")
                .post("/api/v1/campaigns").then().statusCode(201).extract().jsonPath().getString("id");
        awaitJson(() -> Staff.as(tenant, Roles.MARKETER).post("/api/v1/campaigns/" + id + "/preview"),
                p -> p.getInt("wouldReceive") == receivers, 200);
        Staff.as(tenant, Roles.MARKETER).post("/api/v1/campaigns/" + id + "/launch").then().statusCode(200);
        return id;
    }

    private static EventMetadata metadata(String tenant, String type) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType(type).setOccurredAt(Instant.now())
                .setSource("test").setTenantId(tenant).setCorrelationId("corr-" + UUID.randomUUID())
                .setCausationId(null).setSchemaVersion(1).build();
    }

    private static JsonPath awaitJson(Supplier<Response> request, Predicate<JsonPath> condition, int status) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            Response response = request.get();
            if (response.statusCode() != status) {
                return false;
            }
            last[0] = response.jsonPath();
            try {
                return condition.test(last[0]);
            } catch (RuntimeException e) {
                return false;
            }
        });
        return last[0];
    }
}
