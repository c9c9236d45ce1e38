package org.guestcrm.connector.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The polling state of JSON_POLLING feeds (tables {@code feed_poll}, {@code poll_rejection}, V17): the persisted cursor,
 * when to poll next, a replica's lease on a feed, failures. The cursor is advanced in the transaction of a page's events.
 */
@ApplicationScoped
public class FeedPolls {

    /** A feed due for a poll, claimed with a lease. */
    public record Due(String feedId, String cursor, int attempts, int intervalSeconds) {
    }

    /** A change of a page that was refused: the reservation id it named and the fields at fault (never values). */
    public record Rejection(int itemIndex, String pmsReservationId, String fields) {
    }

    /** What the API shows. */
    public record Status(String feedId, String cursor, Instant lastPolledAt, Instant nextPollAt, int attempts,
                         String lastError, long changesReceived, long changesRejected, List<Rejected> rejections) {
    }

    public record Rejected(String cursor, int itemIndex, String pmsReservationId, String fields, Instant rejectedAt) {
    }

    @Inject
    EntityManager entityManager;

    /** Claims one due polled feed (active, with PMS API settings) with a lease; rows held by another replica are skipped. */
    @Transactional
    public Optional<Due> claim(Instant leaseUntil, int defaultIntervalSeconds) {
        entityManager.createNativeQuery("""
                        insert into feed_poll (feed_id)
                        select f.feed_id from feed f join feed_pms_api a on a.feed_id = f.feed_id
                        where f.kind = 'JSON_POLLING' and f.deleted_at is null
                        on conflict do nothing""").executeUpdate();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select p.feed_id, p.poll_cursor, p.attempts, coalesce(a.poll_interval_seconds, -1)
                        from feed_poll p join feed f on f.feed_id = p.feed_id join feed_pms_api a on a.feed_id = p.feed_id
                        where f.kind = 'JSON_POLLING' and f.enabled and f.deleted_at is null
                          and p.next_poll_at <= now() and (p.lease_until is null or p.lease_until < now())
                        order by p.next_poll_at
                        limit 1
                        for update of p skip locked""").getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = rows.getFirst();
        String feedId = (String) row[0];
        entityManager.createNativeQuery("update feed_poll set lease_until = :until where feed_id = :feed")
                .setParameter("until", leaseUntil).setParameter("feed", feedId).executeUpdate();
        int interval = ((Number) row[3]).intValue();
        return Optional.of(new Due(feedId, (String) row[1], ((Number) row[2]).intValue(),
                interval > 0 ? interval : defaultIntervalSeconds));
    }

    /** One page applied: the cursor moves on, in the transaction of the page's events. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void advance(String feedId, String fromCursor, String toCursor, int received, List<Rejection> rejections) {
        for (Rejection rejection : rejections) {
            entityManager.createNativeQuery("""
                            insert into poll_rejection (feed_id, poll_cursor, item_index, pms_reservation_id, fields, rejected_at)
                            values (:feed, :cursor, :index, :id, :fields, now()) on conflict do nothing""")
                    .setParameter("feed", feedId).setParameter("cursor", fromCursor)
                    .setParameter("index", rejection.itemIndex())
                    .setParameter("id", rejection.pmsReservationId() == null ? "" : rejection.pmsReservationId())
                    .setParameter("fields", truncate(rejection.fields(), 1000)).executeUpdate();
        }
        entityManager.createNativeQuery("""
                        update feed_poll set poll_cursor = :cursor, changes_received = changes_received + :received,
                            changes_rejected = changes_rejected + :rejected
                        where feed_id = :feed""")
                .setParameter("cursor", toCursor).setParameter("received", received)
                .setParameter("rejected", rejections.size()).setParameter("feed", feedId).executeUpdate();
    }

    /** The round is over: next poll after the interval. */
    @Transactional
    public void done(String feedId, Instant next) {
        entityManager.createNativeQuery("""
                        update feed_poll set next_poll_at = :next, lease_until = null, attempts = 0, last_error = null,
                            last_polled_at = now()
                        where feed_id = :feed""")
                .setParameter("next", next).setParameter("feed", feedId).executeUpdate();
    }

    /** The poll failed: tried again at {@code next}, the cursor where it was. */
    @Transactional
    public void retryAt(String feedId, Instant next, String reason) {
        entityManager.createNativeQuery("""
                        update feed_poll set next_poll_at = :next, lease_until = null, attempts = attempts + 1,
                            last_error = :reason
                        where feed_id = :feed""")
                .setParameter("next", next).setParameter("reason", truncate(reason, 500)).setParameter("feed", feedId)
                .executeUpdate();
    }

    @Transactional
    public Status status(String feedId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select poll_cursor, last_polled_at, next_poll_at, attempts, last_error, changes_received, changes_rejected
                        from feed_poll where feed_id = :feed""").setParameter("feed", feedId).getResultList();
        @SuppressWarnings("unchecked")
        List<Object[]> rejected = entityManager.createNativeQuery("""
                        select poll_cursor, item_index, pms_reservation_id, fields, rejected_at from poll_rejection
                        where feed_id = :feed order by rejected_at desc, item_index limit 50""")
                .setParameter("feed", feedId).getResultList();
        List<Rejected> rejections = rejected.stream().map(r -> new Rejected((String) r[0], ((Number) r[1]).intValue(),
                (String) r[2], (String) r[3], instant(r[4]))).toList();
        if (rows.isEmpty()) {
            return new Status(feedId, null, null, null, 0, null, 0, 0, rejections);
        }
        Object[] r = rows.getFirst();
        return new Status(feedId, (String) r[0], instant(r[1]), instant(r[2]), ((Number) r[3]).intValue(), (String) r[4],
                ((Number) r[5]).longValue(), ((Number) r[6]).longValue(), rejections);
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
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
