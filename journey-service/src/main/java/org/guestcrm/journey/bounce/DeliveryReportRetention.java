package org.guestcrm.journey.bounce;

import java.time.Clock;
import java.time.Instant;

import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.platform.intake.Failures;
import org.guestcrm.platform.persistence.DatabaseLocks;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Keeps {@code delivery_report} from growing forever, the way service-platform's RetentionJob keeps the outbox and
 * processed events (which knows only those tables): every {@code journey.retention.delivery-reports-every} the rows
 * received longer ago than {@code journey.retention.delivery-reports} (90 days) on the service's clock are deleted,
 * {@code journey.retention.batch-size} per transaction, each transaction under a PostgreSQL advisory lock so one
 * replica deletes at a time (another replica's pass finds the lock taken and stops). The rows hold no address (reasons
 * are masked); the set-aside reports themselves stay in the mailbox's folder until an operator empties it.
 * Counted in {@code guestcrm.retention.deleted.rows{table=delivery_report}}.
 */
@ApplicationScoped
public class DeliveryReportRetention {

    private static final Logger LOG = Logger.getLogger(DeliveryReportRetention.class);

    @Inject
    JourneyConfig config;

    @Inject
    EntityManager entityManager;

    @Inject
    DatabaseLocks locks;

    @Inject
    MeterRegistry meters;

    @Inject
    Clock clock;

    private Counter deleted;

    @PostConstruct
    void init() {
        deleted = meters.counter("guestcrm.retention.deleted.rows", "table", "delivery_report");
    }

    @Scheduled(every = "${journey.retention.delivery-reports-every:1h}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduledPass() {
        try {
            purgeReceivedBefore(clock.instant().minus(config.retention().deliveryReports()));
        } catch (RuntimeException e) {
            // What a batch deleted stays deleted; the rest goes at the next pass.
            LOG.warnf("Delivery report retention failed (%s); the next pass tries again.", Failures.describe(e));
        }
    }

    /** Deletes the reports received before {@code cutoff}, batch after batch; returns how many it deleted. */
    public long purgeReceivedBefore(Instant cutoff) {
        int batchSize = config.retention().batchSize();
        long total = 0;
        while (true) {
            int batch = QuarkusTransaction.requiringNew().call(() -> locks.tryLock(
                    config.retention().deliveryReportsLockKey()) ? deleteBatch(cutoff, batchSize) : -1);
            if (batch <= 0) {
                break;
            }
            total += batch;
            deleted.increment(batch);
            if (batch < batchSize) {
                break;
            }
        }
        if (total > 0) {
            LOG.infof("Retention deleted %d delivery report(s) received before %s.", total, cutoff);
        }
        return total;
    }

    private int deleteBatch(Instant cutoff, int batchSize) {
        // Uses delivery_report_received_at (V33).
        return entityManager.createNativeQuery("""
                        DELETE FROM delivery_report WHERE report_key IN (
                            SELECT report_key FROM delivery_report WHERE received_at < :cutoff LIMIT :batch)
                        """)
                .setParameter("cutoff", cutoff)
                .setParameter("batch", batchSize)
                .executeUpdate();
    }
}
