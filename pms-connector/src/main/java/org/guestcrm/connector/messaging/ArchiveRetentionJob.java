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
 * longer ago than that, in chunks of {@code connector.retention.batch-size} rows, one transaction per chunk (so a large
 * backlog never holds one long transaction or lock). An inbound message an outbox row still names (events not sent, or
 * sent less than {@code connector.retention.sent-outbox} ago) is kept until that row is gone. Each chunk takes the
 * retention advisory lock for its transaction, so replicas never delete the same rows at once. Runs every
 * {@code connector.retention.archive-every}; {@link #runOnce} is the direct trigger.
 */
@ApplicationScoped
public class ArchiveRetentionJob {

    private static final Logger LOG = Logger.getLogger(ArchiveRetentionJob.class);
    /** Chunks per table and pass at most: a pass ends; the next one goes on. */
    static final int MAX_CHUNKS = 10_000;

    /** What one pass deleted, and in how many transactions (chunks). */
    public record Outcome(long inboundDeleted, long refusedDeleted, int chunks) {
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
        long inbound = 0;
        long refused = 0;
        int chunks = 0;
        for (int i = 0; i < MAX_CHUNKS; i++) {
            int deleted = chunk(INBOUND, defaultDays, chunkSize);
            if (deleted < 0) {
                break;
            }
            chunks++;
            inbound += deleted;
            if (deleted < chunkSize) {
                break;
            }
        }
        for (int i = 0; i < MAX_CHUNKS; i++) {
            int deleted = chunk(REFUSED, defaultDays, chunkSize);
            if (deleted < 0) {
                break;
            }
            chunks++;
            refused += deleted;
            if (deleted < chunkSize) {
                break;
            }
        }
        if (inbound > 0) {
            meters.counter("connector.archive.retention.deleted", "table", "inbound_message").increment(inbound);
        }
        if (refused > 0) {
            meters.counter("connector.archive.retention.deleted", "table", "refused_message").increment(refused);
        }
        if (inbound + refused > 0) {
            LOG.infof("Archive retention deleted %d inbound and %d refused message(s) in %d transaction(s).", inbound,
                    refused, chunks);
        }
        return new Outcome(inbound, refused, chunks);
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
