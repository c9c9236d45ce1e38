package org.guestcrm.journey.messaging;

import java.time.Instant;
import java.util.UUID;

import org.guestcrm.journey.domain.CommunicationChange;
import org.guestcrm.journey.domain.CommunicationStatus;
import org.guestcrm.journey.mapping.JourneyMapper;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.ReservationEntity;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Every status change of a communication goes through here: the row changes and its CommunicationEvent is written to
 * the outbox in the same transaction.
 */
@ApplicationScoped
public class CommunicationLedger {

    private static final Logger LOG = Logger.getLogger(CommunicationLedger.class);

    @Inject
    CommunicationRepository communications;

    @Inject
    Outbox outbox;

    @Inject
    org.guestcrm.journey.config.JourneyConfig config;

    @Inject
    org.guestcrm.journey.mail.DispatchWakeup dispatchWakeup;

    /**
     * Applies one planner decision for {@code reservation}, caused by the snapshot event {@code causationId}; returns
     * the communication changed or created.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public CommunicationEntity apply(CommunicationChange change, CommunicationEntity existing, ReservationEntity reservation,
                      String correlationId, String causationId, Instant now) {
        return apply(change, existing, reservation, correlationId, causationId, now, communications::persist);
    }

    /**
     * As {@link #apply(CommunicationChange, CommunicationEntity, ReservationEntity, String, String, Instant)}, a new
     * communication handed to {@code insert} instead of being persisted (the intake writes its rows itself, set-based:
     * {@link org.guestcrm.journey.persistence.IntakeWrites}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public CommunicationEntity apply(CommunicationChange change, CommunicationEntity existing, ReservationEntity reservation,
                      String correlationId, String causationId, Instant now,
                      java.util.function.Consumer<CommunicationEntity> insert) {
        CommunicationEntity communication = existing;
        if (change.createsCommunication()) {
            communication = new CommunicationEntity();
            communication.id = UUID.randomUUID();
            communication.tenant = reservation.tenant;
            communication.hotelCode = reservation.hotelCode;
            communication.pmsReservationId = reservation.pmsReservationId;
            communication.step = change.step();
            communication.channel = change.channel();
            communication.noticeVersion = change.noticeVersion() == null ? "" : change.noticeVersion();
            communication.createdAt = now;
        } else if (change.noticeVersion() != null && change.status() == communication.status
                && change.dueAt().equals(communication.dueAt)) {
            // A later change joins a pending notice (one notice of the latest state): only its version moves, so
            // there is no status change to publish.
            communication.noticeVersion = change.noticeVersion();
            communication.correlationId = correlationId;
            communication.causationId = causationId;
            communication.updatedAt = now;
            return communication;
        }
        communication.dueAt = change.dueAt();
        if (change.noticeVersion() != null) {
            communication.noticeVersion = change.noticeVersion();
        }
        communication.correlationId = correlationId;
        communication.causationId = causationId;
        if (change.status().isPending()) {
            // (Re)planned: a fresh start for delivery.
            communication.nextAttemptAt = null;
            communication.attempts = 0;
            communication.lastError = null;
            communication.cancelledAt = null;
        }
        if (change.createsCommunication()) {
            communication.status = change.status();
            communication.reason = change.reason();
            communication.updatedAt = now;
            if (change.status() == CommunicationStatus.CANCELLED) {
                communication.cancelledAt = now;
            }
            insert.accept(communication);
            if (communication.status == CommunicationStatus.SCHEDULED && !config.outbox().publishScheduled()) {
                // Newly planned: not published (journey.outbox.publish-scheduled, issue 5: no consumer reads a first
                // SCHEDULED). A SCHEDULED that says something (a re-key, a release from a hold) still is.
                wakeIfDue(communication, now);
            } else {
                publish(communication, now);
            }
        } else {
            changeStatus(communication, change.status(), change.reason(), now);
        }
        return communication;
    }

    /** Moves a communication to {@code status} (with {@code reason}) and emits its event. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void changeStatus(CommunicationEntity communication, CommunicationStatus status, String reason,
                             Instant now) {
        communication.status = status;
        communication.reason = reason;
        communication.updatedAt = now;
        switch (status) {
            case CANCELLED -> communication.cancelledAt = now;
            case SENT -> communication.sentAt = now;
            default -> {
            }
        }
        publish(communication, now);
    }

    /**
     * Emits the event of a status change already written to {@code communication}'s row by a bulk statement (the
     * dispatcher records SENT for a round's outcomes in one UPDATE).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void statusChanged(CommunicationEntity communication, Instant now) {
        publish(communication, now);
    }

    /**
     * As {@link #statusChanged} for every one of {@code changed} (rows a set-based statement wrote: the dispatcher's
     * outcomes of a round), in one call: one event each, in order.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void statusesChanged(java.util.List<CommunicationEntity> changed, Instant now) {
        for (CommunicationEntity communication : changed) {
            publish(communication, now);
        }
    }

    private void wakeIfDue(CommunicationEntity communication, Instant now) {
        if (communication.status.isPending() && communication.leaseOwner == null
                && !(communication.nextAttemptAt != null ? communication.nextAttemptAt : communication.dueAt).isAfter(now)) {
            // Due now: the dispatcher starts a round once this commits, not at its next tick (issue 5).
            dispatchWakeup.afterCommit();
        }
    }

    private void publish(CommunicationEntity communication, Instant now) {
        wakeIfDue(communication, now);
        var event = JourneyMapper.communicationEventOf(communication, now);
        // The status as a header too, so a consumer that only acts on some statuses (the opt-out service: bounces and
        // complaints; the desk: no SCHEDULED) skips the others without decoding them. The record holds it as well.
        outbox.add(Topic.CRM_COMMUNICATIONS, JourneyMapper.communicationKeyOf(communication), event,
                java.util.Map.of("communication-status", event.getStatus().name()));
        // Per communication, so DEBUG: the intake and the dispatcher log one line per batch or round.
        LOG.debugf("Communication %s (%s of reservation %s:%s:%s) is now %s%s.", communication.id, communication.step,
                communication.tenant, communication.hotelCode, communication.pmsReservationId, communication.status,
                communication.reason == null ? "" : " (" + communication.reason + ")");
    }
}
