package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.messaging.DeskSweep;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.events.TaskChangeType;
import org.guestcrm.events.TaskChanged;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * A request in a PMS (TENTATIVE, WAITLISTED on pms.reservations) becomes a lead and a call-back task due by the hotel's
 * rule; the task goes overdue on time (a controllable clock); the booking closes it; every change is on crm.tasks.
 * Real Kafka, registry and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class LeadFromReservationTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String RESERVATIONS = Topic.PMS_RESERVATIONS.topicName();
    /** Monday 30 November 2026, 10:00 in Berlin (the BERLIN test hotel's desk: 08:00-20:00 every day). */
    static final Instant MONDAY_10_BERLIN = Instant.parse("2026-11-30T09:00:00Z");

    @Inject
    DeskClock clock;
    @Inject
    DeskSweep sweep;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void aTentativeReservationOpensALeadAndACallBackThatGoesOverdueOnTime() {
        clock.setNow(MONDAY_10_BERLIN);
        Stay stay = Stay.unique("BERLIN");
        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), stay.snapshot(1, ReservationStatus.TENTATIVE, MONDAY_10_BERLIN));

        JsonPath tasks = awaitTasks(stay, list -> list.getList("id").size() == 1);
        assertEquals("CALL_BACK", tasks.getString("[0].kind"));
        assertEquals("OPEN", tasks.getString("[0].status"));
        assertEquals("front-desk", tasks.getString("[0].team"));
        assertEquals(stay.reservationId(), tasks.getString("[0].pmsReservationId"));
        // Within 2 working hours of 10:00 Berlin: 12:00 Berlin.
        assertEquals(Instant.parse("2026-11-30T11:00:00Z"), Instant.parse(tasks.getString("[0].dueAt")));
        String taskId = tasks.getString("[0].id");
        String leadId = tasks.getString("[0].leadId");

        JsonPath lead = Staff.agent(stay.tenant()).get("/api/v1/leads/" + leadId).then().statusCode(200).extract().jsonPath();
        assertEquals("OPEN", lead.getString("status"));
        assertEquals("PMS", lead.getString("origin"));
        assertEquals("Greta Spreewald", lead.getString("guest.name"));
        assertEquals(stay.email(), lead.getString("guest.email"));
        assertEquals(stay.arrival().toString(), lead.getString("arrival"));

        // One second before it is due: a sweep leaves it open.
        clock.setNow(Instant.parse("2026-11-30T10:59:59Z"));
        sweep.runOnce(clock.now());
        assertEquals("OPEN", task(stay.tenant(), taskId).getString("status"));
        // Once due, the service's own sweep marks it overdue.
        clock.setNow(Instant.parse("2026-11-30T11:00:01Z"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> "OVERDUE".equals(task(stay.tenant(), taskId).getString("status")));
        Staff.agent(stay.tenant()).get("/api/v1/tasks?tenant=" + stay.tenant() + "&view=overdue").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.contains(taskId));

        List<ConsumerRecord<String, TaskChanged>> events = awaitTaskEvents(taskId, 2);
        assertEquals(List.of(TaskChangeType.OPENED, TaskChangeType.OVERDUE),
                events.stream().map(r -> r.value().getChange()).toList());
        TaskChanged opened = events.getFirst().value();
        assertEquals(taskId, events.getFirst().key());
        assertEquals(stay.tenant(), opened.getMetadata().getTenantId());
        assertEquals("desk-service", opened.getMetadata().getSource());
        assertEquals(leadId, opened.getLeadId());
        assertEquals("CALL_BACK", opened.getKind());
        assertEquals(Instant.parse("2026-11-30T11:00:00Z"), opened.getDueAt());
    }

    @Test
    void theBookingOfTheSameStayClosesTheLeadAsBookedAndItsTasks() {
        Instant now = Instant.now();
        Stay stay = Stay.unique("BERLIN");
        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), stay.snapshot(1, ReservationStatus.WAITLISTED, now));
        String taskId = awaitTasks(stay, list -> list.getList("id").size() == 1).getString("[0].id");

        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), stay.snapshot(2, ReservationStatus.CONFIRMED, now.plusSeconds(60)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> "DONE".equals(task(stay.tenant(), taskId).getString("status")));
        JsonPath task = task(stay.tenant(), taskId);
        assertEquals("BOOKED", task.getString("outcome"));
        assertNull(task.getString("doneBy"), "closed by the service, not by staff");
        JsonPath lead = Staff.agent(stay.tenant()).get("/api/v1/leads/" + task.getString("leadId")).then().statusCode(200)
                .extract().jsonPath();
        assertEquals("BOOKED", lead.getString("status"));
        assertTrue(lead.getString("closedAt") != null);
        List<ConsumerRecord<String, TaskChanged>> events = awaitTaskEvents(taskId, 2);
        assertEquals(TaskChangeType.DONE, events.getLast().value().getChange());
        assertEquals(org.guestcrm.events.TaskOutcome.BOOKED, events.getLast().value().getOutcome());
    }

    @Test
    void aCancelledRequestLosesTheLeadAndCancelsItsTasks() {
        Instant now = Instant.now();
        Stay stay = Stay.unique("BERLIN");
        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), stay.snapshot(1, ReservationStatus.TENTATIVE, now));
        String taskId = awaitTasks(stay, list -> list.getList("id").size() == 1).getString("[0].id");
        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), stay.snapshot(2, ReservationStatus.CANCELLED, now.plusSeconds(5)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> "CANCELLED".equals(task(stay.tenant(), taskId).getString("status")));
        String leadId = task(stay.tenant(), taskId).getString("leadId");
        JsonPath lead = Staff.agent(stay.tenant()).get("/api/v1/leads/" + leadId).then().statusCode(200).extract().jsonPath();
        assertEquals("LOST", lead.getString("status"));
        assertEquals("reservation cancelled in the PMS", lead.getString("outcomeReason"));
    }

    @Test
    void aRedeliveryAnOlderSnapshotAndAHistoryImportOpenNothingMore() {
        Instant now = Instant.now();
        Stay stay = Stay.unique("BERLIN");
        var first = stay.snapshot(5, ReservationStatus.TENTATIVE, now);
        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), first);
        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), first);
        // An older snapshot arriving late (sequence 4) is skipped; a newer request keeps the one lead.
        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), stay.snapshot(4, ReservationStatus.CONFIRMED, now.minusSeconds(60)));
        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), stay.snapshot(6, ReservationStatus.TENTATIVE, now.plusSeconds(60)));
        // A history import of another tentative reservation of the tenant: mirrored, no lead, no task.
        Stay imported = stay.withReservation(stay.reservationId() + "H");
        KafkaTestClients.sendAvro(RESERVATIONS, imported.key(), imported.snapshot(1, ReservationStatus.TENTATIVE, now, true));
        // A marker after them on the tenant's second key: once its lead exists, everything before was applied.
        Stay marker = stay.withReservation(stay.reservationId() + "M");
        KafkaTestClients.sendAvro(RESERVATIONS, marker.key(), marker.snapshot(1, ReservationStatus.TENTATIVE, now));
        awaitTasks(marker, list -> list.getList("id").size() == 1);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                Staff.agent(stay.tenant()).get("/api/v1/leads?tenant=" + stay.tenant()).then().statusCode(200)
                        .extract().jsonPath().getList("id").size() == 2);

        JsonPath tasks = awaitTasks(stay, list -> list.getList("id").size() == 1);
        assertEquals("OPEN", tasks.getString("[0].status"), "the older CONFIRMED snapshot did not book it");
        Staff.agent(stay.tenant()).get("/api/v1/tasks?tenant=" + stay.tenant() + "&view=all&reservation=" + imported.reservationId())
                .then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(0));
        Staff.agent(stay.tenant()).get("/api/v1/leads?tenant=" + stay.tenant()).then().statusCode(200)
                .body("pmsReservationId", org.hamcrest.Matchers.containsInAnyOrder(stay.reservationId(), marker.reservationId()));
    }

    @Test
    void aReservationThatCanNeverBeAppliedIsDeadLetteredWithItsReason() {
        Stay stay = Stay.unique("BERLIN");
        var inverted = org.guestcrm.events.ReservationChanged.newBuilder(
                stay.snapshot(1, ReservationStatus.TENTATIVE, Instant.now())).setDeparture(stay.arrival().minusDays(2)).build();
        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), inverted);
        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord(Topic.PMS_RESERVATIONS.deadLetterTopicName(),
                r -> stay.key().equals(r.key()) && header(r, "dead-letter-reason") != null
                        && header(r, "dead-letter-reason").contains(inverted.getMetadata().getEventId().toString()), WAIT);
        String reason = header(dead, "dead-letter-reason");
        assertTrue(reason.startsWith("departure is before arrival"), reason);
        assertTrue(!reason.contains(stay.email()), "no personal data in the reason");
        Staff.agent(stay.tenant()).get("/api/v1/tasks?tenant=" + stay.tenant() + "&view=all").then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.equalTo(0));
    }

    static JsonPath awaitTasks(Stay stay, Predicate<JsonPath> until) {
        String path = "/api/v1/tasks?tenant=" + stay.tenant() + "&view=all&reservation=" + stay.reservationId();
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = Staff.agent(stay.tenant()).get(path).then().statusCode(200).extract().jsonPath();
            return until.test(last[0]);
        });
        return last[0];
    }

    static JsonPath task(String tenant, String taskId) {
        return Staff.agent(tenant).get("/api/v1/tasks/" + taskId).then().statusCode(200).extract().jsonPath();
    }

    static List<ConsumerRecord<String, TaskChanged>> awaitTaskEvents(String taskId, int count) {
        return KafkaTestClients.awaitAvroRecords(Topic.CRM_TASKS.topicName(),
                (ConsumerRecord<String, TaskChanged> r) -> r.value() != null && taskId.equals(r.key()), count, WAIT);
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
