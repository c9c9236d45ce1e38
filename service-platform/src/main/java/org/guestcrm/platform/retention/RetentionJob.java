package org.guestcrm.platform.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.guestcrm.platform.persistence.DatabaseLocks;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Keeps {@code outbox_event} and {@code processed_event} from growing forever: deletes outbox rows sent longer ago
 * than {@link RetentionPolicy.Settings#sentOutbox()} (never an unsent one) and processed-event rows older than
 * {@link RetentionPolicy.Settings#processedEvents()}. Runs on its own thread every
 * {@link RetentionPolicy.Settings#every()}, in transactions of at most {@code batchSize} rows. Each transaction takes
 * {@code pg_try_advisory_xact_lock(lockKey)}; a replica that does not get it ends its pass, another one is at work.
 * Deleting a row twice is harmless anyway. Counts deleted rows in {@code guestcrm.retention.deleted.rows} (tag
 * {@code table}). Starts only in a service that provides a {@link RetentionPolicy}.
 * <p>
 * The same pass deletes the platform's audit trail ({@code audit_event}: who did what, for which tenant, from which
 * address) once it is older than {@code guestcrm.audit.retention} (default 400 days: a year of audits plus a
 * reporting month; the source address is personal data and must not be kept for ever).
 */
@ApplicationScoped
public class RetentionJob {

    /** The first pass runs this long after start at the latest (sooner when {@code every} is shorter). */
    public static final Duration FIRST_PASS_AT_MOST = Duration.ofMinutes(5);

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    @Inject
    Instance<RetentionPolicy> policies;
    @Inject
    DatabaseLocks locks;
    @Inject
    EntityManager entityManager;
    @Inject
    MeterRegistry meters;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "guestcrm.audit.retention", defaultValue = "P400D")
    Duration auditRetention;

    private RetentionPolicy.Settings settings;
    private ScheduledExecutorService executor;
    private Counter outboxDeleted;
    private Counter processedDeleted;
    private Counter auditDeleted;

    /** What one pass deleted; {@code complete} is false when another replica held the lock (or on shutdown). */
    public record Pass(long sentOutboxRowsDeleted, long processedEventsDeleted, boolean complete, long auditEventsDeleted) {

        public Pass(long sentOutboxRowsDeleted, long processedEventsDeleted, boolean complete) {
            this(sentOutboxRowsDeleted, processedEventsDeleted, complete, 0);
        }
    }

    void start(@Observes StartupEvent startup) {
        if (!policies.isResolvable()) {
            return;
        }
        settings = policies.get().settings();
        outboxDeleted = meters.counter("guestcrm.retention.deleted.rows", "table", "outbox_event");
        processedDeleted = meters.counter("guestcrm.retention.deleted.rows", "table", "processed_event");
        auditDeleted = meters.counter("guestcrm.retention.deleted.rows", "table", "audit_event");
        if (auditRetention.isNegative() || auditRetention.isZero()) {
            throw new IllegalArgumentException("guestcrm.audit.retention must be positive, was " + auditRetention);
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, settings.jobName());
            thread.setDaemon(true);
            return thread;
        });
        long everyMillis = settings.every().toMillis();
        long firstMillis = Math.min(everyMillis, FIRST_PASS_AT_MOST.toMillis());
        executor.scheduleWithFixedDelay(this::scheduledPass, firstMillis, everyMillis, TimeUnit.MILLISECONDS);
        LOG.infof("Retention keeps sent outbox events for %s, processed events for %s and audit events for %s; a pass every %s.",
                settings.sentOutbox(), settings.processedEvents().map(Duration::toString).orElse("(no table)"),
                auditRetention, settings.every());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void scheduledPass() {
        try {
            runOnce(Instant.now());
        } catch (RuntimeException e) {
            // Keep the schedule alive: whatever was not deleted now is deleted at the next pass.
            LOG.warnf("Retention pass failed; it is tried again in %s: %s", settings.every(), e.toString());
        }
    }

    /**
     * One pass as of {@code now}: batch after batch until nothing expired is left or another replica holds the lock.
     */
    public Pass runOnce(Instant now) {
        if (settings == null) {
            throw new IllegalStateException("No RetentionPolicy bean: this service has no retention job");
        }
        Instant sentBefore = now.minus(settings.sentOutbox());
        long outbox = 0;
        int deleted;
        while ((deleted = inOwnTransaction(() -> deleteSentOutboxBatch(sentBefore))) > 0) {
            outbox += deleted;
            outboxDeleted.increment(deleted);
            if (Thread.currentThread().isInterrupted()) {
                return new Pass(outbox, 0, false);
            }
        }
        boolean complete = deleted == 0;
        long processed = 0;
        if (complete && settings.processedEvents().isPresent()) {
            Instant processedBefore = now.minus(settings.processedEvents().get());
            while ((deleted = inOwnTransaction(() -> deleteProcessedEventBatch(processedBefore))) > 0) {
                processed += deleted;
                processedDeleted.increment(deleted);
                if (Thread.currentThread().isInterrupted()) {
                    return new Pass(outbox, processed, false, 0);
                }
            }
            complete = deleted == 0;
        }
        long audit = 0;
        Instant auditBefore = now.minus(auditRetention);
        if (complete) {
            while ((deleted = inOwnTransaction(() -> deleteAuditBatch(auditBefore))) > 0) {
                audit += deleted;
                auditDeleted.increment(deleted);
                if (Thread.currentThread().isInterrupted()) {
                    return new Pass(outbox, processed, false, audit);
                }
            }
            complete = deleted == 0;
        }
        if (audit > 0) {
            LOG.infof("Retention deleted %d audit event(s) that occurred before %s.", audit, auditBefore);
        }
        if (outbox > 0) {
            LOG.infof("Retention deleted %d outbox event(s) sent before %s.", outbox, sentBefore);
        }
        if (processed > 0) {
            LOG.infof("Retention deleted %d processed event(s) recorded before %s.", processed,
                    now.minus(settings.processedEvents().get()));
        }
        if (!complete) {
            LOG.debugf("Retention pass ended early: another replica holds lock %d.", settings.lockKey());
        }
        return new Pass(outbox, processed, complete, audit);
    }

    /** Rows deleted, or -1 when another replica holds the lock. */
    private int inOwnTransaction(IntSupplier batch) {
        return QuarkusTransaction.requiringNew().call(() -> locks.tryLock(settings.lockKey()) ? batch.getAsInt() : -1);
    }

    private int deleteSentOutboxBatch(Instant sentBefore) {
        // Uses outbox_event_sent_at (partial index on sent_at where sent_at is not null).
        return entityManager.createNativeQuery("""
                        delete from outbox_event where id in (
                            select id from outbox_event
                            where sent_at is not null and sent_at < :sentBefore
                            order by sent_at limit :batchSize
                            for update skip locked)""")
                .setParameter("sentBefore", sentBefore)
                .setParameter("batchSize", settings.batchSize())
                .executeUpdate();
    }

    private int deleteProcessedEventBatch(Instant processedBefore) {
        // Uses processed_event_processed_at (index on processed_at).
        return entityManager.createNativeQuery("""
                        delete from processed_event where (consumer, event_id) in (
                            select consumer, event_id from processed_event
                            where processed_at < :processedBefore
                            order by processed_at limit :batchSize
                            for update skip locked)""")
                .setParameter("processedBefore", processedBefore)
                .setParameter("batchSize", settings.batchSize())
                .executeUpdate();
    }

    private int deleteAuditBatch(Instant occurredBefore) {
        // Uses audit_event_occurred_at.
        return entityManager.createNativeQuery("""
                        delete from audit_event where id in (
                            select id from audit_event
                            where occurred_at < :occurredBefore
                            order by occurred_at limit :batchSize
                            for update skip locked)""")
                .setParameter("occurredBefore", occurredBefore)
                .setParameter("batchSize", settings.batchSize())
                .executeUpdate();
    }
}
