package org.guestcrm.connector.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.guestcrm.connector.vendor.WebhookNotice;

/**
 * The entities webhooks named and their fetch state (table {@code webhook_fetch}, V16), one row per feed and entity.
 * A notification sets the row PENDING and counts its generation up; the worker claims due rows with a lease, and
 * records FETCHED only for the generation it fetched, so a notification that came in during the fetch leaves the row
 * pending and the entity is fetched again.
 */
@ApplicationScoped
public class WebhookFetches {

    /** A claimed fetch. */
    public record Claim(String feedId, WebhookNotice.EntityType entityType, String entityId, String propertyId,
                        long generation, int attempts) {
    }

    /** A fetch that failed for good, or keeps failing (for the status API and the log). */
    public record Trouble(String entityType, String entityId, String state, int attempts, String lastError,
                          Instant notifiedAt) {
    }

    /** The fetch state of a feed. */
    public record Status(long pending, long fetched, long failed, Instant oldestPendingSince, List<Trouble> troubles) {
    }

    @Inject
    EntityManager entityManager;

    /** Records the notices of one webhook (durably, before it is answered); a notice twice in one message counts once. */
    @Transactional
    public void record(String feedId, List<WebhookNotice> notices) {
        Map<String, WebhookNotice> distinct = new LinkedHashMap<>();
        notices.forEach(n -> distinct.putIfAbsent(n.entityType() + ":" + n.entityId(), n));
        for (WebhookNotice notice : distinct.values()) {
            entityManager.createNativeQuery("""
                            insert into webhook_fetch (feed_id, entity_type, entity_id, last_notice, enterprise_id, state,
                                next_attempt_at, first_notified_at, notified_at)
                            values (:feed, :type, :id, :notice, nullif(:property, ''), 'PENDING', now(), now(), now())
                            on conflict (feed_id, entity_type, entity_id) do update set
                                generation = webhook_fetch.generation + 1,
                                notifications = webhook_fetch.notifications + 1,
                                last_notice = excluded.last_notice,
                                enterprise_id = coalesce(excluded.enterprise_id, webhook_fetch.enterprise_id),
                                notified_at = now(),
                                attempts = case when webhook_fetch.state = 'PENDING' then webhook_fetch.attempts else 0 end,
                                next_attempt_at = case when webhook_fetch.state = 'PENDING'
                                    then webhook_fetch.next_attempt_at else now() end,
                                state = 'PENDING'""")
                    .setParameter("feed", feedId)
                    .setParameter("type", notice.entityType().name())
                    .setParameter("id", notice.entityId())
                    .setParameter("notice", notice.notice())
                    .setParameter("property", notice.propertyId() == null ? "" : notice.propertyId())
                    .executeUpdate();
        }
    }

    /**
     * Claims due fetches with a lease: per feed at most its concurrency ({@code feed_pms_api.max_concurrency}, else
     * {@code defaultConcurrency}) less the fetches this replica already runs for it ({@code busy}), at most {@code max}
     * in all. Rows another replica holds are skipped.
     */
    @Transactional
    public List<Claim> claim(int max, Map<String, Integer> busy, int defaultConcurrency, Instant leaseUntil) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select w.feed_id, w.entity_type, w.entity_id, w.enterprise_id, w.generation, w.attempts,
                               coalesce(a.max_concurrency, -1)
                        from webhook_fetch w left join feed_pms_api a on a.feed_id = w.feed_id
                        where w.state = 'PENDING' and w.next_attempt_at <= now()
                          and (w.lease_until is null or w.lease_until < now())
                        order by w.next_attempt_at
                        limit :limit
                        for update of w skip locked""")
                .setParameter("limit", Math.max(1, max) * 4)
                .getResultList();
        Map<String, Integer> left = new HashMap<>();
        List<Claim> claims = new ArrayList<>();
        for (Object[] row : rows) {
            String feedId = (String) row[0];
            int configured = ((Number) row[6]).intValue();
            int free = left.computeIfAbsent(feedId,
                    f -> (configured > 0 ? configured : defaultConcurrency) - busy.getOrDefault(f, 0));
            if (free <= 0 || claims.size() >= max) {
                continue;
            }
            left.put(feedId, free - 1);
            String property = (String) row[3];
            claims.add(new Claim(feedId, WebhookNotice.EntityType.valueOf((String) row[1]), (String) row[2],
                    property == null || property.isEmpty() ? null : property, ((Number) row[4]).longValue(),
                    ((Number) row[5]).intValue()));
        }
        for (Claim claim : claims) {
            entityManager.createNativeQuery("""
                            update webhook_fetch set lease_until = :until
                            where feed_id = :feed and entity_type = :type and entity_id = :id""")
                    .setParameter("until", leaseUntil).setParameter("feed", claim.feedId())
                    .setParameter("type", claim.entityType().name()).setParameter("id", claim.entityId())
                    .executeUpdate();
        }
        return claims;
    }

    /** The fetched generation is recorded (in the transaction of its events); a newer notification keeps it pending. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void fetched(Claim claim) {
        entityManager.createNativeQuery("""
                        update webhook_fetch set state = case when generation = :generation then 'FETCHED' else 'PENDING' end,
                            attempts = 0, next_attempt_at = now(), lease_until = null, last_error = null, fetched_at = now()
                        where feed_id = :feed and entity_type = :type and entity_id = :id""")
                .setParameter("generation", claim.generation()).setParameter("feed", claim.feedId())
                .setParameter("type", claim.entityType().name()).setParameter("id", claim.entityId())
                .executeUpdate();
    }

    /** A transient failure: tried again at {@code next}. */
    @Transactional
    public void retryAt(Claim claim, Instant next, String reason) {
        entityManager.createNativeQuery("""
                        update webhook_fetch set attempts = attempts + 1, next_attempt_at = :next, lease_until = null,
                            last_error = :reason
                        where feed_id = :feed and entity_type = :type and entity_id = :id""")
                .setParameter("next", next).setParameter("reason", truncate(reason))
                .setParameter("feed", claim.feedId()).setParameter("type", claim.entityType().name())
                .setParameter("id", claim.entityId()).executeUpdate();
    }

    /** A permanent failure: FAILED with the reason, unless a newer notification came in (then it is tried again). */
    @Transactional
    public void failed(Claim claim, String reason) {
        entityManager.createNativeQuery("""
                        update webhook_fetch set state = case when generation = :generation then 'FAILED' else 'PENDING' end,
                            attempts = attempts + 1, next_attempt_at = now(), lease_until = null, last_error = :reason
                        where feed_id = :feed and entity_type = :type and entity_id = :id""")
                .setParameter("generation", claim.generation()).setParameter("reason", truncate(reason))
                .setParameter("feed", claim.feedId()).setParameter("type", claim.entityType().name())
                .setParameter("id", claim.entityId()).executeUpdate();
    }

    @Transactional
    public Status status(String feedId) {
        Object[] counts = (Object[]) entityManager.createNativeQuery("""
                        select count(*) filter (where state = 'PENDING'), count(*) filter (where state = 'FETCHED'),
                               count(*) filter (where state = 'FAILED'), min(notified_at) filter (where state = 'PENDING')
                        from webhook_fetch where feed_id = :feed""")
                .setParameter("feed", feedId).getSingleResult();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select entity_type, entity_id, state, attempts, last_error, notified_at from webhook_fetch
                        where feed_id = :feed and (state = 'FAILED' or (state = 'PENDING' and attempts > 0))
                        order by notified_at desc limit 50""")
                .setParameter("feed", feedId).getResultList();
        List<Trouble> troubles = rows.stream().map(r -> new Trouble((String) r[0], (String) r[1], (String) r[2],
                ((Number) r[3]).intValue(), (String) r[4], instant(r[5]))).toList();
        return new Status(((Number) counts[0]).longValue(), ((Number) counts[1]).longValue(),
                ((Number) counts[2]).longValue(), instant(counts[3]), troubles);
    }

    private static String truncate(String reason) {
        return reason == null || reason.length() <= 500 ? reason : reason.substring(0, 500);
    }

    private static Instant instant(Object value) {
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
        throw new IllegalStateException("not a time: " + value.getClass());
    }
}
