package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.UUID;

import org.guestcrm.desk.domain.TaskKind;
import org.guestcrm.desk.domain.TaskOutcome;
import org.guestcrm.desk.domain.TaskStatus;
import org.guestcrm.desk.persistence.TaskEntity;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.TaskChangeType;
import org.guestcrm.events.TaskChanged;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Every change of a task, in one place: the row and its TaskChanged on crm.tasks (key taskId) through the outbox, in
 * the caller's transaction. Nothing else writes a task's status.
 */
@ApplicationScoped
public class TaskLedger {

    static final String SOURCE = "desk-service";
    private static final Logger LOG = Logger.getLogger(TaskLedger.class);

    @Inject
    Outbox outbox;

    /** What a new task is. */
    public record NewTask(String tenant, String hotelCode, TaskKind kind, UUID leadId, UUID quoteId,
                          String pmsReservationId, String guestId, String team, Instant dueAt, int attempt,
                          String subject) {
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public TaskEntity open(NewTask spec, Instant now, Cause cause) {
        TaskEntity task = new TaskEntity();
        task.id = UUID.randomUUID();
        task.tenant = spec.tenant();
        task.hotelCode = spec.hotelCode();
        task.kind = spec.kind();
        task.leadId = spec.leadId();
        task.quoteId = spec.quoteId();
        task.pmsReservationId = spec.pmsReservationId();
        task.guestId = spec.guestId();
        task.team = spec.team();
        task.dueAt = spec.dueAt();
        task.attempt = spec.attempt();
        task.subject = spec.subject();
        // Due already (a request received long ago, a document found late): overdue from the start.
        task.status = spec.dueAt().isAfter(now) ? TaskStatus.OPEN : TaskStatus.OVERDUE;
        task.createdAt = now;
        task.updatedAt = now;
        task.persist();
        publish(task, TaskChangeType.OPENED, null, now, cause);
        if (task.status == TaskStatus.OVERDUE) {
            publish(task, TaskChangeType.OVERDUE, null, now, cause);
        }
        LOG.debugf("Task %s (%s) opened for tenant %s hotel %s, due %s", task.id, task.kind, task.tenant,
                task.hotelCode, task.dueAt);
        return task;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void assign(TaskEntity task, String assignee, String team, String actor, Instant now, Cause cause) {
        task.assignee = assignee;
        if (team != null) {
            task.team = team;
        }
        task.updatedAt = now;
        publish(task, TaskChangeType.ASSIGNED, actor, now, cause);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void complete(TaskEntity task, TaskOutcome outcome, String reason, String actor, Instant now, Cause cause) {
        task.status = TaskStatus.DONE;
        task.outcome = outcome;
        task.outcomeReason = reason;
        task.doneAt = now;
        task.doneBy = actor;
        task.updatedAt = now;
        publish(task, TaskChangeType.DONE, actor, now, cause);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void cancel(TaskEntity task, String reason, String actor, Instant now, Cause cause) {
        task.status = TaskStatus.CANCELLED;
        task.outcomeReason = reason;
        task.doneAt = now;
        task.doneBy = actor;
        task.updatedAt = now;
        publish(task, TaskChangeType.CANCELLED, actor, now, cause);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void overdue(TaskEntity task, Instant now, Cause cause) {
        task.status = TaskStatus.OVERDUE;
        task.updatedAt = now;
        publish(task, TaskChangeType.OVERDUE, null, now, cause);
    }

    /**
     * The task belongs to another golden guest now (a guest listing its PMS profile, a merge, a split, or the guest
     * gone: null); nothing else about it changed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void guestLinked(TaskEntity task, String guestId, Instant now, Cause cause) {
        task.guestId = guestId;
        task.updatedAt = now;
        publish(task, TaskChangeType.GUEST_LINKED, null, now, cause);
    }

    private void publish(TaskEntity task, TaskChangeType change, String actor, Instant now, Cause cause) {
        TaskChanged event = TaskChanged.newBuilder()
                .setMetadata(EventMetadata.newBuilder()
                        .setEventId(UUID.randomUUID())
                        .setEventType("TaskChanged")
                        .setOccurredAt(now)
                        .setSource(SOURCE)
                        .setTenantId(task.tenant)
                        .setCorrelationId(cause.correlationId())
                        .setCausationId(cause.causationId())
                        .setSchemaVersion(1)
                        .setHistory(false)
                        .build())
                .setTaskId(task.id)
                .setChange(change)
                .setKind(task.kind.name())
                .setStatus(org.guestcrm.events.TaskStatus.valueOf(task.status.name()))
                .setHotelCode(task.hotelCode)
                .setLeadId(task.leadId == null ? null : task.leadId.toString())
                .setPmsReservationId(task.pmsReservationId)
                .setGuestId(task.guestId)
                .setAssignee(task.assignee)
                .setTeam(task.team)
                .setDueAt(task.dueAt)
                .setOutcome(task.outcome == null ? null : org.guestcrm.events.TaskOutcome.valueOf(task.outcome.name()))
                .setOutcomeReason(task.outcomeReason)
                .setActor(actor)
                .build();
        outbox.add(Topic.CRM_TASKS, task.id.toString(), event);
    }
}
