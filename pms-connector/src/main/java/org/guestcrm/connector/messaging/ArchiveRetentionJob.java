package org.guestcrm.connector.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.guestcrm.connector.config.ConnectorConfig;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Bounded retention of the raw archive: deletes {@code inbound_message} rows received longer ago than their feed's
 * {@code archive_retention_days} (else {@code connector.retention.archive}) and {@code refused_message} rows last refused
 * longer ago than that, and the refused rows of polls ({@code poll_rejection}, by refusal time) and of finished history
 * imports ({@code import_rejection}, by the job's end) by the same retention, in chunks of
 * {@code connector.retention.batch-size} rows, one transaction per chunk (so a large backlog never holds one long
 * transaction or lock). An inbound message an outbox row still names (events not sent, or
 * sent less than {@code connector.retention.sent-outbox} ago) is kept until that row is gone. Each chunk takes the
 * retention advisory lock for its transaction, so replicas never delete the same rows at once. Runs every
 * {@code connector.retention.archive-every}; {@link #runOnce} is the direct trigger.
 */
@ApplicationScoped
public class ArchiveRetentionJob {

    private static final Logger LOG = Logger.getLogger(ArchiveRetentionJob.class);
    /** Chunks per table and pass at most: a pass ends; the next one goes on. */
    static final int MAX_CHUNKS = 10_000;

    /**
     * What one pass deleted, and in how many transactions (chunks): raw archive rows, and the refused rows of polls
     * ({@code poll_rejection}) and of history imports ({@code import_rejection}).
     */
    public record Outcome(long inboundDeleted, long refusedDeleted, long pollRejectionsDeleted,
                          long importRejectionsDeleted, int chunks) {
    }

    @Inject
    EntityManager entityManager;
    @Inject
    ConnectorConfig config;
    @Inject
    MeterRegistry meters;

    @Scheduled(every = "${connector.retention.archive-every:1h}", delayed = "5m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "connector-archive-retention")
    void scheduled() {
        try {
            runOnce(config.retention().batchSize());
        } catch (RuntimeException e) {
            LOG.warnf("The archive retention pass failed (%s); it runs again at the next interval.",
                    e.getClass().getSimpleName());
        }
    }

    /** One pass over every feed, {@code chunkSize} rows per transaction. */
    public Outcome runOnce(int chunkSize) {
        long defaultDays = Math.max(1, config.retention().archive().toDays());
        int[] chunks = {0};
        long inbound = table(INBOUND, defaultDays, chunkSize, chunks);
        long refused = table(REFUSED, defaultDays, chunkSize, chunks);
        long pollRejections = table(POLL_REJECTIONS, defaultDays, chunkSize, chunks);
        long importRejections = table(IMPORT_REJECTIONS, defaultDays, chunkSize, chunks);
        counted("inbound_message", inbound);
        counted("refused_message", refused);
        counted("poll_rejection", pollRejections);
        counted("import_rejection", importRejections);
        if (inbound + refused + pollRejections + importRejections > 0) {
            LOG.infof("Archive retention deleted %d inbound and %d refused message(s), %d poll and %d import rejection(s)"
                    + " in %d transaction(s).", inbound, refused, pollRejections, importRejections, chunks[0]);
        }
        return new Outcome(inbound, refused, pollRejections, importRejections, chunks[0]);
    }

    /** Deletes chunk after chunk of one table until a chunk is short (or another replica holds the lock). */
    private long table(String statement, long defaultDays, int chunkSize, int[] chunks) {
        long total = 0;
        for (int i = 0; i < MAX_CHUNKS; i++) {
            int deleted = chunk(statement, defaultDays, chunkSize);
            if (deleted < 0) {
                break;
            }
            chunks[0]++;
            total += deleted;
            if (deleted < chunkSize) {
                break;
            }
        }
        return total;
    }

    private void counted(String table, long deleted) {
        if (deleted > 0) {
            meters.counter("connector.archive.retention.deleted", "table", table).increment(deleted);
        }
    }

    private static final String INBOUND = """
            delete from inbound_message where message_id in (
                select m.message_id from inbound_message m join feed f on f.feed_id = m.feed_id
                where m.received_at < now() - make_interval(days => coalesce(f.archive_retention_days, :defaultDays))
                  and not exists (select 1 from outbox_event o where o.message_id = m.message_id)
                limit :chunk
                for update of m skip locked)""";

    private static final String REFUSED = """
            delete from refused_message where refused_id in (
                select r.refused_id from refused_message r join feed f on f.feed_id = r.feed_id
                where r.last_refused_at < now() - make_interval(days => coalesce(f.archive_retention_days, :defaultDays))
                limit :chunk
                for update of r skip locked)""";

    /** Refused changes of polled feeds, by the time they were refused. */
    private static final String POLL_REJECTIONS = """
            delete from poll_rejection p using (
                select r.feed_id, r.poll_cursor, r.item_index from poll_rejection r join feed f on f.feed_id = r.feed_id
                where r.rejected_at < now() - make_interval(days => coalesce(f.archive_retention_days, :defaultDays))
                limit :chunk
                for update of r skip locked) x
            where p.feed_id = x.feed_id and p.poll_cursor = x.poll_cursor and p.item_index = x.item_index""";

    /**
     * Refused rows of history imports that finished (DONE or FAILED) longer ago than the retention: the job and its
     * counters stay, its list of rejections goes (a running job keeps its list).
     */
    private static final String IMPORT_REJECTIONS = """
            delete from import_rejection d using (
                select r.job_id, r.line, r.field from import_rejection r
                join import_job j on j.job_id = r.job_id join feed f on f.feed_id = j.feed_id
                where j.state in ('DONE', 'FAILED') and j.finished_at is not null
                  and j.finished_at < now() - make_interval(days => coalesce(f.archive_retention_days, :defaultDays))
                limit :chunk
                for update of r skip locked) x
            where d.job_id = x.job_id and d.line = x.line and d.field = x.field""";

    /** One chunk in its own transaction; -1 when another replica holds the retention lock. */
    private int chunk(String statement, long defaultDays, int chunkSize) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object locked = entityManager.createNativeQuery("select pg_try_advisory_xact_lock(:key)")
                    .setParameter("key", config.retention().lockKey() + 1).getSingleResult();
            if (!Boolean.TRUE.equals(locked)) {
                return -1;
            }
            return entityManager.createNativeQuery(statement)
                    .setParameter("defaultDays", (int) Math.min(Integer.MAX_VALUE, defaultDays))
                    .setParameter("chunk", chunkSize)
                    .executeUpdate();
        });
    }
}
