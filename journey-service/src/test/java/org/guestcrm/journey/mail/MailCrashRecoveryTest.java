package org.guestcrm.journey.mail;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.journey.mail.MailTestSupport.WAIT;
import static org.guestcrm.journey.mail.MailTestSupport.ambiguousResends;
import static org.guestcrm.journey.mail.MailTestSupport.awaitCommunications;
import static org.guestcrm.journey.mail.MailTestSupport.book;
import static org.guestcrm.journey.mail.MailTestSupport.idOf;
import static org.guestcrm.journey.mail.MailTestSupport.makeDue;
import static org.guestcrm.journey.mail.MailTestSupport.messageIdOf;
import static org.guestcrm.journey.mail.MailTestSupport.stepIs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.guestcrm.journey.it.Booking;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.persistence.EntityManager;

/**
 * A replica that "dies" after the SMTP server (GreenMail) accepted a mail and before the outcome committed: the
 * outcome transaction of the first attempt fails (the dispatcher's one test seam), its lease expires, another claim
 * sends the mail once more with the same Message-ID and counts the ambiguous re-send. A database that refuses to record
 * the outcome (the replica lives on) costs no second mail: the outcome is held in memory, nothing is claimed until it is
 * recorded, and the expired lease is not re-claimed.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class MailCrashRecoveryTest {

    @Inject
    EntityManager entityManager;

    @Inject
    CommunicationDispatcher dispatcher;

    @Test
    void aCrashBetweenSmtpAcceptanceAndTheOutcomeCommitSendsOnceMoreWithTheSameMessageId() {
        Booking booking = Booking.unique();
        book(booking);
        UUID preStay = idOf(awaitCommunications(booking, stepIs("CONFIRMATION", "SENT")), "PRE_STAY");
        String messageId = messageIdOf(preStay);
        double ambiguousBefore = ambiguousResends();

        dispatcher.loseOutcomeOf(preStay, 1);
        makeDue(entityManager, List.of(preStay));

        JsonPath communications = awaitCommunications(booking, stepIs("PRE_STAY", "SENT"));
        assertEquals(2, communications.getInt("find { it.step == 'PRE_STAY' }.attempts"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> mailsWithMessageId(messageId) >= 2);
        assertEquals(2, mailsWithMessageId(messageId), "the lost outcome costs exactly one more send");
        assertEquals(ambiguousBefore + 1, ambiguousResends(), "the re-send is counted as ambiguous");
    }

    @Test
    void anOutcomeTheDatabaseRefusedToRecordIsRecordedWhenItAnswersAgainAndTheMailIsNotSentTwice() {
        Booking booking = Booking.unique();
        book(booking);
        UUID preStay = idOf(awaitCommunications(booking, stepIs("CONFIRMATION", "SENT")), "PRE_STAY");
        String messageId = messageIdOf(preStay);
        double ambiguousBefore = ambiguousResends();

        dispatcher.refuseRecordingOf(preStay);
        try {
            makeDue(entityManager, List.of(preStay));
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> mailsWithMessageId(messageId) >= 1);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> dispatcher.unrecordedOutcomes() == 1);
            // The claim's lease (test: 8 s) runs out while the database still refuses; two more ticks try and fail.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> leaseExpired(preStay));
            long failedTicks = dispatcher.unrecordedRetriesFailed();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> dispatcher.unrecordedRetriesFailed() >= failedTicks + 2);
            assertEquals(1, mailsWithMessageId(messageId), "an expired lease whose outcome is held is not claimed again");
            assertEquals(1, dispatcher.unrecordedOutcomes());
        } finally {
            dispatcher.acceptRecordingOf(preStay);
        }

        JsonPath communications = awaitCommunications(booking, stepIs("PRE_STAY", "SENT"));
        assertEquals(1, communications.getInt("find { it.step == 'PRE_STAY' }.attempts"));
        assertEquals(1, mailsWithMessageId(messageId), "a database outage costs no second mail");
        assertEquals(0, dispatcher.unrecordedOutcomes());
        assertEquals(ambiguousBefore, ambiguousResends(), "nothing was re-sent");
    }

    private boolean leaseExpired(UUID communicationId) {
        return QuarkusTransaction.requiringNew().call(() -> (Boolean) entityManager.createNativeQuery(
                        "SELECT lease_expires_at IS NOT NULL AND lease_expires_at < now() FROM communication WHERE id = :id")
                .setParameter("id", communicationId)
                .getSingleResult());
    }

    private static long mailsWithMessageId(String messageId) {
        return MailServer.shared().receivedMessages().stream().filter(message -> {
            try {
                return messageId.equals(message.getMessageID());
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).count();
    }
}
