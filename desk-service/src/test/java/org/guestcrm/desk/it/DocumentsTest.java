package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.messaging.DeskSweep;
import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationStatus;
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
 * The documents a booked reservation owes (confirmation, pre-arrival information, online check-in at the test hotels),
 * their states from the journey's crm.communications, and the alert and task of a late or bounced one.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class DocumentsTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    DeskClock clock;
    @Inject
    DeskSweep sweep;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void aBookingOwesItsDocumentsWhichFollowTheJourneyAndALateOrBouncedOneRaisesATask() {
        Instant booked = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        clock.setNow(booked);
        Stay stay = Stay.unique("BERLIN");
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                stay.snapshot(1, ReservationStatus.CONFIRMED, booked));
        JsonPath documents = awaitDocuments(stay, d -> d.getList("kind").size() == 3);
        assertEquals(List.of("CONFIRMATION", "PRE_ARRIVAL", "ONLINE_CHECK_IN"), documents.getList("kind"));
        assertEquals(List.of("DUE", "DUE", "DUE"), documents.getList("state"));
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Instant preArrivalDue = stay.arrival().minusDays(7).atTime(12, 0).atZone(berlin).toInstant();
        Instant checkInDue = stay.arrival().minusDays(1).atTime(12, 0).atZone(berlin).toInstant();
        assertEquals(booked.plus(Duration.ofHours(1)), Instant.parse(documents.getString("[0].dueAt")));
        assertEquals(preArrivalDue, Instant.parse(documents.getString("[1].dueAt")));
        assertEquals(checkInDue, Instant.parse(documents.getString("[2].dueAt")));

        // The journey sends the confirmation and the guest opens it; the pre-arrival mail bounces.
        UUID confirmation = UUID.randomUUID();
        send(stay, confirmation, "CONFIRMATION", CommunicationStatus.SENT, null);
        send(stay, confirmation, "CONFIRMATION", CommunicationStatus.OPENED, null);
        send(stay, UUID.randomUUID(), "PRE_STAY", CommunicationStatus.BOUNCED, "undeliverable: SMTP 550 5.1.1");
        documents = awaitDocuments(stay, d -> "OPENED".equals(d.getString("[0].state"))
                && "MISSING".equals(d.getString("[1].state")));
        assertNotNull(documents.getString("[0].sentAt"));
        assertEquals("bounced", documents.getString("[1].reason"));
        String bounceTask = documents.getString("[1].lateTaskId");
        assertNotNull(bounceTask, "a bounce raises a task at once");
        Staff.agent(stay.tenant()).get("/api/v1/tasks/" + bounceTask).then().statusCode(200)
                .body("kind", equalTo("LATE_DOCUMENT")).body("status", equalTo("OPEN"))
                .body("pmsReservationId", equalTo(stay.reservationId())).body("team", equalTo("front-desk"))
                .body("subject", equalTo("PRE_ARRIVAL: bounced"));
        Staff.as(stay.tenant(), "viewer").get("/api/v1/documents?tenant=" + stay.tenant()).then().statusCode(200)
                .body("kind", contains("PRE_ARRIVAL"));

        // The online check-in is never sent: one minute before its due time nothing happens, once due it is late.
        clock.setNow(checkInDue.minusSeconds(60));
        sweep.runOnce(clock.now());
        assertEquals("DUE", documents(stay).getString("[2].state"));
        clock.setNow(checkInDue.plusSeconds(1));
        sweep.runOnce(clock.now());
        JsonPath late = documents(stay);
        assertEquals("MISSING", late.getString("[2].state"));
        assertEquals("not sent by its due time", late.getString("[2].reason"));
        Staff.agent(stay.tenant()).get("/api/v1/tasks?tenant=" + stay.tenant() + "&reservation=" + stay.reservationId())
                .then().statusCode(200).body("subject", org.hamcrest.Matchers.containsInAnyOrder(
                        "PRE_ARRIVAL: bounced", "ONLINE_CHECK_IN: not sent by its due time"));
        // A second sweep raises nothing more.
        sweep.runOnce(clock.now());
        Staff.agent(stay.tenant()).get("/api/v1/tasks?tenant=" + stay.tenant() + "&view=all").then()
                .body("size()", equalTo(2));
    }

    @Test
    void aCancelledReservationOwesNothingMore() {
        Instant booked = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Stay stay = Stay.unique("BERLIN");
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                stay.snapshot(1, ReservationStatus.CONFIRMED, booked));
        awaitDocuments(stay, d -> d.getList("kind").size() == 3);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                stay.snapshot(2, ReservationStatus.CANCELLED, booked.plusSeconds(30)));
        JsonPath documents = awaitDocuments(stay, d -> d.getList("state").stream().allMatch("NOT_OWED"::equals));
        assertEquals(List.of("reservation cancelled", "reservation cancelled", "reservation cancelled"),
                documents.getList("reason"));
        Staff.as(stay.tenant(), "viewer").get("/api/v1/reservations/" + stay.tenant() + "/BERLIN/nope/documents")
                .then().statusCode(404).contentType("application/problem+json");
        Staff.as("tenant-other", "viewer").get("/api/v1/reservations/" + stay.tenant() + "/BERLIN/" + stay.reservationId()
                + "/documents").then().statusCode(404);
    }

    @Test
    void theFiguresCountWhatTheCrmSentPerStepAndOutcome() {
        Stay stay = Stay.unique("BERLIN");
        Stay other = stay.withReservation(stay.reservationId() + "B");
        send(stay, UUID.randomUUID(), "CONFIRMATION", CommunicationStatus.SENT, null);
        send(other, UUID.randomUUID(), "CONFIRMATION", CommunicationStatus.SENT, null);
        send(stay, UUID.randomUUID(), "PRE_STAY", CommunicationStatus.BOUNCED, "undeliverable");
        send(stay, UUID.randomUUID(), "IN_STAY", CommunicationStatus.SENT, null);
        String kpis = "/api/v1/desk/kpis?tenant=" + stay.tenant();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            Integer sent = Staff.as(stay.tenant(), "viewer").get(kpis).then().statusCode(200).extract()
                    .path("hotels.find { it.hotelCode == 'BERLIN' }.communicationsSent");
            return sent != null && sent == 3;
        });
        JsonPath figures = Staff.as(stay.tenant(), "viewer").get(kpis).then().extract().jsonPath();
        assertEquals(1, figures.getInt("hotels[0].communicationsBounced"));
        assertEquals(List.of(Map.of("step", "CONFIRMATION", "channel", "EMAIL", "status", "SENT", "events", 2),
                        Map.of("step", "IN_STAY", "channel", "EMAIL", "status", "SENT", "events", 1),
                        Map.of("step", "PRE_STAY", "channel", "EMAIL", "status", "BOUNCED", "events", 1)),
                figures.getList("hotels[0].communications"));
        // A period before them counts none (the bounce's LATE_DOCUMENT task is still open now, so the hotel is listed).
        Staff.as(stay.tenant(), "viewer").get(kpis + "&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z").then()
                .body("hotels.findAll { it.communicationsSent > 0 || it.communicationsBounced > 0 }.size()", equalTo(0))
                .body("hotels[0].communications.size()", equalTo(0))
                .body("hotels[0].tasksOpenNow", equalTo(1));
    }

    static void send(Stay stay, UUID communicationId, String step, CommunicationStatus status, String reason) {
        CommunicationEvent event = CommunicationEvent.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("CommunicationEvent")
                        .setOccurredAt(Instant.now()).setSource("journey-service").setTenantId(stay.tenant())
                        .setCorrelationId("corr-" + UUID.randomUUID()).build())
                .setCommunicationId(communicationId)
                .setHotelCode(stay.hotelCode())
                .setPmsReservationId(stay.reservationId())
                .setStep(step)
                .setChannel(CommunicationChannel.EMAIL)
                .setStatus(status)
                .setReason(reason)
                .setTenantId(stay.tenant())
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_COMMUNICATIONS.topicName(), stay.key(), event);
    }

    static JsonPath documents(Stay stay) {
        return Staff.as(stay.tenant(), "viewer").get("/api/v1/reservations/" + stay.tenant() + "/" + stay.hotelCode() + "/"
                + stay.reservationId() + "/documents").then().extract().jsonPath();
    }

    static JsonPath awaitDocuments(Stay stay, Predicate<JsonPath> until) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var response = Staff.as(stay.tenant(), "viewer").get("/api/v1/reservations/" + stay.tenant() + "/"
                    + stay.hotelCode() + "/" + stay.reservationId() + "/documents");
            if (response.statusCode() != 200) {
                return false;
            }
            last[0] = response.jsonPath();
            return until.test(last[0]);
        });
        return last[0];
    }
}
