package org.guestcrm.journey.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.guestcrm.testsupport.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

/**
 * End to end against the real broker, registry, PostgreSQL and SMTP server: a PMS connector's ReservationChanged on
 * pms.reservations becomes e-mails, API state and CommunicationEvents on crm.communications.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class ReservationJourneyTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RESERVATIONS = Topic.PMS_RESERVATIONS.topicName();

    @Inject
    EntityManager entityManager;

    @Test
    void aNewReservationIsConfirmedByEmailOnceAndItsJourneyScheduled() throws Exception {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(30);
        ReservationChanged created = booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3));

        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(), created);

        MimeMessage mail = awaitMailTo(booking.email());
        assertEquals("Your reservation " + booking.reservationId() + " at Hotel Seeblick is confirmed",
                mail.getSubject());
        assertEquals(booking.email(), mail.getRecipients(Message.RecipientType.TO)[0].toString());
        assertEquals("en", mail.getHeader("Content-Language")[0], "the language of the template used");
        JsonPath communications = awaitCommunications(booking, list -> list.getList("status").contains("SENT"));
        assertEquals(List.of("CONFIRMATION", "PRE_STAY", "PRE_CHECK_IN", "IN_STAY", "POST_STAY_SURVEY"),
                communications.getList("step"));
        assertEquals(List.of("SENT", "SCHEDULED", "SCHEDULED", "SCHEDULED", "SCHEDULED"),
                communications.getList("status"));
        assertNotNull(communications.getString("[0].sentAt"));
        String confirmationId = communications.getString("[0].id");
        assertEquals("<" + confirmationId + "@journey.guestcrm.local>", mail.getMessageID());
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        mail.writeTo(raw);
        String arrivalText = java.time.format.DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", java.util.Locale.ENGLISH)
                .format(arrival);
        assertTrue(raw.toString(StandardCharsets.UTF_8).contains("Arrival: " + arrivalText), "the body names the dates");

        // The same event again (a redelivery): processed once, so still one e-mail and one confirmation.
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(), created);
        ReservationChanged marker = booking.snapshot(2, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3));
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(), marker);
        awaitProcessed(marker.getMetadata().getEventId());
        assertEquals(1, MailServer.shared().messagesTo(booking.email()).size());
        Staff.viewer(booking.tenant()).get(booking.communicationsPath()).then().statusCode(200)
                .body("findAll { it.step == 'CONFIRMATION' }.size()", equalTo(1))
                .body("[0].id", equalTo(confirmationId));
    }

    @Test
    void theGuestsLanguageChoosesTheTemplateAndTheMailSaysWhichLanguageWasUsed() throws Exception {
        LocalDate arrival = LocalDate.now().plusDays(30);
        Booking french = Booking.unique();
        KafkaTestClients.sendAvro(RESERVATIONS, french.key(), inLanguage(
                french.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)), "fr-CH"));
        Booking italian = Booking.unique();
        KafkaTestClients.sendAvro(RESERVATIONS, italian.key(), inLanguage(
                italian.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)), "it"));

        MimeMessage frenchMail = awaitMailTo(french.email());
        assertEquals("Votre réservation " + french.reservationId() + " chez Hotel Seeblick est confirmée",
                frenchMail.getSubject());
        assertEquals("fr", frenchMail.getHeader("Content-Language")[0]);
        assertEquals("built-in confirmation.fr", frenchMail.getHeader("X-GuestCRM-Template")[0]);
        assertEquals(null, frenchMail.getHeader("X-GuestCRM-Template-Fallback"));

        MimeMessage italianMail = awaitMailTo(italian.email());
        assertEquals("Your reservation " + italian.reservationId() + " at Hotel Seeblick is confirmed",
                italianMail.getSubject(), "no Italian template: English");
        assertEquals("en", italianMail.getHeader("Content-Language")[0]);
        assertEquals("it -> en", italianMail.getHeader("X-GuestCRM-Template-Fallback")[0], "the fallback is visible");
        assertTrue(italianMail.getContentType().startsWith("multipart/"), "text and HTML");
    }

    private static ReservationChanged inLanguage(ReservationChanged snapshot, String language) {
        return ReservationChanged.newBuilder(snapshot).setGuests(new java.util.ArrayList<>(List.of(
                org.guestcrm.events.ReservationGuest.newBuilder(snapshot.getGuests().getFirst())
                        .setLanguage(language).build()))).build();
    }

    @Test
    void aCancellationCancelsEveryPendingCommunicationAndTellsCrmCommunications() {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(20);
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(),
                booking.snapshot(10, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)));
        awaitCommunications(booking, list -> list.getList("status").contains("SENT"));

        ReservationChanged cancelled = booking.snapshot(11, ReservationStatus.CANCELLED, arrival, arrival.plusDays(2));
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(), cancelled);

        JsonPath communications = awaitCommunications(booking, list -> list.getList("status").contains("CANCELLED"));
        Staff.viewer(booking.tenant()).get(booking.communicationsPath()).then().statusCode(200)
                .body("findAll { it.step != 'CONFIRMATION' && it.step != 'CANCELLATION' }.status",
                        everyItem(equalTo("CANCELLED")))
                .body("findAll { it.step != 'CONFIRMATION' && it.step != 'CANCELLATION' }.reason",
                        everyItem(equalTo("reservation cancelled")))
                .body("findAll { it.step != 'CONFIRMATION' && it.step != 'CANCELLATION' }.cancelledAt",
                        everyItem(notNullValue()))
                .body("find { it.step == 'CONFIRMATION' }.status", equalTo("SENT"))
                // ... and the guest is told (the notice is due after the notice window: mail-tested in NoticesTest).
                .body("find { it.step == 'CANCELLATION' }.status", equalTo("SCHEDULED"));
        String preStayId = communications.getString("find { it.step == 'PRE_STAY' }.id");

        List<ConsumerRecord<String, CommunicationEvent>> events = KafkaTestClients.awaitAvroRecords(
                Topic.CRM_COMMUNICATIONS.topicName(),
                (ConsumerRecord<String, CommunicationEvent> r) -> r.value() != null
                        && r.value().getCommunicationId().toString().equals(preStayId)
                        && r.value().getStatus() == CommunicationStatus.CANCELLED,
                1, WAIT);
        ConsumerRecord<String, CommunicationEvent> event = events.getFirst();
        assertEquals(booking.key(), event.key());
        assertEquals("PRE_STAY", event.value().getStep());
        assertEquals("reservation cancelled", event.value().getReason());
        assertEquals(booking.tenant(), event.value().getMetadata().getTenantId());
        assertEquals("journey-service", event.value().getMetadata().getSource());
        assertEquals(cancelled.getMetadata().getEventId().toString(), event.value().getMetadata().getCausationId());
        assertEquals(cancelled.getMetadata().getCorrelationId(), event.value().getMetadata().getCorrelationId());
    }

    @Test
    void anOlderSnapshotArrivingLateIsSkipped() {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(40);
        ReservationChanged newerCancelled = booking.snapshot(6, ReservationStatus.CANCELLED, arrival, arrival.plusDays(2));
        ReservationChanged olderConfirmed = booking.snapshot(5, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2));

        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(), newerCancelled);
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(), olderConfirmed);
        awaitProcessed(olderConfirmed.getMetadata().getEventId());

        Staff.viewer(booking.tenant()).get(booking.communicationsPath()).then().statusCode(200).body("$", empty());
        assertEquals("CANCELLED", reservationStatus(booking));
    }

    @Test
    void aReservationWithoutEmailAddressSkipsItsConfirmation() {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(15);
        ReservationChanged snapshot = new Booking(booking.tenant(), booking.hotelCode(), booking.reservationId(), null)
                .snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(1));

        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(), snapshot);

        awaitCommunications(booking, list -> list.getList("status").contains("SKIPPED"));
        Staff.viewer(booking.tenant()).get(booking.communicationsPath()).then().statusCode(200)
                .body("find { it.step == 'CONFIRMATION' }.status", equalTo("SKIPPED"))
                .body("find { it.step == 'CONFIRMATION' }.reason", equalTo("no e-mail address"));
    }

    @Test
    void movedDatesRescheduleThePendingCommunications() {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        awaitCommunications(booking, list -> list.getList("status").contains("SENT"));

        LocalDate newArrival = arrival.plusDays(14);
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(),
                booking.snapshot(2, ReservationStatus.CONFIRMED, newArrival, newArrival.plusDays(3)));

        awaitCommunications(booking, list -> list.getList("status").contains("RESCHEDULED"));
        Staff.viewer(booking.tenant()).get(booking.communicationsPath()).then().statusCode(200)
                .body("findAll { it.step != 'CONFIRMATION' && it.step != 'MODIFICATION' }.status",
                        everyItem(equalTo("RESCHEDULED")))
                // The guest is told of the new dates by a modification notice (after the notice window).
                .body("find { it.step == 'MODIFICATION' }.status", equalTo("SCHEDULED"))
                .body("find { it.step == 'PRE_CHECK_IN' }.dueAt",
                        equalTo(newArrival.minusDays(1).atTime(10, 0).toInstant(java.time.ZoneOffset.UTC).toString()));
        assertEquals(1, MailServer.shared().messagesTo(booking.email()).size(),
                "a date change sends no second confirmation (its notice waits for the window)");
    }

    @Test
    void anAddressTheMailerCannotParseFailsAtOnceWithoutRetry() {
        Booking valid = Booking.unique();
        Booking booking = new Booking(valid.tenant(), valid.hotelCode(), valid.reservationId(), "not an address");
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));

        JsonPath communications = awaitCommunications(booking, list -> list.getList("status").contains("FAILED"));
        assertEquals("FAILED", communications.getString("find { it.step == 'CONFIRMATION' }.status"));
        assertEquals(1, communications.getInt("find { it.step == 'CONFIRMATION' }.attempts"));
        // The address is personal data even without an '@': the reason names the problem, not the address.
        assertEquals("undeliverable: invalid e-mail address",
                communications.getString("find { it.step == 'CONFIRMATION' }.reason"));
    }

    @Test
    void everyCommunicationEventCarriesItsStatusAsAHeaderSoConsumersCanSkipItUnread() {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        awaitCommunications(booking, list -> list.getList("status").contains("SENT"));

        await().atMost(WAIT).until(() -> KafkaTestClients.<CommunicationEvent>readDecoded(Topic.CRM_COMMUNICATIONS.topicName())
                .stream().filter(r -> booking.key().equals(r.key()))
                .anyMatch(r -> r.value().getStatus() == CommunicationStatus.SENT));
        List<KafkaTestClients.DecodedRecord<CommunicationEvent>> events = KafkaTestClients
                .<CommunicationEvent>readDecoded(Topic.CRM_COMMUNICATIONS.topicName()).stream()
                .filter(r -> booking.key().equals(r.key())).toList();
        // Planning publishes nothing (issue 5: no SCHEDULED event for a newly planned step), so the confirmation's SENT
        // is the booking's only record here.
        assertEquals(List.of(CommunicationStatus.SENT), events.stream().map(e -> e.value().getStatus()).toList());
        for (KafkaTestClients.DecodedRecord<CommunicationEvent> event : events) {
            assertEquals(event.value().getStatus().name(), event.headers().get("communication-status"),
                    "the header says the record's own status");
            assertEquals("CommunicationEvent", event.headers().get("event-type"));
        }
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheNextRecordIsStillProcessed() {
        Booking booking = Booking.unique();
        byte[] garbage = "this is not avro".getBytes(StandardCharsets.UTF_8);
        KafkaTestClients.sendRaw(RESERVATIONS, booking.key(), garbage);
        LocalDate arrival = LocalDate.now().plusDays(25);
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)));

        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord(
                Topic.PMS_RESERVATIONS.deadLetterTopicName(), r -> booking.key().equals(r.key()), WAIT);
        assertTrue(Arrays.equals(garbage, dead.value()), "the DLQ keeps the original bytes");
        Header reason = dead.headers().lastHeader("dead-letter-reason");
        assertNotNull(reason, "the DLQ record says why");
        assertTrue(header(dead, "dead-letter-reason").startsWith("Not a decodable ReservationChanged"),
                header(dead, "dead-letter-reason"));
        assertEquals("org.guestcrm.platform.intake.PoisonRecordException",
                header(dead, "dead-letter-exception-class-name"));
        assertEquals(RESERVATIONS, header(dead, "dead-letter-topic"));
        assertNotNull(dead.headers().lastHeader("dead-letter-partition"));
        assertNotNull(dead.headers().lastHeader("dead-letter-offset"));

        awaitCommunications(booking, list -> list.getList("status").contains("SENT"));
    }

    @Test
    void aSnapshotThatCannotBePlannedGoesToTheDeadLetterTopicWithItsReason() {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(25);
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.minusDays(2)));

        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord(
                Topic.PMS_RESERVATIONS.deadLetterTopicName(), r -> booking.key().equals(r.key()), WAIT);
        String reason = header(dead, "dead-letter-reason");
        assertTrue(reason.startsWith("departure is before arrival"), reason);
        assertEquals(RESERVATIONS, header(dead, "dead-letter-topic"));
        Staff.viewer(booking.tenant()).get(booking.communicationsPath()).then().statusCode(404);
    }

    @Test
    void anUnknownReservationIsAProblem() {
        Staff.viewer("nobody").get("/api/v1/reservations/nobody/NOHOTEL/0000/communications")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("Reservation not found"))
                .body("detail", containsString("0000"));
    }

    @Test
    void healthIsOpenAndMetricsAndOpenApiNeedTheOpsRole() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem(containsString("Database")))
                .body("checks.name", hasItem(containsString("Reactive Messaging")));
        given().get("/q/health/live").then().statusCode(200);
        // Metrics and the OpenAPI document are for operators only.
        given().get("/q/metrics").then().statusCode(401);
        Staff.viewer("any").get("/q/metrics").then().statusCode(403);
        given().get("/q/openapi?format=json").then().statusCode(401);
        Staff.ops().get("/q/metrics").then().statusCode(200).body(containsString("kafka_consumer"))
                .body(containsString("guestcrm_intake_records_total"));
        Staff.ops().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.keySet()", hasItem(
                        "/api/v1/reservations/{tenant}/{hotelCode}/{pmsReservationId}/communications"));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertNotNull(header, "header " + name);
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static JsonPath awaitCommunications(Booking booking, java.util.function.Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var response = Staff.viewer(booking.tenant()).get(booking.communicationsPath());
            if (response.statusCode() != 200) {
                return false;
            }
            last[0] = response.jsonPath();
            return condition.test(last[0]);
        });
        return last[0];
    }

    private void awaitProcessed(UUID eventId) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> ((Number) entityManager.createNativeQuery(
                                "SELECT count(*) FROM processed_event WHERE event_id = :id")
                        .setParameter("id", eventId).getSingleResult()).intValue() == 1));
    }

    private String reservationStatus(Booking booking) {
        return QuarkusTransaction.requiringNew().call(() -> (String) entityManager.createNativeQuery(
                        "SELECT status FROM reservation WHERE tenant = :t AND hotel_code = :h AND pms_reservation_id = :r")
                .setParameter("t", booking.tenant()).setParameter("h", booking.hotelCode())
                .setParameter("r", booking.reservationId()).getSingleResult());
    }

    private static MimeMessage awaitMailTo(String email) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> !MailServer.shared().messagesTo(email).isEmpty());
        return MailServer.shared().messagesTo(email).getFirst();
    }
}
