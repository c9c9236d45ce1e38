package org.guestcrm.optout.persistence;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.platform.persistence.DatabaseLocks;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Deletes the personal-data rows this service keeps only for a while ({@code optout.retention.*}): erasure
 * confirmations and address changes (the new address to verify) used or expired longer ago than {@code erasure-confirmations} (with the mails naming them), mailed
 * links' rows older than {@code link-mails}, link requests (rate limits) older than {@code link-requests}, the guests'
 * pages' trail and their corrections and downloads older than {@code guest-activity} (an erasure's record is kept),
 * pauses ended longer ago than {@code ended-pauses}. Every {@code optout.retention.every}, in transactions of at most
 * {@code batch-size} rows, each under {@code pg_try_advisory_xact_lock(personal-data-lock-key)}: a replica that does
 * not get it ends its pass (another one is at work). Counted in {@code optout.retention.deleted.rows} (tag
 * {@code table}). Nothing here runs per reservation or per consumed record.
 */
@ApplicationScoped
public class PersonalDataRetention {

    private static final Logger LOG = Logger.getLogger(PersonalDataRetention.class);

    /** The tables in the order they are cleaned (a mail row before the confirmation it names). */
    public static final java.util.List<String> TABLES = java.util.List.of("preference_link_mail", "erasure_confirmation", "email_change",
            "link_request", "guest_activity", "guest_request", "marketing_pause");

    @Inject
    OptoutConfig config;
    @Inject
    EntityManager em;
    @Inject
    DatabaseLocks locks;
    @Inject
    MeterRegistry meters;

    /** What one pass deleted per table; {@code complete} is false when another replica held the lock. */
    public record Pass(Map<String, Long> deleted, boolean complete) {
        public long total() {
            return deleted.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    void check(@Observes StartupEvent startup) {
        if (config.retention().linkRequests().compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalStateException("optout.retention.link-requests must be at least 1h (the rate limits count an hour), was "
                    + config.retention().linkRequests());
        }
    }

    @Scheduled(every = "${optout.retention.every:1h}", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledPass() {
        try {
            Pass pass = runOnce(Instant.now());
            if (pass.total() > 0) {
                LOG.infof("Personal-data retention deleted %s.", pass.deleted());
            }
        } catch (RuntimeException e) {
            // Whatever was not deleted now is deleted at the next pass.
            LOG.warnf("Personal-data retention pass failed; it is tried again at the next one: %s", e.toString());
        }
    }

    /** One pass as of {@code now}: every table batch after batch until nothing expired is left or the lock is taken. */
    public Pass runOnce(Instant now) {
        OptoutConfig.Retention r = config.retention();
        Map<String, Timestamp> before = Map.of(
                ":confirmationsBefore", Timestamp.from(now.minus(r.erasureConfirmations())),
                ":mailsBefore", Timestamp.from(now.minus(r.linkMails())),
                ":requestsBefore", Timestamp.from(now.minus(r.linkRequests())),
                ":activityBefore", Timestamp.from(now.minus(r.guestActivity())),
                ":pausesBefore", Timestamp.from(now.minus(r.endedPauses())));
        Map<String, String> conditions = new LinkedHashMap<>();
        conditions.put("preference_link_mail", "created_at < :mailsBefore or confirmation_id in (select id from"
                + " erasure_confirmation where coalesce(used_at, expires_at) < :confirmationsBefore)"
                + " or email_change_id in (select id from email_change where coalesce(used_at, expires_at) < :confirmationsBefore)");
        conditions.put("erasure_confirmation", "coalesce(used_at, expires_at) < :confirmationsBefore");
        conditions.put("email_change", "coalesce(used_at, expires_at) < :confirmationsBefore");
        conditions.put("link_request", "requested_at < :requestsBefore");
        conditions.put("guest_activity", "occurred_at < :activityBefore");
        conditions.put("guest_request", "kind <> 'ERASURE' and requested_at < :activityBefore");
        conditions.put("marketing_pause", "resumed_at is not null and resumed_at < :pausesBefore");
        Map<String, Long> deleted = new LinkedHashMap<>();
        for (Map.Entry<String, String> table : conditions.entrySet()) {
            String sql = "delete from " + table.getKey() + " where id in (select id from " + table.getKey() + " where "
                    + table.getValue() + " limit :batchSize for update skip locked)";
            long sum = 0;
            int n;
            while ((n = QuarkusTransaction.requiringNew().call(() -> locks.tryLock(r.personalDataLockKey())
                    ? deleteBatch(sql, before, r.batchSize()) : -1)) > 0) {
                sum += n;
            }
            deleted.put(table.getKey(), sum);
            if (sum > 0) {
                meters.counter("optout.retention.deleted.rows", "table", table.getKey()).increment(sum);
            }
            if (n < 0) {
                LOG.debugf("Personal-data retention pass ended early: another replica holds lock %d.", r.personalDataLockKey());
                return new Pass(deleted, false);
            }
        }
        return new Pass(deleted, true);
    }

    private int deleteBatch(String sql, Map<String, Timestamp> before, int batchSize) {
        var query = em.createNativeQuery(sql).setParameter("batchSize", batchSize);
        before.forEach((name, value) -> {
            if (sql.contains(name)) {
                query.setParameter(name.substring(1), value);
            }
        });
        return query.executeUpdate();
    }
}
