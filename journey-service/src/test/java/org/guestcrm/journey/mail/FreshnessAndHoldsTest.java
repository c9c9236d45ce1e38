package org.guestcrm.journey.mail;

import static org.guestcrm.journey.mail.MailTestSupport.awaitCommunications;
import static org.guestcrm.journey.mail.MailTestSupport.book;
import static org.guestcrm.journey.mail.MailTestSupport.idOf;
import static org.guestcrm.journey.mail.MailTestSupport.makeDue;
import static org.guestcrm.journey.mail.MailTestSupport.stepIs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Issue 9 through Kafka, PostgreSQL and GreenMail: no confirmation for an ended stay or a booking first seen long after
 * it was made, history changes never mail, a cancellation after a MISSING_FROM_EXPORT hold cancels the held mails. The
 * hold itself (held past its time, released when the PMS settles it) is proved on the service's clock by
 * {@link ClockedRulesTest}.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class FreshnessAndHoldsTest {

    @Inject
    EntityManager entityManager;

    @Test
    void aStayThatHasEndedGetsNoConfirmation() {
        Booking booking = Booking.unique();
        send(booking, booking.snapshot(1, ReservationStatus.CONFIRMED, LocalDate.parse("2005-03-01"),
                LocalDate.parse("2005-03-04")));

        JsonPath communications = awaitCommunications(booking, stepIs("CONFIRMATION", "SKIPPED"));
        assertEquals("stale: the stay has ended", communications.getString("find { it.step == 'CONFIRMATION' }.reason"));
        assertEquals(List.of(), communications.getList("findAll { it.status == 'SCHEDULED' }"));
        assertEquals(0, MailServer.shared().messagesTo(booking.email()).size());
    }

    @Test
    void aBookingFirstSeenLongAfterItWasMadeGetsNoConfirmation() {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(30);
        ReservationChanged snapshot = ReservationChanged.newBuilder(
                        booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)))
                .setCreatedAt(Instant.now().minus(Duration.ofDays(3)))
                .build();
        send(booking, snapshot);

        JsonPath communications = awaitCommunications(booking, stepIs("CONFIRMATION", "SKIPPED"));
        assertEquals("stale: booking made more than 2 days ago",
                communications.getString("find { it.step == 'CONFIRMATION' }.reason"));
        assertEquals("SCHEDULED", communications.getString("find { it.step == 'PRE_STAY' }.status"),
                "the stay is ahead: its dated steps are planned");
        assertEquals(0, MailServer.shared().messagesTo(booking.email()).size());
    }

    @Test
    void historyChangesAreStateAndNeverMail() {
        LocalDate arrival = LocalDate.now().plusDays(30);
        Booking flagged = Booking.unique();
        send(flagged, flagged.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3),
                ReservationChangeType.CREATED, true));
        Booking imported = Booking.unique();
        ReservationChanged live = imported.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3),
                ReservationChangeType.CREATED, false);
        ReservationChanged byCorrelation = ReservationChanged.newBuilder(live)
                .setMetadata(org.guestcrm.events.EventMetadata.newBuilder(live.getMetadata())
                        .setCorrelationId("import:" + UUID.randomUUID())
                        .build())
                .build();
        send(imported, byCorrelation);

        // Seen (200) and nothing planned: no row exists that could ever be sent.
        for (Booking booking : List.of(flagged, imported)) {
            JsonPath communications = awaitCommunications(booking, list -> true);
            assertEquals(List.of(), communications.getList("$"), booking.key());
        }

        // A later live change of the imported reservation plans its journey; the confirmation is fresh (booked now).
        send(imported, imported.snapshot(2, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        awaitCommunications(imported, stepIs("CONFIRMATION", "SENT"));
        assertEquals(0, MailServer.shared().messagesTo(flagged.email()).size());
        assertEquals(1, MailServer.shared().messagesTo(imported.email()).size());
    }

    @Test
    void aCancellationAfterAHoldCancelsTheHeldMails() {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(30);
        book(booking);
        awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        send(booking, booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3),
                ReservationChangeType.MISSING_FROM_EXPORT, false));
        awaitCommunications(booking, stepIs("PRE_STAY", "HELD"));

        send(booking, booking.snapshot(2, ReservationStatus.CANCELLED, arrival, arrival.plusDays(3)));

        JsonPath communications = awaitCommunications(booking, stepIs("PRE_STAY", "CANCELLED"));
        assertTrue(communications.getList("findAll { it.status == 'HELD' }").isEmpty());
        assertEquals("reservation cancelled", communications.getString("find { it.step == 'PRE_STAY' }.reason"));
    }

    @Test
    void stepsDueInsideAHotelsQuietHoursWaitForTheirEndInTheHotelsZone() {
        LocalDate arrival = LocalDate.now().plusDays(30);
        Booking unique = Booking.unique();
        // Hotel NIGHTOWL (test profile): Asia/Tokyo, quiet 00:00-23:00.
        Booking hotelRule = new Booking("quiet-tenant", "NIGHTOWL", unique.reservationId(), unique.email());
        // Tenant quiet-tenant's other hotels: America/New_York, quiet 00:00-12:00.
        Booking tenantRule = new Booking("quiet-tenant", "SEEBLICK", unique.reservationId() + "t",
                "t" + unique.email());
        book(hotelRule);
        book(tenantRule);

        JsonPath atHotel = awaitCommunications(hotelRule, stepIs("CONFIRMATION", "SENT"));
        assertEquals(arrival.minusDays(7).atTime(23, 0).atZone(java.time.ZoneId.of("Asia/Tokyo")).toInstant(),
                Instant.parse(atHotel.getString("find { it.step == 'PRE_STAY' }.dueAt")), "09:00 is quiet there");
        JsonPath atTenant = awaitCommunications(tenantRule, stepIs("CONFIRMATION", "SENT"));
        assertEquals(arrival.minusDays(7).atTime(12, 0).atZone(java.time.ZoneId.of("America/New_York")).toInstant(),
                Instant.parse(atTenant.getString("find { it.step == 'PRE_STAY' }.dueAt")), "the tenant's default");
        assertEquals(arrival.minusDays(1).atTime(12, 0).atZone(java.time.ZoneId.of("America/New_York")).toInstant(),
                Instant.parse(atTenant.getString("find { it.step == 'PRE_CHECK_IN' }.dueAt")));
    }

    @Test
    void aNoShowCancelsTheStayMailsAndSendsTheFollowUp() throws Exception {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now(java.time.ZoneOffset.UTC);
        send(booking, booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));

        send(booking, booking.snapshot(2, ReservationStatus.NO_SHOW, arrival, arrival.plusDays(3)));
        JsonPath afterNoShow = awaitCommunications(booking, list -> list.getString("find { it.step == 'NO_SHOW' }.status")
                != null);
        assertEquals("no-show", afterNoShow.getString("find { it.step == 'IN_STAY' }.reason"));
        assertEquals("CANCELLED", afterNoShow.getString("find { it.step == 'POST_STAY_SURVEY' }.status"));
        makeDue(entityManager, List.of(idOf(afterNoShow, "NO_SHOW")));
        awaitCommunications(booking, stepIs("NO_SHOW", "SENT"));

        List<String> subjects = new java.util.ArrayList<>();
        for (var message : MailServer.shared().receivedMessages()) {
            if (Arrays.stream(message.getAllRecipients()).anyMatch(a -> a.toString().equals(booking.email()))) {
                subjects.add(message.getSubject());
            }
        }
        assertEquals(2, subjects.size(), subjects.toString());
        assertTrue(subjects.contains("We missed you at Hotel Seeblick"), subjects.toString());
    }

    private static void send(Booking booking, ReservationChanged snapshot) {
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(), snapshot);
    }
}
