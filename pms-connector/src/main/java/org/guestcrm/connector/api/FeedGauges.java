package org.guestcrm.connector.api;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.guestcrm.connector.persistence.WriteBackJobs;
import org.guestcrm.platform.intake.Failures;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Per-feed gauges for the ops people, refreshed from the database every {@code connector.metrics.refresh-every} (so
 * every replica reports the same values, whichever replica took the message):
 * <ul>
 *   <li>{@code connector_feed_last_message_timestamp_seconds{feed}}: when the feed's newest accepted message arrived
 *       (Unix seconds; push, webhook fetch or poll page; absent until the feed sent one);</li>
 *   <li>{@code connector_webhook_fetches_pending{feed}}, {@code connector_webhook_fetches_failed{feed}};</li>
 *   <li>{@code connector_write_backs_pending{feed}}, {@code connector_write_backs_failed{feed}}.</li>
 * </ul>
 * Every feed that is not deleted has the four counts (0 when none); a deleted feed's gauges are removed.
 */
@ApplicationScoped
public class FeedGauges {

    private static final Logger LOG = Logger.getLogger(FeedGauges.class);

    /** The current values of one feed, read by its gauges. */
    static final class FeedValues {
        volatile double lastMessageSeconds = Double.NaN;
        volatile double fetchesPending;
        volatile double fetchesFailed;
        volatile double writeBacksPending;
        volatile double writeBacksFailed;
        final List<Gauge> gauges = new java.util.ArrayList<>();
        Gauge lastMessage;
    }

    @Inject
    EntityManager entityManager;
    @Inject
    WriteBackJobs writeBacks;
    @Inject
    MeterRegistry meters;

    private final Map<String, FeedValues> feeds = new ConcurrentHashMap<>();
    private volatile String lastError;

    @Scheduled(every = "${connector.metrics.refresh-every:15s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "connector-feed-gauges")
    void refresh() {
        try {
            QuarkusTransaction.requiringNew().run(this::measure);
            if (lastError != null) {
                LOG.info("The per-feed gauges can be measured again.");
            }
            lastError = null;
        } catch (RuntimeException e) {
            if (lastError == null) {
                LOG.warnf("The per-feed gauges cannot be measured now (%s); they keep their last values.",
                        Failures.describe(e));
            }
            lastError = Failures.describe(e);
        }
    }

    private void measure() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select f.feed_id, (select max(m.received_at) from inbound_message m where m.feed_id = f.feed_id)
                        from feed f where f.deleted_at is null""").getResultList();
        @SuppressWarnings("unchecked")
        List<Object[]> fetchRows = entityManager.createNativeQuery("""
                        select feed_id, count(*) filter (where state = 'PENDING'), count(*) filter (where state = 'FAILED')
                        from webhook_fetch where state in ('PENDING', 'FAILED') group by feed_id""").getResultList();
        Map<String, long[]> fetches = new java.util.HashMap<>();
        for (Object[] row : fetchRows) {
            fetches.put((String) row[0], new long[] {((Number) row[1]).longValue(), ((Number) row[2]).longValue()});
        }
        Map<String, WriteBackJobs.Counts> jobs = writeBacks.countsByFeed();
        Set<String> seen = new HashSet<>();
        for (Object[] row : rows) {
            String feedId = (String) row[0];
            seen.add(feedId);
            FeedValues values = feeds.computeIfAbsent(feedId, this::register);
            Instant last = toInstant(row[1]);
            values.lastMessageSeconds = last == null ? Double.NaN : last.toEpochMilli() / 1000.0;
            if (last != null && values.lastMessage == null) {
                values.lastMessage = Gauge.builder("connector.feed.last.message.timestamp", values, v -> v.lastMessageSeconds)
                        .baseUnit("seconds").tags(Tags.of("feed", feedId))
                        .description("When the feed's newest accepted message arrived (Unix time)").register(meters);
            }
            long[] f = fetches.getOrDefault(feedId, new long[2]);
            values.fetchesPending = f[0];
            values.fetchesFailed = f[1];
            WriteBackJobs.Counts w = jobs.getOrDefault(feedId, new WriteBackJobs.Counts(0, 0));
            values.writeBacksPending = w.pending();
            values.writeBacksFailed = w.failed();
        }
        for (String feedId : List.copyOf(feeds.keySet())) {
            if (!seen.contains(feedId)) {
                FeedValues gone = feeds.remove(feedId);
                gone.gauges.forEach(meters::remove);
                if (gone.lastMessage != null) {
                    meters.remove(gone.lastMessage);
                }
            }
        }
    }

    private FeedValues register(String feedId) {
        FeedValues values = new FeedValues();
        Tags tags = Tags.of("feed", feedId);
        values.gauges.add(Gauge.builder("connector.webhook.fetches.pending", values, v -> v.fetchesPending).tags(tags)
                .description("Webhook fetches of the feed waiting to be fetched (incl. retrying)").register(meters));
        values.gauges.add(Gauge.builder("connector.webhook.fetches.failed", values, v -> v.fetchesFailed).tags(tags)
                .description("Webhook fetches of the feed that failed for good").register(meters));
        values.gauges.add(Gauge.builder("connector.write.backs.pending", values, v -> v.writeBacksPending).tags(tags)
                .description("Write-back jobs of the feed not yet taken by its PMS (incl. retrying)").register(meters));
        values.gauges.add(Gauge.builder("connector.write.backs.failed", values, v -> v.writeBacksFailed).tags(tags)
                .description("Write-back jobs of the feed that failed for good").register(meters));
        return values;
    }

    private static Instant toInstant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return null;
    }
}
