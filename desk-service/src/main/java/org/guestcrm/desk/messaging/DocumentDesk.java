package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import org.guestcrm.desk.config.DeskRules;
import org.guestcrm.desk.domain.DeskRule;
import org.guestcrm.desk.domain.DocumentDuty;
import org.guestcrm.desk.domain.DocumentKind;
import org.guestcrm.desk.domain.DocumentState;
import org.guestcrm.desk.domain.ReservationSignal;
import org.guestcrm.desk.domain.TaskKind;
import org.guestcrm.desk.domain.TaskStatus;
import org.guestcrm.desk.persistence.DocumentEntity;
import org.guestcrm.desk.persistence.DocumentRows;
import org.guestcrm.desk.persistence.ReservationStateEntity;
import org.guestcrm.desk.persistence.TaskEntity;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * The documents each booked reservation owes its guest, in the caller's transaction: created when the reservation is
 * first seen booked, moved with its dates, no longer owed when it is cancelled or the guest checked in; their state
 * follows the journey's CommunicationEvents; a late one (not sent by its due time, bounced, failed or skipped) is an
 * alert (one WARN line with ids, counter {@code guestcrm_desk_documents_late_total}) and a LATE_DOCUMENT task.
 */
@ApplicationScoped
public class DocumentDesk {

    private static final Logger LOG = Logger.getLogger(DocumentDesk.class);

    @Inject
    DeskRules rules;
    @Inject
    TaskLedger tasks;
    @Inject
    MeterRegistry meters;
    @Inject
    GuestLinks guests;
    @Inject
    jakarta.persistence.EntityManager entityManager;

    /** A reservation snapshot was applied (not a history import for creation): keep its documents in line. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onReservation(ReservationStateEntity state, ReservationSignal signal, boolean history,
                              List<DocumentEntity> held, DocumentRows rows, Instant now, Cause cause) {
        switch (signal) {
            case BOOKED -> {
                if ("CHECKED_IN".equals(state.status) || "CHECKED_OUT".equals(state.status)) {
                    notOwed(held, EnumSet.of(DocumentKind.PRE_ARRIVAL, DocumentKind.ONLINE_CHECK_IN), "guest checked in", now,
                            cause);
                }
                if (history) {
                    return; // a history import owes nothing now
                }
                java.time.ZoneId zone = rules.of(state.tenant, state.hotelCode).hours().zone();
                for (DocumentDuty duty : rules.documents(state.tenant, state.hotelCode)) {
                    DocumentEntity document = held.stream().filter(d -> d.kind == duty.kind()).findFirst().orElse(null);
                    Instant due = duty.dueAt(state.firstSeenAt, state.arrival, state.departure, zone)
                            .truncatedTo(java.time.temporal.ChronoUnit.MICROS); // as PostgreSQL keeps it
                    if (document == null) {
                        if (("CHECKED_IN".equals(state.status) || "CHECKED_OUT".equals(state.status))
                                && duty.kind() != DocumentKind.INVOICE && duty.kind() != DocumentKind.CONFIRMATION) {
                            continue;
                        }
                        DocumentEntity fresh = create(state, duty, due, now);
                        if (!due.isAfter(state.firstSeenAt)) {
                            fresh.state = DocumentState.NOT_OWED;
                            fresh.reason = "booked after its due time";
                        }
                        document = rows.insertOnce(fresh);
                        held.add(document);
                        if (document.id.equals(fresh.id)) {
                            continue; // created now
                        }
                        // crm.communications created it a moment ago (the topics race): move it like a held one
                    }
                    if (document.state == DocumentState.DUE && !document.dueAt.equals(due)) {
                        document.dueAt = due;
                        document.updatedAt = now;
                    } else if (document.state == DocumentState.NOT_OWED && "reservation cancelled".equals(document.reason)
                            && due.isAfter(now)) {
                        document.state = DocumentState.DUE; // reinstated
                        document.reason = null;
                        document.dueAt = due;
                        document.updatedAt = now;
                    }
                }
            }
            case CANCELLED -> notOwed(held, EnumSet.allOf(DocumentKind.class), "reservation cancelled", now, cause);
            default -> {
            }
        }
    }

    /**
     * The documents of one batch, read and written with plain JDBC ({@link DocumentRows}): the batch ensures and locks
     * them in the one global order first ({@link DocumentRows#ensureAndLock}), changes them through this class, and
     * writes the changed ones with {@link DocumentRows#writeChanged} before it returns.
     */
    public DocumentRows rows() {
        return new DocumentRows(entityManager, meters.counter("desk.jdbc.statements", "table", "document"));
    }

    /**
     * The documents a booked snapshot would create for its reservation (the same rule as {@link #onReservation}), added
     * to {@code into} unless {@code planned} already has the kind for the reservation: what a batch of reservations
     * hands {@link #ensureAndLock} before it applies its records.
     */
    public void plan(ReservationStateEntity state, List<DocumentEntity> into, java.util.Set<String> planned, Instant now) {
        java.time.ZoneId zone = rules.of(state.tenant, state.hotelCode).hours().zone();
        for (DocumentDuty duty : rules.documents(state.tenant, state.hotelCode)) {
            if (("CHECKED_IN".equals(state.status) || "CHECKED_OUT".equals(state.status))
                    && duty.kind() != DocumentKind.INVOICE && duty.kind() != DocumentKind.CONFIRMATION) {
                continue;
            }
            if (!planned.add(state.reservationKey + "|" + duty.kind())) {
                continue;
            }
            Instant due = duty.dueAt(state.firstSeenAt, state.arrival, state.departure, zone);
            DocumentEntity fresh = create(state, duty, due, now);
            if (!due.isAfter(state.firstSeenAt)) {
                fresh.state = DocumentState.NOT_OWED;
                fresh.reason = "booked after its due time";
            }
            into.add(fresh);
        }
    }

    /** What the journey did with a communication that delivers a document of the reservation. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onCommunication(DocumentEntity document, String status, String reason, UUID communicationId,
                                Instant at, Instant now, Cause cause) {
        if (document.state == DocumentState.NOT_OWED) {
            return;
        }
        // Only a real change writes the row (Hibernate updates dirty rows only, and updatedAt moves only then).
        Object[] before = {document.state, document.sentAt, document.openedAt, document.reason, document.communicationId,
                document.lateTaskId};
        if (!"SCHEDULED".equals(status) && !"RESCHEDULED".equals(status) && !"HELD".equals(status)
                && !"UNKNOWN".equals(status)) {
            document.communicationId = communicationId;
        }
        switch (status) {
            case "SENT" -> {
                if (document.state == DocumentState.DUE || document.state == DocumentState.MISSING && document.sentAt == null) {
                    document.state = DocumentState.SENT;
                    document.sentAt = at;
                    document.reason = null;
                    settleLateTask(document, "document sent", now, cause);
                }
            }
            case "OPENED", "CLICKED" -> {
                document.state = DocumentState.OPENED;
                document.openedAt = document.openedAt == null ? at : document.openedAt;
                if (document.sentAt == null) {
                    document.sentAt = at;
                }
                settleLateTask(document, "document opened", now, cause);
            }
            case "BOUNCED", "FAILED" -> {
                if (document.state != DocumentState.OPENED) {
                    late(document, status.equals("BOUNCED") ? "bounced" : "delivery failed", now, cause);
                }
            }
            case "SKIPPED" -> {
                if (reason != null && reason.startsWith("due time passed")) {
                    document.state = DocumentState.NOT_OWED;
                    document.reason = "booked after its due time";
                } else if (document.state == DocumentState.DUE) {
                    late(document, "not sent: " + (reason == null ? "skipped" : cut(reason, 200)), now, cause);
                }
            }
            case "CANCELLED" -> {
                if (document.state == DocumentState.DUE) {
                    document.state = DocumentState.NOT_OWED;
                    document.reason = cut(reason == null ? "cancelled by the journey" : reason, 300);
                }
            }
            default -> {
            }
        }
        Object[] after = {document.state, document.sentAt, document.openedAt, document.reason, document.communicationId,
                document.lateTaskId};
        if (!java.util.Arrays.equals(before, after)) {
            document.updatedAt = now;
        }
    }

    /** Marks the document MISSING with its reason and raises the alert and the task (once per document). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void late(DocumentEntity document, String reason, Instant now, Cause cause) {
        if (document.state != DocumentState.MISSING || !reason.equals(document.reason)) {
            document.state = DocumentState.MISSING;
            document.reason = reason;
            document.updatedAt = now;
        }
        if (document.lateTaskId != null) {
            TaskEntity open = TaskEntity.findById(document.lateTaskId, LockModeType.PESSIMISTIC_WRITE);
            if (open != null && open.status.pending()) {
                return;
            }
        }
        DeskRule rule = rules.of(document.tenant, document.hotelCode);
        TaskEntity task = tasks.open(new TaskLedger.NewTask(document.tenant, document.hotelCode, TaskKind.LATE_DOCUMENT,
                null, null, document.pmsReservationId, guests.guestOfReservation(document.reservationKey), rule.team(), rule.callBackDue(now), 1,
                document.kind.name() + ": " + reason), now, cause);
        document.lateTaskId = task.id;
        meters.counter("guestcrm.desk.documents.late", "kind", document.kind.name(),
                "reason", reason.startsWith("not sent:") ? "skipped" : reason.replace(' ', '_')).increment();
        // The caller logs one WARN line per sweep or batch; the reservation's ids only at DEBUG.
        LOG.debugf("Document %s of reservation %s:%s:%s is late (%s); task %s opened for the hotel.", document.kind,
                document.tenant, document.hotelCode, document.pmsReservationId, reason, task.id);
    }

    private void settleLateTask(DocumentEntity document, String reason, Instant now, Cause cause) {
        if (document.lateTaskId == null) {
            return;
        }
        TaskEntity task = TaskEntity.findById(document.lateTaskId, LockModeType.PESSIMISTIC_WRITE);
        if (task != null && task.status.pending()) {
            tasks.cancel(task, reason, null, now, cause);
        }
    }

    private void notOwed(List<DocumentEntity> held, EnumSet<DocumentKind> kinds, String reason, Instant now, Cause cause) {
        for (DocumentEntity document : new ArrayList<>(held)) {
            if (kinds.contains(document.kind) && (document.state == DocumentState.DUE || document.state == DocumentState.MISSING
                    && document.sentAt == null)) {
                document.state = DocumentState.NOT_OWED;
                document.reason = reason;
                document.updatedAt = now;
                settleLateTask(document, reason, now, cause);
            }
        }
    }

    static DocumentEntity create(ReservationStateEntity state, DocumentDuty duty, Instant due, Instant now) {
        DocumentEntity document = new DocumentEntity();
        document.id = UUID.randomUUID();
        document.reservationKey = state.reservationKey;
        document.tenant = state.tenant;
        document.hotelCode = state.hotelCode;
        document.pmsReservationId = state.pmsReservationId;
        document.kind = duty.kind();
        document.step = duty.step();
        document.state = DocumentState.DUE;
        document.dueAt = due;
        document.createdAt = now;
        document.updatedAt = now;
        return document;
    }

    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }

    static boolean pending(TaskStatus status) {
        return status.pending();
    }
}
