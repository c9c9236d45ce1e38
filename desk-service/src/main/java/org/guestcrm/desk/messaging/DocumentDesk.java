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
    /** Rows per insert statement (12 parameters each, far below PostgreSQL's 32767). */
    private static final int INSERT_CHUNK = 1000;

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
                              List<DocumentEntity> held, Instant now, Cause cause) {
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
                    Instant due = duty.dueAt(state.firstSeenAt, state.arrival, state.departure, zone);
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
                        document = insertOnce(fresh);
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
     * Inserts a new document unless its reservation already has one of its kind, and returns the row, locked. The
     * reservation and the communication consumers may insert the same document at the same moment (the topics are not
     * ordered with each other): {@code on conflict do nothing} waits for the other transaction and keeps its row, so
     * neither batch fails on {@code document_once} (which made BatchIntake re-apply the whole batch record by record).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public DocumentEntity insertOnce(DocumentEntity fresh) {
        entityManager.createNativeQuery("""
                insert into document (id, reservation_key, tenant, hotel_code, pms_reservation_id, kind, step, state, due_at,
                                      reason, created_at, updated_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                on conflict (reservation_key, kind) do nothing""")
                .setParameter(1, fresh.id).setParameter(2, fresh.reservationKey).setParameter(3, fresh.tenant)
                .setParameter(4, fresh.hotelCode).setParameter(5, fresh.pmsReservationId)
                .setParameter(6, fresh.kind.name()).setParameter(7, fresh.step).setParameter(8, fresh.state.name())
                .setParameter(9, fresh.dueAt).setParameter(10, fresh.reason).setParameter(11, fresh.createdAt)
                .setParameter(12, fresh.updatedAt).executeUpdate();
        return DocumentEntity.<DocumentEntity>find("reservationKey = ?1 and kind = ?2", fresh.reservationKey, fresh.kind)
                .withLock(LockModeType.PESSIMISTIC_WRITE).singleResult();
    }

    /**
     * The one lock order on document rows that every writer keeps (the reservation and the communication consumers):
     * the rows in {@code wanted} that do not exist yet are inserted in one statement ({@code on conflict do nothing}),
     * sorted by (reservation_key, kind), then every document of {@code reservationKeys} is locked in one
     * {@code select ... order by reservation_key, kind for update}. A batch calls this once, before it changes any
     * document, so two batches that touch the same documents take their locks in the same order and never deadlock
     * (40P01). Returns the locked rows (managed), in that order.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public List<DocumentEntity> ensureAndLock(java.util.Collection<DocumentEntity> wanted,
                                              java.util.Collection<String> reservationKeys) {
        java.util.TreeMap<String, DocumentEntity> sorted = new java.util.TreeMap<>();
        for (DocumentEntity d : wanted) {
            sorted.putIfAbsent(d.reservationKey + "\u0000" + d.kind.name(), d);
        }
        List<DocumentEntity> rows = new ArrayList<>(sorted.values());
        for (int from = 0; from < rows.size(); from += INSERT_CHUNK) {
            List<DocumentEntity> chunk = rows.subList(from, Math.min(rows.size(), from + INSERT_CHUNK));
            StringBuilder sql = new StringBuilder("""
                    insert into document (id, reservation_key, tenant, hotel_code, pms_reservation_id, kind, step, state,
                                          due_at, reason, created_at, updated_at) values """);
            for (int i = 0; i < chunk.size(); i++) {
                int p = i * 12;
                sql.append(i == 0 ? "" : ", ").append('(');
                for (int c = 1; c <= 12; c++) {
                    sql.append(c == 1 ? "" : ", ").append('?').append(p + c);
                }
                sql.append(')');
            }
            sql.append(" on conflict (reservation_key, kind) do nothing");
            jakarta.persistence.Query insert = entityManager.createNativeQuery(sql.toString());
            for (int i = 0; i < chunk.size(); i++) {
                DocumentEntity d = chunk.get(i);
                int p = i * 12;
                insert.setParameter(p + 1, d.id).setParameter(p + 2, d.reservationKey).setParameter(p + 3, d.tenant)
                        .setParameter(p + 4, d.hotelCode).setParameter(p + 5, d.pmsReservationId)
                        .setParameter(p + 6, d.kind.name()).setParameter(p + 7, d.step)
                        .setParameter(p + 8, d.state.name()).setParameter(p + 9, d.dueAt)
                        .setParameter(p + 10, d.reason).setParameter(p + 11, d.createdAt)
                        .setParameter(p + 12, d.updatedAt);
            }
            insert.executeUpdate();
        }
        if (reservationKeys.isEmpty()) {
            return new ArrayList<>();
        }
        return new ArrayList<>(entityManager.createNativeQuery("""
                select * from document where reservation_key in (:keys) order by reservation_key, kind for update""",
                DocumentEntity.class).setParameter("keys", new java.util.TreeSet<>(reservationKeys)).getResultList());
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
