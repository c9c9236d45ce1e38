package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.config.DeskConfig;
import org.guestcrm.desk.config.DeskRules;
import org.guestcrm.desk.domain.LeadStatus;
import org.guestcrm.desk.domain.TaskKind;
import org.guestcrm.desk.persistence.DocumentEntity;
import org.guestcrm.desk.persistence.LeadEntity;
import org.guestcrm.desk.persistence.QuoteEntity;
import org.guestcrm.desk.persistence.TaskEntity;
import org.guestcrm.platform.intake.Failures;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The desk's clockwork, every {@code desk.sweep.every} on every replica: tasks past their due time become OVERDUE;
 * an open quote within {@code desk.quotes.follow-up-before} of its expiry raises a QUOTE_FOLLOW_UP task; an open quote
 * past its validity expires; a document still DUE at its due time is late (alert and task). Rows are claimed {@code FOR UPDATE SKIP LOCKED}, so replicas and the intake never wait
 * for each other and nothing is done twice. {@link #runOnce(Instant)} is one pass at a given time.
 */
@ApplicationScoped
public class DeskSweep {

    private static final Logger LOG = Logger.getLogger(DeskSweep.class);

    @Inject
    EntityManager entityManager;
    @Inject
    TaskLedger tasks;
    @Inject
    DeskConfig config;
    @Inject
    DeskRules rules;
    @Inject
    DeskClock clock;
    @Inject
    MeterRegistry meters;
    @Inject
    DocumentDesk documents;
    @Inject
    CommunicationProgress progress;

    private volatile boolean progressUnknown;

    private volatile boolean failing;

    @Scheduled(every = "${desk.sweep.every}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            runOnce(clock.now());
            if (failing) {
                failing = false;
                LOG.info("The desk sweep runs again.");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warnf("The desk sweep failed (%s); retrying every tick, logged once.", Failures.describe(e));
            }
        }
    }

    /** One pass at {@code now}: the number of tasks marked overdue, follow-ups raised and quotes expired. */
    public int runOnce(Instant now) {
        int changed = 0;
        int round;
        do {
            round = QuarkusTransaction.requiringNew().call(() -> markOverdue(now));
            changed += round;
        } while (round == config.sweep().batchSize());
        changed += QuarkusTransaction.requiringNew().call(() -> followUpQuotes(now));
        changed += QuarkusTransaction.requiringNew().call(() -> expireQuotes(now));
        changed += lateDocuments(now);
        return changed;
    }

    @SuppressWarnings("unchecked")
    private int markOverdue(Instant now) {
        List<TaskEntity> due = entityManager.createNativeQuery("""
                select * from task where status = 'OPEN' and due_at <= ?1 order by due_at limit ?2
                for update skip locked""", TaskEntity.class)
                .setParameter(1, now).setParameter(2, config.sweep().batchSize()).getResultList();
        Cause cause = Cause.sweep();
        for (TaskEntity task : due) {
            tasks.overdue(task, now, cause);
            meters.counter("guestcrm.desk.tasks.overdue", "kind", task.kind.name()).increment();
            LOG.debugf("Task %s (%s) of tenant %s hotel %s is overdue (due %s)", task.id, task.kind, task.tenant,
                    task.hotelCode, task.dueAt);
        }
        return due.size();
    }

    @SuppressWarnings("unchecked")
    private int followUpQuotes(Instant now) {
        Instant horizon = now.plus(config.quotes().followUpBefore());
        List<QuoteEntity> expiring = entityManager.createNativeQuery("""
                select * from quote where status = 'OPEN' and not follow_up_raised and valid_until <= ?1
                  and valid_until > ?2 order by valid_until limit ?3 for update skip locked""", QuoteEntity.class)
                .setParameter(1, horizon).setParameter(2, now).setParameter(3, config.sweep().batchSize())
                .getResultList();
        int raised = 0;
        Cause cause = Cause.sweep();
        for (QuoteEntity quote : expiring) {
            LeadEntity lead = lockLeadSkipLocked(quote.leadId);
            if (lead == null) {
                continue; // the intake or a request holds the lead: next pass
            }
            quote.followUpRaised = true;
            quote.updatedAt = now;
            if (lead.status != LeadStatus.OPEN) {
                continue;
            }
            tasks.open(new TaskLedger.NewTask(lead.tenant, lead.hotelCode, TaskKind.QUOTE_FOLLOW_UP, lead.id,
                    quote.id, lead.pmsReservationId, lead.guestId, rules.of(lead.tenant, lead.hotelCode).team(),
                    quote.validUntil, 1, "quote " + quote.id), now, cause);
            raised++;
        }
        return raised;
    }

    @SuppressWarnings("unchecked")
    private int expireQuotes(Instant now) {
        List<QuoteEntity> expired = entityManager.createNativeQuery("""
                select * from quote where status = 'OPEN' and valid_until <= ?1 order by valid_until limit ?2
                for update skip locked""", QuoteEntity.class)
                .setParameter(1, now).setParameter(2, config.sweep().batchSize()).getResultList();
        for (QuoteEntity quote : expired) {
            quote.status = QuoteEntity.EXPIRED;
            quote.updatedAt = now;
        }
        return expired.size();
    }

    /**
     * Documents still DUE at their due time are late, but only those due before what the communications consumer has
     * caught up to ({@link CommunicationProgress}): under load the communication that sent a document may still be in
     * the consumer's lag, and judging it now would open a LATE_DOCUMENT task for a document that was sent. One WARN line
     * per sweep (how many were found late, how many wait for the consumer), never one per document.
     */
    private int lateDocuments(Instant now) {
        java.util.Optional<CommunicationProgress.CaughtUp> caughtUp = QuarkusTransaction.requiringNew()
                .call(() -> progress.caughtUpTo(now));
        if (caughtUp.isEmpty()) {
            if (!progressUnknown) {
                progressUnknown = true;
                LOG.warn("Late documents not judged: how far crm.communications is applied cannot be read from the"
                        + " broker now; logged once until it can.");
            }
            return 0;
        }
        progressUnknown = false;
        Instant until = caughtUp.get().until().isBefore(now) ? caughtUp.get().until() : now;
        int late = 0;
        java.util.Map<String, Integer> byKind = new java.util.TreeMap<>();
        int round;
        do {
            List<DocumentEntity> found = QuarkusTransaction.requiringNew().call(() -> lateDocuments(until, now));
            round = found.size();
            late += round;
            found.forEach(d -> byKind.merge(d.kind.name(), 1, Integer::sum));
        } while (round == config.sweep().batchSize());
        long waiting = until.isBefore(now) ? QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(*) from document where state = 'DUE' and due_at > ?1 and due_at <= ?2")
                .setParameter(1, until).setParameter(2, now).getSingleResult()).longValue()) : 0;
        if (late > 0 || waiting > 0) {
            // One line per sweep: WARN when documents were found late, INFO when they only wait for the consumer.
            LOG.logf(late > 0 ? Logger.Level.WARN : Logger.Level.INFO, "Desk sweep: %d document(s) late by their"
                    + " due time %s, LATE_DOCUMENT task(s) opened; %d due document(s) not judged yet:"
                    + " crm.communications is applied up to %s (%d partition(s) behind, lag %d).", late, byKind,
                    waiting, until, caughtUp.get().behind(), caughtUp.get().lag());
        }
        return late;
    }

    @SuppressWarnings("unchecked")
    private List<DocumentEntity> lateDocuments(Instant until, Instant now) {
        List<DocumentEntity> late = entityManager.createNativeQuery("""
                select * from document where state = 'DUE' and due_at <= ?1 order by due_at limit ?2
                for update skip locked""", DocumentEntity.class)
                .setParameter(1, until).setParameter(2, config.sweep().batchSize()).getResultList();
        Cause cause = Cause.sweep();
        for (DocumentEntity document : late) {
            documents.late(document, "not sent by its due time", now, cause);
        }
        return late;
    }

    @SuppressWarnings("unchecked")
    private LeadEntity lockLeadSkipLocked(UUID leadId) {
        List<LeadEntity> found = entityManager.createNativeQuery(
                "select * from lead where id = ?1 for update skip locked", LeadEntity.class)
                .setParameter(1, leadId).getResultList();
        return found.isEmpty() ? null : found.getFirst();
    }
}
