package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.MergeDecision;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationGuest;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.events.TaskChangeType;
import org.guestcrm.events.TaskChanged;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * crm.guests and crm.guest-merges give leads and tasks the golden guestId: by the PMS profiles a guest lists, for
 * leads that exist and leads opened later (their TaskChanged carries it); a merge moves the merged guest's leads to the
 * survivor; a tombstone (erased) leaves them without a guest, and a late record of a gone guest changes nothing.
 * Real Kafka, registry and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class GuestLinkTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String RESERVATIONS = Topic.PMS_RESERVATIONS.topicName();
    static final String GUESTS = Topic.CRM_GUESTS.topicName();

    @Test
    void leadsAndTasksCarryTheGoldenGuestAndFollowAMerge() {
        Instant now = Instant.now();
        Stay first = Stay.unique("BERLIN");
        KafkaTestClients.sendAvro(RESERVATIONS, first.key(), request(first, "P-1", now));
        JsonPath firstTask = LeadFromReservationTest.awaitTasks(first, l -> l.getList("id").size() == 1);
        String firstLead = firstTask.getString("[0].leadId");
        assertNull(lead(first.tenant(), firstLead).getString("guestId"), "no guest known yet");

        // The golden guest lists the profile: the existing lead and its task carry it.
        String anna = UUID.randomUUID().toString();
        KafkaTestClients.sendAvro(GUESTS, anna, guest(first.tenant(), anna, 1, "P-1"));
        awaitGuest(first.tenant(), firstLead, anna);
        assertEquals(anna, LeadFromReservationTest.task(first.tenant(), firstTask.getString("[0].id")).getString("guestId"));

        // A request of the same profile opened later carries it at once, and so does its TaskChanged OPENED.
        Stay second = first.withReservation(first.reservationId() + "B");
        KafkaTestClients.sendAvro(RESERVATIONS, second.key(), request(second, "P-1", now));
        JsonPath secondTask = LeadFromReservationTest.awaitTasks(second, l -> l.getList("id").size() == 1);
        assertEquals(anna, secondTask.getString("[0].guestId"));
        assertEquals(anna, lead(second.tenant(), secondTask.getString("[0].leadId")).getString("guestId"));
        List<ConsumerRecord<String, TaskChanged>> opened = LeadFromReservationTest.awaitTaskEvents(
                secondTask.getString("[0].id"), 1);
        assertEquals(TaskChangeType.OPENED, opened.getFirst().value().getChange());
        assertEquals(anna, opened.getFirst().value().getGuestId());

        // Another guest's lead; then that guest is merged into Anna (GuestMerged, then its tombstone on crm.guests).
        Stay third = first.withReservation(first.reservationId() + "C");
        KafkaTestClients.sendAvro(RESERVATIONS, third.key(), request(third, "P-3", now));
        String thirdLead = LeadFromReservationTest.awaitTasks(third, l -> l.getList("id").size() == 1).getString("[0].leadId");
        String bert = UUID.randomUUID().toString();
        KafkaTestClients.sendAvro(GUESTS, bert, guest(first.tenant(), bert, 1, "P-3"));
        awaitGuest(first.tenant(), thirdLead, bert);

        KafkaTestClients.sendAvro(Topic.CRM_GUEST_MERGES.topicName(), anna, GuestMerged.newBuilder()
                .setMetadata(metadata(first.tenant(), "GuestMerged"))
                .setSurvivingGuestId(anna)
                .setMergedGuestIds(List.of(bert))
                .setMovedSourceProfiles(List.of(profile("P-3")))
                .setDecidedBy(MergeDecision.REVIEWER)
                .build());
        KafkaTestClients.sendRaw(GUESTS, bert, null);
        awaitGuest(first.tenant(), thirdLead, anna);
        Staff.agent(first.tenant()).get("/api/v1/tasks?tenant=" + first.tenant() + "&view=all&reservation=" + third.reservationId())
                .then().statusCode(200).body("guestId", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo(anna)));

        // A late record of the merged-away guest does not take its profile back.
        KafkaTestClients.sendAvro(GUESTS, bert, guest(first.tenant(), bert, 7, "P-3"));
        // Anna is erased (an update without personal data, then her tombstone): her leads name no guest any more.
        KafkaTestClients.sendAvro(GUESTS, anna, guest(first.tenant(), anna, 2));
        KafkaTestClients.sendRaw(GUESTS, anna, null);
        awaitGuest(first.tenant(), firstLead, null);
        awaitGuest(first.tenant(), thirdLead, null);
        assertNull(LeadFromReservationTest.task(first.tenant(), firstTask.getString("[0].id")).getString("guestId"));
    }

    @Test
    void everyRealChangeOfATasksGuestIsOneGuestLinkedEventAndANoOpNone() {
        Instant now = Instant.now();
        Stay first = Stay.unique("BERLIN");
        String tenant = first.tenant();
        KafkaTestClients.sendAvro(RESERVATIONS, first.key(), request(first, "P-1", now));
        String t1 = LeadFromReservationTest.awaitTasks(first, l -> l.getList("id").size() == 1).getString("[0].id");

        // The guest is known: one GUEST_LINKED naming her, caused by her record, nothing else changed.
        String anna = UUID.randomUUID().toString();
        GuestUpdated annaV1 = guest(tenant, anna, 1, "P-1");
        KafkaTestClients.sendAvro(GUESTS, anna, annaV1);
        TaskChanged linked = guestLinked(t1, 1).getFirst();
        assertEquals(anna, linked.getGuestId());
        assertEquals(org.guestcrm.events.TaskStatus.OPEN, linked.getStatus());
        assertEquals("CALL_BACK", linked.getKind());
        assertEquals(annaV1.getMetadata().getEventId().toString(), linked.getMetadata().getCausationId());
        assertEquals(annaV1.getMetadata().getCorrelationId(), linked.getMetadata().getCorrelationId());
        assertNull(linked.getActor());

        // A newer version listing the same profile is a no-op for the task; a later version (same key, so applied
        // after it) that adds a second lead's profile links only that second task.
        Stay fourth = first.withReservation(first.reservationId() + "D");
        KafkaTestClients.sendAvro(RESERVATIONS, fourth.key(), request(fourth, "P-4", now));
        String t4 = LeadFromReservationTest.awaitTasks(fourth, l -> l.getList("id").size() == 1).getString("[0].id");
        KafkaTestClients.sendAvro(GUESTS, anna, guest(tenant, anna, 2, "P-1"));
        KafkaTestClients.sendAvro(GUESTS, anna, guest(tenant, anna, 3, "P-1", "P-4"));
        assertEquals(anna, guestLinked(t4, 1).getFirst().getGuestId());
        assertEquals(1, guestLinked(t1, 1).size(), "the no-op version published nothing for the first task");

        // Bert's lead, then Bert merged into Anna: his task moves (one event), a redelivered merge moves nothing.
        Stay third = first.withReservation(first.reservationId() + "C");
        KafkaTestClients.sendAvro(RESERVATIONS, third.key(), request(third, "P-3", now));
        String t3 = LeadFromReservationTest.awaitTasks(third, l -> l.getList("id").size() == 1).getString("[0].id");
        String bert = UUID.randomUUID().toString();
        KafkaTestClients.sendAvro(GUESTS, bert, guest(tenant, bert, 1, "P-3"));
        assertEquals(bert, guestLinked(t3, 1).getFirst().getGuestId());
        GuestMerged merge = GuestMerged.newBuilder()
                .setMetadata(metadata(tenant, "GuestMerged"))
                .setSurvivingGuestId(anna)
                .setMergedGuestIds(List.of(bert))
                .setMovedSourceProfiles(List.of(profile("P-3")))
                .setDecidedBy(MergeDecision.AUTOMATIC)
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_GUEST_MERGES.topicName(), anna, merge);
        TaskChanged moved = guestLinked(t3, 2).get(1);
        assertEquals(anna, moved.getGuestId());
        assertEquals(merge.getMetadata().getEventId().toString(), moved.getMetadata().getCausationId());
        KafkaTestClients.sendAvro(Topic.CRM_GUEST_MERGES.topicName(), anna, merge);
        KafkaTestClients.sendRaw(GUESTS, bert, null);

        // Anna erased (tombstone): each of her tasks says once that it names no guest any more.
        KafkaTestClients.sendRaw(GUESTS, anna, null);
        assertNull(guestLinked(t1, 2).get(1).getGuestId());
        assertNull(guestLinked(t4, 2).get(1).getGuestId());
        List<TaskChanged> third3 = guestLinked(t3, 3);
        assertEquals(java.util.Arrays.asList(bert, anna, null), third3.stream().map(TaskChanged::getGuestId).toList());
        assertEquals(2, guestLinked(t1, 2).size(), "one event per real change of the first task");
    }

    /** The task's GUEST_LINKED events on crm.tasks, in order, once at least {@code count} are there. */
    private static List<TaskChanged> guestLinked(String taskId, int count) {
        return KafkaTestClients.awaitAvroRecords(Topic.CRM_TASKS.topicName(),
                (ConsumerRecord<String, TaskChanged> r) -> r.value() != null && taskId.equals(r.key())
                        && r.value().getChange() == TaskChangeType.GUEST_LINKED, count, WAIT)
                .stream().map(ConsumerRecord::value).toList();
    }

    @Test
    void aGuestUpdateWithoutTenantIsADeadLetter() {
        String id = UUID.randomUUID().toString();
        GuestUpdated broken = GuestUpdated.newBuilder(guest("t", id, 1, "P-9"))
                .setMetadata(EventMetadata.newBuilder(metadata("t", "GuestUpdated")).setTenantId("").build()).build();
        KafkaTestClients.sendAvro(GUESTS, id, broken);
        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord(Topic.CRM_GUESTS.deadLetterTopicName(),
                r -> id.equals(r.key()), WAIT);
        String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(true, reason.contains("lacks tenantId"), reason);
    }

    private static void awaitGuest(String tenant, String leadId, String guestId) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> Objects.equals(guestId, lead(tenant, leadId).getString("guestId")));
    }

    static JsonPath lead(String tenant, String leadId) {
        return Staff.agent(tenant).get("/api/v1/leads/" + leadId).then().statusCode(200).extract().jsonPath();
    }

    static ReservationChanged request(Stay stay, String profileId, Instant at) {
        ReservationChanged snapshot = stay.snapshot(1, ReservationStatus.TENTATIVE, at);
        ReservationGuest guest = ReservationGuest.newBuilder(snapshot.getGuests().getFirst()).setPmsProfileId(profileId).build();
        return ReservationChanged.newBuilder(snapshot).setGuests(new ArrayList<>(List.of(guest))).build();
    }

    static GuestUpdated guest(String tenant, String guestId, long version, String... profileIds) {
        return GuestUpdated.newBuilder()
                .setMetadata(metadata(tenant, "GuestUpdated"))
                .setGuestId(guestId)
                .setVersion(version)
                .setSourceProfiles(java.util.Arrays.stream(profileIds).map(GuestLinkTest::profile).toList())
                .build();
    }

    static SourceProfileRef profile(String profileId) {
        return SourceProfileRef.newBuilder().setPmsSystem("test-pms").setPmsProfileId(profileId).setHotelCode("BERLIN").build();
    }

    static EventMetadata metadata(String tenant, String type) {
        return EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID())
                .setEventType(type)
                .setOccurredAt(Instant.now())
                .setSource("profile-service")
                .setTenantId(tenant)
                .setCorrelationId("corr-" + UUID.randomUUID())
                .setSchemaVersion(1)
                .build();
    }
}
