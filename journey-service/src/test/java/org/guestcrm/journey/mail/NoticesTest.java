package org.guestcrm.journey.mail;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.journey.mail.MailTestSupport.WAIT;
import static org.guestcrm.journey.mail.MailTestSupport.awaitCommunications;
import static org.guestcrm.journey.mail.MailTestSupport.idOf;
import static org.guestcrm.journey.mail.MailTestSupport.makeDue;
import static org.guestcrm.journey.mail.MailTestSupport.stepIs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
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

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

/**
 * Modification and cancellation notices through Kafka, PostgreSQL and GreenMail. The test profile's notice window is
 * 10 minutes, so a notice goes out when the test makes it due (the tests' stand-in for a clock): a burst of changes
 * meanwhile joins it.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class NoticesTest {

    private static final DateTimeFormatter ENGLISH_DATE = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);

    @Inject
    EntityManager entityManager;

    @Test
    void aBurstOfChangesToAConfirmedBookingIsOneModificationNoticeOfTheLatestState() throws Exception {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(30);
        send(booking, withRoom(booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)), "DBL"));
        awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));

        LocalDate moved = arrival.plusDays(7);
        send(booking, withRoom(booking.snapshot(2, ReservationStatus.CONFIRMED, moved, moved.plusDays(3)), "DBL"));
        JsonPath planned = awaitCommunications(booking, stepIs("MODIFICATION", "SCHEDULED"));
        UUID notice = idOf(planned, "MODIFICATION");
        Instant due = Instant.parse(planned.getString("find { it.step == 'MODIFICATION' }.dueAt"));
        assertTrue(due.isAfter(Instant.now().plus(Duration.ofMinutes(5))), "due after the notice window: " + due);

        // Within the window: a room change and then a redelivery of it join the pending notice.
        ReservationChanged upgraded = withRoom(booking.snapshot(3, ReservationStatus.CONFIRMED, moved,
                moved.plusDays(3)), "SUITE");
        send(booking, upgraded);
        send(booking, upgraded);
        await().atMost(WAIT).until(() -> "seq:3".equals(noticeVersionOf(notice)));
        JsonPath joined = awaitCommunications(booking, list -> true);
        assertEquals(1, joined.getList("findAll { it.step == 'MODIFICATION' }").size(), "one notice for the burst");
        assertEquals(due.toString(), joined.getString("find { it.step == 'MODIFICATION' }.dueAt"),
                "the window is not extended by later changes");

        makeDue(entityManager, List.of(notice));
        awaitCommunications(booking, stepIs("MODIFICATION", "SENT"));
        List<MimeMessage> mails = MailServer.shared().messagesTo(booking.email());
        assertEquals(List.of("Your reservation " + booking.reservationId() + " at Hotel Seeblick is confirmed",
                "Your reservation " + booking.reservationId() + " at Hotel Seeblick has changed"),
                mails.stream().map(NoticesTest::subjectOf).toList());
        String body = raw(mails.get(1));
        assertTrue(body.contains("Arrival: " + ENGLISH_DATE.format(moved)), "the latest dates");
        assertTrue(body.contains("Room: SUITE"), "the latest room");
        assertEquals("<" + notice + "@journey.guestcrm.local>", mails.get(1).getMessageID());

        // A change after the notice went out is a new version: a new notice.
        send(booking, withRoom(booking.snapshot(4, ReservationStatus.CONFIRMED, moved, moved.plusDays(4)), "SUITE"));
        JsonPath after = awaitCommunications(booking,
                list -> list.getList("findAll { it.step == 'MODIFICATION' }").size() == 2);
        assertEquals(List.of("SENT", "SCHEDULED"),
                after.getList("findAll { it.step == 'MODIFICATION' }.status"));
    }

    @Test
    void aCancellationSendsTheCancellationNoticeAndCancelsEveryPendingStep() throws Exception {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(30);
        send(booking, booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));

        send(booking, booking.snapshot(2, ReservationStatus.CANCELLED, arrival, arrival.plusDays(3)));
        JsonPath cancelled = awaitCommunications(booking, stepIs("CANCELLATION", "SCHEDULED"));
        for (String step : List.of("PRE_STAY", "PRE_CHECK_IN", "IN_STAY", "POST_STAY_SURVEY")) {
            assertEquals("CANCELLED", cancelled.getString("find { it.step == '" + step + "' }.status"), step);
        }
        makeDue(entityManager, List.of(idOf(cancelled, "CANCELLATION")));
        awaitCommunications(booking, stepIs("CANCELLATION", "SENT"));

        List<MimeMessage> mails = MailServer.shared().messagesTo(booking.email());
        assertEquals(2, mails.size());
        assertEquals("Your reservation " + booking.reservationId() + " at Hotel Seeblick is cancelled",
                subjectOf(mails.get(1)));
        assertTrue(raw(mails.get(1)).contains("has been cancelled"));
        assertNull(mails.get(1).getHeader("List-Unsubscribe"), "transactional: no unsubscribe header");
    }

    @Test
    void noNoticeForABookingFirstSeenCancelledForHistoryOrForAReplayedChange() {
        LocalDate arrival = LocalDate.now().plusDays(30);
        Booking firstSeenCancelled = Booking.unique();
        send(firstSeenCancelled, firstSeenCancelled.snapshot(1, ReservationStatus.CANCELLED, arrival,
                arrival.plusDays(3)));

        Booking history = Booking.unique();
        send(history, history.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        awaitCommunications(history, stepIs("CONFIRMATION", "SENT"));
        send(history, history.snapshot(2, ReservationStatus.CONFIRMED, arrival.plusDays(1), arrival.plusDays(4),
                ReservationChangeType.MODIFIED, true));
        send(history, history.snapshot(3, ReservationStatus.CANCELLED, arrival.plusDays(1), arrival.plusDays(4),
                ReservationChangeType.CANCELLED, true));

        Booking replayed = Booking.unique();
        send(replayed, replayed.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        awaitCommunications(replayed, stepIs("CONFIRMATION", "SENT"));
        ReservationChanged old = ReservationChanged.newBuilder(replayed.snapshot(2, ReservationStatus.CONFIRMED,
                        arrival.plusDays(1), arrival.plusDays(4)))
                .setPmsModifiedAt(Instant.now().minus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                .build();
        send(replayed, old);

        JsonPath skipped = awaitCommunications(replayed, stepIs("MODIFICATION", "SKIPPED"));
        assertEquals("stale: change made more than 2 days ago",
                skipped.getString("find { it.step == 'MODIFICATION' }.reason"));
        awaitCommunications(history, stepIs("PRE_STAY", "CANCELLED"));
        JsonPath historyList = awaitCommunications(history, list -> true);
        assertEquals(List.of(), historyList.getList("findAll { it.step == 'MODIFICATION' || it.step == 'CANCELLATION' }"),
                "history is state, never a notice");
        assertEquals(List.of(), awaitCommunications(firstSeenCancelled, list -> true).getList("$"));
        assertEquals(0, MailServer.shared().messagesTo(firstSeenCancelled.email()).size());
    }

    @Test
    void aChangeToAStayThatHasEndedIsRecordedStaleAndNotMailed() {
        Booking booking = Booking.unique();
        send(booking, booking.snapshot(1, ReservationStatus.CONFIRMED, LocalDate.parse("2005-03-01"),
                LocalDate.parse("2005-03-04")));
        awaitCommunications(booking, stepIs("CONFIRMATION", "SKIPPED"));
        send(booking, booking.snapshot(2, ReservationStatus.CANCELLED, LocalDate.parse("2005-03-01"),
                LocalDate.parse("2005-03-04")));

        JsonPath communications = awaitCommunications(booking, stepIs("CANCELLATION", "SKIPPED"));
        assertEquals("stale: the stay has ended", communications.getString("find { it.step == 'CANCELLATION' }.reason"));
        assertEquals(0, MailServer.shared().messagesTo(booking.email()).size());
    }

    private String noticeVersionOf(UUID communicationId) {
        return QuarkusTransaction.requiringNew().call(() -> (String) entityManager
                .createNativeQuery("SELECT notice_version FROM communication WHERE id = :id")
                .setParameter("id", communicationId)
                .getSingleResult());
    }

    private static ReservationChanged withRoom(ReservationChanged snapshot, String roomType) {
        return ReservationChanged.newBuilder(snapshot).setRoomTypeCode(roomType).setRatePlanCode("BAR").build();
    }

    private static void send(Booking booking, ReservationChanged snapshot) {
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(), snapshot);
    }

    private static String subjectOf(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String raw(MimeMessage message) throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        return raw.toString(StandardCharsets.UTF_8);
    }

    /** The mails to {@code email}, in the order they arrived. */
}
