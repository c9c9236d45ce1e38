package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.guestcrm.desk.config.DeskRules;
import org.guestcrm.desk.domain.DeskRule;
import org.guestcrm.desk.domain.LeadStatus;
import org.guestcrm.desk.domain.TaskKind;
import org.guestcrm.desk.domain.TaskOutcome;
import org.guestcrm.desk.domain.TaskStatus;
import org.guestcrm.desk.persistence.LeadEntity;
import org.guestcrm.desk.persistence.QuoteEntity;
import org.guestcrm.desk.persistence.TaskEntity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * The rules of a lead's life, shared by the intake and the API, in the caller's transaction. Whoever changes a lead
 * or its tasks holds the lead's row lock first (intake and API alike), so two changes never interleave.
 */
@ApplicationScoped
public class LeadDesk {

    @Inject
    TaskLedger tasks;
    @Inject
    DeskRules rules;

    /** A new lead gets its first call-back task, due by the hotel's rule. */
    @Transactional(Transactional.TxType.MANDATORY)
    public TaskEntity openCallBack(LeadEntity lead, Instant now, Cause cause) {
        DeskRule rule = rules.of(lead.tenant, lead.hotelCode);
        return tasks.open(new TaskLedger.NewTask(lead.tenant, lead.hotelCode, TaskKind.CALL_BACK, lead.id, null,
                lead.pmsReservationId, lead.guestId, rule.team(), rule.callBackDue(lead.receivedAt), 1, null), now, cause);
    }

    /** The lead became a booking: closed as booked, its pending tasks done (BOOKED), its quotes settled. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void booked(LeadEntity lead, String reservationKey, String pmsReservationId, Instant now, String actor,
                       Cause cause) {
        if (lead.status != LeadStatus.OPEN) {
            return;
        }
        lead.status = LeadStatus.BOOKED;
        lead.closedAt = now;
        lead.updatedAt = now;
        if (reservationKey != null && lead.reservationKey == null) {
            lead.reservationKey = reservationKey;
            lead.pmsReservationId = pmsReservationId;
        }
        for (TaskEntity task : pendingTasks(lead.id)) {
            carryGuest(lead, task);
            tasks.complete(task, TaskOutcome.BOOKED, null, actor, now, cause);
        }
        for (QuoteEntity quote : openQuotes(lead.id)) {
            boolean sameStay = quote.arrival.equals(lead.arrival) && quote.departure.equals(lead.departure);
            quote.status = sameStay ? QuoteEntity.BOOKED : QuoteEntity.LOST;
            quote.updatedAt = now;
        }
    }

    /** The lead is lost (cancelled in the PMS, or staff say so): pending tasks cancelled, open quotes lost. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lost(LeadEntity lead, LeadStatus status, String reason, Instant now, String actor, Cause cause) {
        if (lead.status != LeadStatus.OPEN) {
            return;
        }
        lead.status = status;
        lead.outcomeReason = reason;
        lead.closedAt = now;
        lead.updatedAt = now;
        for (TaskEntity task : pendingTasks(lead.id)) {
            carryGuest(lead, task);
            tasks.cancel(task, "lead closed: " + status.name().toLowerCase(java.util.Locale.ROOT), actor, now, cause);
        }
        for (QuoteEntity quote : openQuotes(lead.id)) {
            quote.status = QuoteEntity.LOST;
            quote.updatedAt = now;
        }
    }

    /**
     * Staff completed a task of the lead: the first answer counts for the time to answer; BOOKED and LOST close the
     * lead; NO_ANSWER on a call-back opens the next call (by the hotel's rule) until the attempts are used up, then
     * closes the lead as NO_ANSWER.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void taskCompleted(LeadEntity lead, TaskEntity task, TaskOutcome outcome, String reason, Instant now,
                              String actor, Cause cause) {
        if (lead.answeredAt == null) {
            lead.answeredAt = now;
            lead.updatedAt = now;
        }
        switch (outcome) {
            case BOOKED -> booked(lead, null, null, now, actor, cause);
            case LOST -> lost(lead, LeadStatus.LOST, reason, now, actor, cause);
            case NO_ANSWER -> {
                if (task.kind != TaskKind.CALL_BACK || lead.status != LeadStatus.OPEN) {
                    return;
                }
                DeskRule rule = rules.of(lead.tenant, lead.hotelCode);
                if (task.attempt >= rule.maxAttempts()) {
                    lost(lead, LeadStatus.NO_ANSWER, "no answer after " + task.attempt + " calls", now, actor, cause);
                } else if (pendingTasks(lead.id).stream().noneMatch(t -> t.kind == TaskKind.CALL_BACK)) {
                    TaskEntity next = tasks.open(new TaskLedger.NewTask(lead.tenant, lead.hotelCode,
                            TaskKind.CALL_BACK, lead.id, null, lead.pmsReservationId, lead.guestId,
                            task.team, rule.retryDue(now), task.attempt + 1, null), now, cause);
                    if (task.assignee != null) {
                        tasks.assign(next, task.assignee, null, actor, now, cause);
                    }
                }
            }
            case DONE -> {
            }
        }
    }

    /** A quote was sent: the lead is answered. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void quoted(LeadEntity lead, Instant now) {
        if (lead.answeredAt == null) {
            lead.answeredAt = now;
        }
        lead.updatedAt = now;
    }

    /** A task carries its lead's golden guest (learnt after the task was opened, e.g. with the booking). */
    private static void carryGuest(LeadEntity lead, TaskEntity task) {
        if (lead.guestId != null) {
            task.guestId = lead.guestId;
        }
    }

    public LeadEntity lockLead(UUID id) {
        return LeadEntity.findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    private List<TaskEntity> pendingTasks(UUID leadId) {
        return TaskEntity.<TaskEntity>find("leadId = ?1 and status in ?2 order by createdAt", leadId,
                List.of(TaskStatus.OPEN, TaskStatus.OVERDUE)).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    private List<QuoteEntity> openQuotes(UUID leadId) {
        return QuoteEntity.<QuoteEntity>find("leadId = ?1 and status = ?2", leadId, QuoteEntity.OPEN)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }
}
