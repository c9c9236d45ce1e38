package org.guestcrm.connector.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The raw archive of a feed: the accepted inbound messages ({@code inbound_message}, card-free payloads) and the refused
 * ones whose body was readable ({@code refused_message}, V19, with the reason), read back in received order for a
 * replay; and the record of every replay ({@code feed_replay}).
 */
@ApplicationScoped
public class RawArchive {

    /** One archived message: stored (accepted when it came) or refused; payload null when none was kept. */
    public record Entry(boolean refused, UUID id, Instant receivedAt, String bodySha256, String messageType,
                        String payload) {
    }

    /** What a replay found, per message. */
    public record Counts(int messages, int reEmitted, int unchanged, int refused, int notReplayable, int eventsEmitted) {
    }

    /** A replay as the API shows it. */
    public record ReplayView(UUID replayId, String feedId, String requestedBy, Instant from, Instant to, int messages,
                             int reEmitted, int unchanged, int refused, int notReplayable, int eventsEmitted,
                             Instant startedAt, Instant finishedAt) {
    }

    @Inject
    EntityManager entityManager;

    /**
     * Keeps a refused body (card-free) with the reason, in its own transaction: the refusal is answered whatever
     * happens here. The same body refused again counts up. {@code reason} names fields, never values.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void refused(String feedId, String bodySha256, String messageType, String reason, String payload) {
        entityManager.createNativeQuery("""
                        insert into refused_message (refused_id, feed_id, received_at, last_refused_at, body_sha256,
                            message_type, reason, masked_payload)
                        values (:id, :feed, now(), now(), :sha, :type, :reason, :payload)
                        on conflict (feed_id, body_sha256) do update set last_refused_at = now(),
                            times_refused = refused_message.times_refused + 1, reason = excluded.reason""")
                .setParameter("id", UUID.nameUUIDFromBytes(("guestcrm:refused:" + feedId + ":" + bodySha256)
                        .getBytes(StandardCharsets.UTF_8)))
                .setParameter("feed", feedId)
                .setParameter("sha", bodySha256)
                .setParameter("type", truncate(messageType, 64))
                .setParameter("reason", truncate(reason, 1000))
                .setParameter("payload", payload)
                .executeUpdate();
    }

    /** Archived messages of the feed received in [from, to): accepted ones and refused ones not accepted since. */
    @Transactional
    public long count(String feedId, Instant from, Instant to) {
        Object count = entityManager.createNativeQuery("""
                        select (select count(*) from inbound_message
                                where feed_id = :feed and received_at >= :from and received_at < :to)
                             + (select count(*) from refused_message
                                where feed_id = :feed and accepted_at is null and received_at >= :from and received_at < :to)""")
                .setParameter("feed", feedId).setParameter("from", from).setParameter("to", to).getSingleResult();
        return ((Number) count).longValue();
    }

    /**
     * The next {@code limit} archived messages of the feed in [from, to) after ({@code afterAt}, {@code afterId}), in
     * received order (ties by id).
     */
    @Transactional
    public List<Entry> page(String feedId, Instant from, Instant to, Instant afterAt, UUID afterId, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select * from (
                            select false as refused, message_id as id, received_at, body_sha256, message_type, masked_payload
                            from inbound_message
                            where feed_id = :feed and received_at >= :from and received_at < :to
                            union all
                            select true, refused_id, received_at, body_sha256, message_type, masked_payload
                            from refused_message
                            where feed_id = :feed and accepted_at is null and received_at >= :from and received_at < :to
                        ) archived
                        where (received_at, id) > (:afterAt, :afterId)
                        order by received_at, id
                        limit :limit""")
                .setParameter("feed", feedId).setParameter("from", from).setParameter("to", to)
                .setParameter("afterAt", afterAt).setParameter("afterId", afterId).setParameter("limit", limit)
                .getResultList();
        return rows.stream().map(r -> new Entry((Boolean) r[0], (UUID) r[1], Times.instant(r[2]), (String) r[3],
                (String) r[4], (String) r[5])).toList();
    }

    /** A refused message a replay has now accepted (in the replay's transaction): it is an inbound message now. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void accepted(UUID refusedId, UUID messageId) {
        entityManager.createNativeQuery("""
                        update refused_message set accepted_at = now(), accepted_message_id = :message
                        where refused_id = :id""")
                .setParameter("message", messageId).setParameter("id", refusedId).executeUpdate();
    }

    /** A refused message still refused by today's code: its reason now. */
    @Transactional
    public void stillRefused(UUID refusedId, String reason) {
        entityManager.createNativeQuery("update refused_message set reason = :reason where refused_id = :id")
                .setParameter("reason", truncate(reason, 1000)).setParameter("id", refusedId).executeUpdate();
    }

    @Transactional
    public void replayStarted(UUID replayId, String feedId, String tenantId, String requestedBy, Instant from,
                              Instant to, Instant startedAt) {
        entityManager.createNativeQuery("""
                        insert into feed_replay (replay_id, feed_id, tenant_id, requested_by, range_from, range_to, started_at)
                        values (:id, :feed, :tenant, :by, :from, :to, :at)""")
                .setParameter("id", replayId).setParameter("feed", feedId).setParameter("tenant", tenantId)
                .setParameter("by", truncate(requestedBy, 200)).setParameter("from", from).setParameter("to", to)
                .setParameter("at", startedAt).executeUpdate();
    }

    /** The replay's counts so far ({@code finished}: and its end). */
    @Transactional
    public void replayProgress(UUID replayId, Counts counts, boolean finished) {
        entityManager.createNativeQuery("""
                        update feed_replay set messages = :messages, re_emitted = :reEmitted, unchanged = :unchanged,
                            refused = :refused, not_replayable = :notReplayable, events_emitted = :events,
                            finished_at = case when :finished then now() end
                        where replay_id = :id""")
                .setParameter("messages", counts.messages()).setParameter("reEmitted", counts.reEmitted())
                .setParameter("unchanged", counts.unchanged()).setParameter("refused", counts.refused())
                .setParameter("notReplayable", counts.notReplayable()).setParameter("events", counts.eventsEmitted())
                .setParameter("finished", finished).setParameter("id", replayId).executeUpdate();
    }

    /** The feed's newest replays. */
    @Transactional
    public List<ReplayView> replays(String feedId, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select replay_id, feed_id, requested_by, range_from, range_to, messages, re_emitted, unchanged,
                               refused, not_replayable, events_emitted, started_at, finished_at
                        from feed_replay where feed_id = :feed order by started_at desc limit :limit""")
                .setParameter("feed", feedId).setParameter("limit", limit).getResultList();
        return rows.stream().map(r -> new ReplayView((UUID) r[0], (String) r[1], (String) r[2], Times.instant(r[3]),
                Times.instant(r[4]), ((Number) r[5]).intValue(), ((Number) r[6]).intValue(), ((Number) r[7]).intValue(),
                ((Number) r[8]).intValue(), ((Number) r[9]).intValue(), ((Number) r[10]).intValue(),
                Times.instant(r[11]), Times.instant(r[12]))).toList();
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
