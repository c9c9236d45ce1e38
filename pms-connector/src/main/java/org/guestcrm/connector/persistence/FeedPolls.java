package org.guestcrm.connector.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The polling state of polled feeds (JSON_POLLING, OTA_POLLING, ALPINEBITS_POLLING; tables {@code feed_poll},
 * {@code poll_rejection}, V17, and {@code poll_pending_ack}, V20): the persisted cursor, when to poll next, a replica's
 * lease on a feed, failures, and the AlpineBits requests still to acknowledge. The cursor is advanced in the transaction
 * of a page's events.
 */
@ApplicationScoped
public class FeedPolls {

    /** A feed due for a poll, claimed with a lease. */
    public record Due(String feedId, String cursor, int attempts, int intervalSeconds) {
    }

    /** A change of a page that was refused: the reservation id it named and the fields at fault (never values). */
    public record Rejection(int itemIndex, String pmsReservationId, String fields) {
    }

    /** What the API shows; {@code hotels}: the per-hotel state of an OTA polled feed (empty for JSON_POLLING). */
    public record Status(String feedId, String cursor, Instant lastPolledAt, Instant nextPollAt, int attempts,
                         String lastError, long changesReceived, long changesRejected, List<Rejected> rejections,
                         long pendingAcknowledgements, List<HotelPoll> hotels) {
    }

    /** One hotel of an OTA polled feed: its own cursor, next poll, failures (table {@code feed_poll_hotel}, V22). */
    public record HotelPoll(String hotelCode, String cursor, Instant nextPollAt, int attempts, String lastError,
                            Instant lastPolledAt) {
    }

    /** An AlpineBits request whose events are committed and whose acknowledgement is still to be sent. */
    public record PendingAck(String hotelCode, String uniqueIdType, String uniqueId) {
    }

    public record Rejected(String cursor, int itemIndex, String pmsReservationId, String fields, Instant rejectedAt) {
    }

    @Inject
    EntityManager entityManager;

    /** Claims one due JSON_POLLING feed. */
    @Transactional
    public Optional<Due> claim(Instant leaseUntil, int defaultIntervalSeconds) {
        return claim(List.of("JSON_POLLING"), leaseUntil, defaultIntervalSeconds);
    }

    /**
     * Claims one due polled feed of one of {@code kinds} (active, with PMS API settings) with a lease; rows held by
     * another replica are skipped.
     */
    @Transactional
    public Optional<Due> claim(List<String> kinds, Instant leaseUntil, int defaultIntervalSeconds) {
        entityManager.createNativeQuery("""
                        insert into feed_poll (feed_id)
                        select f.feed_id from feed f join feed_pms_api a on a.feed_id = f.feed_id
                        where f.kind in (:kinds) and f.deleted_at is null
                        on conflict do nothing""").setParameter("kinds", kinds).executeUpdate();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select p.feed_id, p.poll_cursor, p.attempts, coalesce(a.poll_interval_seconds, -1)
                        from feed_poll p join feed f on f.feed_id = p.feed_id join feed_pms_api a on a.feed_id = p.feed_id
                        where f.kind in (:kinds) and f.enabled and f.deleted_at is null
                          and p.next_poll_at <= now() and (p.lease_until is null or p.lease_until < now())
                        order by p.next_poll_at
                        limit 1
                        for update of p skip locked""").setParameter("kinds", kinds).getResultList();
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
        rejected(feedId, fromCursor, rejections);
        entityManager.createNativeQuery("""
                        update feed_poll set poll_cursor = :cursor, changes_received = changes_received + :received,
                            changes_rejected = changes_rejected + :rejected
                        where feed_id = :feed""")
                .setParameter("cursor", toCursor).setParameter("received", received)
                .setParameter("rejected", rejections.size()).setParameter("feed", feedId).executeUpdate();
    }

    /**
     * One hotel's answer of an OTA polled feed applied, in the transaction of its events: the refused reservations
     * (labelled {@code label}) and the feed's counters; the hotel's cursor moves to {@code toCursor}, its next poll at
     * {@code next} ({@link #hotelAdvanced}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void hotelAnswered(String feedId, String hotelCode, String label, String toCursor, Instant next, int received,
                              List<Rejection> rejections) {
        rejected(feedId, label, rejections);
        entityManager.createNativeQuery("""
                        update feed_poll set changes_received = changes_received + :received,
                            changes_rejected = changes_rejected + :rejected
                        where feed_id = :feed""")
                .setParameter("received", received).setParameter("rejected", rejections.size())
                .setParameter("feed", feedId).executeUpdate();
        hotelAdvanced(feedId, hotelCode, toCursor, next);
    }

    private void rejected(String feedId, String fromCursor, List<Rejection> rejections) {
        for (Rejection rejection : rejections) {
            entityManager.createNativeQuery("""
                            insert into poll_rejection (feed_id, poll_cursor, item_index, pms_reservation_id, fields, rejected_at)
                            values (:feed, :cursor, :index, :id, :fields, now()) on conflict do nothing""")
                    .setParameter("feed", feedId).setParameter("cursor", fromCursor)
                    .setParameter("index", rejection.itemIndex())
                    .setParameter("id", rejection.pmsReservationId() == null ? "" : rejection.pmsReservationId())
                    .setParameter("fields", truncate(rejection.fields(), 1000)).executeUpdate();
        }
    }

    /** The cursor moves on after a round that read every hotel of the feed (OTA_POLLING: the next LastUpdateDate start). */
    @Transactional
    public void moveCursor(String feedId, String toCursor) {
        entityManager.createNativeQuery("update feed_poll set poll_cursor = :cursor where feed_id = :feed")
                .setParameter("cursor", toCursor).setParameter("feed", feedId).executeUpdate();
    }

    /**
     * A hotel taken out of the feed's configuration: its poll state and its AlpineBits acknowledgements still pending
     * are removed (its events are committed already; an acknowledgement would only tell a PMS the connector no longer
     * reads for that hotel what it took). Returns how many hotel rows went.
     */
    @Transactional
    public int forgetHotelsOtherThan(String feedId, List<String> hotelCodes) {
        if (hotelCodes.isEmpty()) {
            return 0;
        }
        entityManager.createNativeQuery("""
                        delete from poll_pending_ack where feed_id = :feed and hotel_code not in (:keep)""")
                .setParameter("feed", feedId).setParameter("keep", hotelCodes).executeUpdate();
        return entityManager.createNativeQuery("""
                        delete from feed_poll_hotel where feed_id = :feed and hotel_code not in (:keep)""")
                .setParameter("feed", feedId).setParameter("keep", hotelCodes).executeUpdate();
    }

    /** The per-hotel state of a feed's hotels that have one (a hotel never polled has none). */
    @Transactional
    public java.util.Map<String, HotelPoll> hotels(String feedId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select hotel_code, poll_cursor, next_poll_at, attempts, last_error, last_polled_at
                        from feed_poll_hotel where feed_id = :feed order by hotel_code""")
                .setParameter("feed", feedId).getResultList();
        java.util.Map<String, HotelPoll> hotels = new java.util.LinkedHashMap<>();
        for (Object[] r : rows) {
            hotels.put((String) r[0], new HotelPoll((String) r[0], (String) r[1], instant(r[2]),
                    ((Number) r[3]).intValue(), (String) r[4], instant(r[5])));
        }
        return hotels;
    }

    /**
     * A hotel's answer applied: its cursor moves on and its next poll is set, in the transaction of its events (a hotel
     * never waits for another).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void hotelAdvanced(String feedId, String hotelCode, String toCursor, Instant next) {
        entityManager.createNativeQuery("""
                        insert into feed_poll_hotel (feed_id, hotel_code, poll_cursor, next_poll_at, attempts, last_error,
                                                     last_polled_at)
                        values (:feed, :hotel, :cursor, :next, 0, null, now())
                        on conflict (feed_id, hotel_code) do update set poll_cursor = excluded.poll_cursor,
                            next_poll_at = excluded.next_poll_at, attempts = 0, last_error = null, last_polled_at = now()""")
                .setParameter("feed", feedId).setParameter("hotel", hotelCode).setParameter("cursor", toCursor)
                .setParameter("next", next).executeUpdate();
    }

    /** A hotel's read or answer failed: tried again at {@code next}, its cursor where it was; the others go on. */
    @Transactional
    public void hotelFailed(String feedId, String hotelCode, Instant next, String reason) {
        entityManager.createNativeQuery("""
                        insert into feed_poll_hotel (feed_id, hotel_code, next_poll_at, attempts, last_error)
                        values (:feed, :hotel, :next, 1, :reason)
                        on conflict (feed_id, hotel_code) do update set next_poll_at = excluded.next_poll_at,
                            attempts = feed_poll_hotel.attempts + 1, last_error = excluded.last_error""")
                .setParameter("feed", feedId).setParameter("hotel", hotelCode).setParameter("next", next)
                .setParameter("reason", truncate(reason, 500)).executeUpdate();
    }

    /**
     * A round of an OTA polled feed is over: the lease released, the feed due again when its first hotel is, its shown
     * cursor the oldest of its hotels', its attempts and last error those of its worst hotel (0 and null when every
     * hotel is well).
     */
    @Transactional
    public void roundDone(String feedId, Instant next, String cursor, int attempts, String lastError) {
        entityManager.createNativeQuery("""
                        update feed_poll set next_poll_at = :next, lease_until = null, attempts = :attempts,
                            last_error = :error, poll_cursor = :cursor, last_polled_at = now()
                        where feed_id = :feed""")
                .setParameter("next", next).setParameter("attempts", attempts)
                .setParameter("error", truncate(lastError, 500)).setParameter("cursor", cursor)
                .setParameter("feed", feedId).executeUpdate();
    }

    /** AlpineBits requests to acknowledge, recorded in the transaction of their events. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void awaitAcknowledgement(String feedId, List<PendingAck> acks) {
        for (PendingAck ack : acks) {
            entityManager.createNativeQuery("""
                            insert into poll_pending_ack (feed_id, hotel_code, unique_id_type, unique_id, recorded_at)
                            values (:feed, :hotel, :type, :id, now()) on conflict do nothing""")
                    .setParameter("feed", feedId).setParameter("hotel", ack.hotelCode())
                    .setParameter("type", ack.uniqueIdType()).setParameter("id", ack.uniqueId()).executeUpdate();
        }
    }

    /** The requests of one hotel still to acknowledge, oldest first. */
    @Transactional
    public List<PendingAck> pendingAcknowledgements(String feedId, String hotelCode) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select hotel_code, unique_id_type, unique_id from poll_pending_ack
                        where feed_id = :feed and hotel_code = :hotel order by recorded_at, unique_id limit 1000""")
                .setParameter("feed", feedId).setParameter("hotel", hotelCode).getResultList();
        return rows.stream().map(r -> new PendingAck((String) r[0], (String) r[1], (String) r[2])).toList();
    }

    /** The PMS took the acknowledgement: those requests are done. */
    @Transactional
    public void acknowledged(String feedId, List<PendingAck> acks) {
        for (PendingAck ack : acks) {
            entityManager.createNativeQuery("""
                            delete from poll_pending_ack
                            where feed_id = :feed and hotel_code = :hotel and unique_id_type = :type and unique_id = :id""")
                    .setParameter("feed", feedId).setParameter("hotel", ack.hotelCode())
                    .setParameter("type", ack.uniqueIdType()).setParameter("id", ack.uniqueId()).executeUpdate();
        }
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
        long pending = ((Number) entityManager.createNativeQuery(
                        "select count(*) from poll_pending_ack where feed_id = :feed").setParameter("feed", feedId)
                .getSingleResult()).longValue();
        // only the hotels the feed names now: one taken out shows no state (the next round removes its row)
        @SuppressWarnings("unchecked")
        List<String> configured = entityManager.createNativeQuery("""
                        select h ->> 'hotelCode' from feed f, jsonb_array_elements(cast(f.hotels as jsonb)) h
                        where f.feed_id = :feed""").setParameter("feed", feedId).getResultList();
        List<HotelPoll> hotels = hotels(feedId).values().stream().filter(h -> configured.contains(h.hotelCode())).toList();
        if (rows.isEmpty()) {
            return new Status(feedId, null, null, null, 0, null, 0, 0, rejections, pending, hotels);
        }
        Object[] r = rows.getFirst();
        return new Status(feedId, (String) r[0], instant(r[1]), instant(r[2]), ((Number) r[3]).intValue(), (String) r[4],
                ((Number) r[5]).longValue(), ((Number) r[6]).longValue(), rejections, pending, hotels);
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
