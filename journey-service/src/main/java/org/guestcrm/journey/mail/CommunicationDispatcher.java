package org.guestcrm.journey.mail;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.domain.Channel;
import org.guestcrm.journey.domain.CommunicationStatus;
import org.guestcrm.journey.domain.EmailMessage;
import org.guestcrm.journey.domain.EmailRenderer;
import org.guestcrm.journey.domain.ErrorText;
import org.guestcrm.journey.domain.Reasons;
import org.guestcrm.journey.mapping.JourneyMapper;
import org.guestcrm.journey.messaging.CommunicationLedger;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.ReservationEntity;
import org.guestcrm.journey.persistence.ReservationRepository;
import org.jboss.logging.Logger;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Sends due communications. Each one is picked with {@code FOR UPDATE SKIP LOCKED} in its own transaction, sent, and
 * marked in the same transaction, so N replicas never send the same communication at once. The e-mail's Message-ID
 * is derived from the communication id: if a replica dies after the SMTP server accepted a mail but before its commit,
 * the resend carries the same Message-ID and can be recognised as a duplicate.
 */
@ApplicationScoped
public class CommunicationDispatcher {

    private static final Logger LOG = Logger.getLogger(CommunicationDispatcher.class);

    @Inject
    CommunicationRepository communications;

    @Inject
    ReservationRepository reservations;

    @Inject
    CommunicationLedger ledger;

    @Inject
    Mailer mailer;

    @Inject
    JourneyConfig config;

    private final EmailRenderer renderer = new EmailRenderer();

    Clock clock = Clock.systemUTC();

    @Scheduled(every = "${journey.dispatcher.every:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void dispatchDue() {
        for (int i = 0; i < config.dispatcher().batchSize(); i++) {
            boolean handledOne = QuarkusTransaction.requiringNew().call(this::dispatchNext);
            if (!handledOne) {
                return;
            }
        }
    }

    /** Sends the next due communication, if any; true when there was one. Runs in a transaction. */
    boolean dispatchNext() {
        Instant now = clock.instant();
        Optional<CommunicationEntity> next = communications.lockNextDue(now);
        if (next.isEmpty()) {
            return false;
        }
        CommunicationEntity communication = next.get();
        ReservationEntity reservation = reservations
                .findByKey(communication.tenant, communication.hotelCode, communication.pmsReservationId)
                .orElse(null);
        if (reservation == null) {
            // Cannot happen through the planner; never let one bad row block the queue.
            ledger.changeStatus(communication, CommunicationStatus.FAILED, "reservation not found", now);
            return true;
        }
        if (communication.channel != Channel.EMAIL) {
            // No SMS sender exists yet (documented gap); the planner never plans SMS.
            ledger.changeStatus(communication, CommunicationStatus.SKIPPED, "channel " + communication.channel
                    + " not supported", now);
            return true;
        }
        if (reservation.guestEmail == null) {
            ledger.changeStatus(communication, CommunicationStatus.SKIPPED, Reasons.NO_EMAIL_ADDRESS, now);
            return true;
        }
        send(communication, reservation, now);
        return true;
    }

    private void send(CommunicationEntity communication, ReservationEntity reservation, Instant now) {
        EmailMessage email = renderer.render(communication.step, JourneyMapper.emailContextOf(reservation));
        Mail mail = Mail.withText(reservation.guestEmail, email.subject(), email.text())
                .setHtml(email.html())
                .addHeader("Message-ID", messageIdOf(communication))
                .addHeader("X-GuestCRM-Communication-Id", communication.id.toString());
        communication.attempts++;
        try {
            mailer.send(mail);
        } catch (RuntimeException e) {
            onFailure(communication, e, now);
            return;
        }
        communication.nextAttemptAt = null;
        communication.lastError = null;
        ledger.changeStatus(communication, CommunicationStatus.SENT, null, now);
    }

    private void onFailure(CommunicationEntity communication, RuntimeException error, Instant now) {
        String safeError = ErrorText.withoutPersonalData(error);
        communication.lastError = safeError;
        communication.updatedAt = now;
        Optional<Instant> retryAt = config.retryPolicy().nextAttemptAfter(communication.attempts, now);
        if (retryAt.isPresent()) {
            communication.nextAttemptAt = retryAt.get();
            LOG.warnf("Communication %s (%s) attempt %d failed, retrying at %s: %s", communication.id,
                    communication.step, communication.attempts, retryAt.get(), safeError);
        } else {
            communication.nextAttemptAt = null;
            LOG.errorf("Communication %s (%s) failed after %d attempts: %s", communication.id, communication.step,
                    communication.attempts, safeError);
            String reason = "delivery failed after " + communication.attempts + " attempts: " + safeError;
            ledger.changeStatus(communication, CommunicationStatus.FAILED,
                    reason.length() <= 200 ? reason : reason.substring(0, 199) + "…", now);
        }
    }

    String messageIdOf(CommunicationEntity communication) {
        return "<" + communication.id + "@" + config.dispatcher().messageIdDomain() + ">";
    }
}
