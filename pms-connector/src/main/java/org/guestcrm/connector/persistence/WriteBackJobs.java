package org.guestcrm.connector.persistence;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.guestcrm.connector.domain.ContactWrite;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Write-back jobs (table {@code write_back_job}, V18): one per ContactDetailsUpdated event id, for the feed it names.
 * A job is PENDING until the PMS took the write (DONE) or refused it for good (FAILED with the reason). Jobs of one
 * profile go to the PMS one at a time, in the order they arrived; due jobs are claimed with a lease
 * ({@code for update skip locked}), so replicas share the work and a crashed replica's job is claimed again.
 */
@ApplicationScoped
public class WriteBackJobs {

    /** A job to record: PENDING, or FAILED at once with {@code failure} (a feed that cannot be written to). */
    public record NewJob(UUID eventId, String feedId, String tenantId, String pmsProfileId, String reason,
                         ContactWrite contact, Instant occurredAt, String failure) {
    }

    /** A claimed job. */
    public record Claim(UUID eventId, String feedId, String pmsProfileId, ContactWrite contact, int attempts) {
    }

    /** A job as ops see it: ids, field names, state, never the contact values. */
    public record JobView(UUID eventId, String pmsProfileId, String reason, List<String> fields, String state,
                          int attempts, String lastError, String note, Instant createdAt, Instant nextAttemptAt,
                          Instant doneAt, int retries, Instant retriedAt, String retriedBy) {
    }

    public record Status(long pending, long done, long failed, Instant oldestPendingSince, List<JobView> jobs) {
    }

    /** Pending and failed jobs of one feed (the metrics). */
    public record Counts(long pending, long failed) {
    }

    @Inject
    EntityManager entityManager;

    @Inject
    ObjectMapper json;

    /** Records the jobs in the caller's transaction (the intake's batch); an event id already recorded is skipped. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int enqueue(List<NewJob> jobs) {
        int inserted = 0;
        for (NewJob job : jobs) {
            inserted += entityManager.createNativeQuery("""
                            insert into write_back_job (event_id, feed_id, tenant_id, pms_profile_id, reason, fields, contact,
                                state, last_error, next_attempt_at, occurred_at, created_at, done_at)
                            values (:eventId, :feed, :tenant, :profile, :reason, :fields, :contact, :state, :error, now(),
                                :occurredAt, now(), case when :state = 'FAILED' then now() end)
                            on conflict (event_id) do nothing""")
                    .setParameter("eventId", job.eventId())
                    .setParameter("feed", job.feedId())
                    .setParameter("tenant", job.tenantId())
                    .setParameter("profile", job.pmsProfileId())
                    .setParameter("reason", job.reason())
                    .setParameter("fields", truncate(String.join(",", job.contact().fields()), 300))
                    .setParameter("contact", write(job.contact()))
                    .setParameter("state", job.failure() == null ? "PENDING" : "FAILED")
                    .setParameter("error", job.failure() == null ? "" : truncate(job.failure(), 500))
                    .setParameter("occurredAt", job.occurredAt())
                    .executeUpdate();
        }
        return inserted;
    }

    /**
     * Claims up to {@code max} due jobs with a lease: of each profile only its oldest pending job (so the PMS sees the
     * writes in order), of active feeds only (a paused feed's writes wait). Rows another replica holds are skipped.
     */
    @Transactional
    public List<Claim> claim(int max, Instant leaseUntil) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select w.event_id, w.feed_id, w.pms_profile_id, w.contact, w.attempts
                        from write_back_job w join feed f on f.feed_id = w.feed_id
                        where w.state = 'PENDING' and w.next_attempt_at <= now()
                          and (w.lease_until is null or w.lease_until < now())
                          and f.enabled and f.deleted_at is null
                          and not exists (select 1 from write_back_job o
                                          where o.feed_id = w.feed_id and o.pms_profile_id = w.pms_profile_id
                                            and o.state = 'PENDING' and o.seq < w.seq)
                        order by w.seq
                        limit :limit
                        for update of w skip locked""")
                .setParameter("limit", Math.max(1, max))
                .getResultList();
        List<Claim> claims = new ArrayList<>();
        for (Object[] row : rows) {
            UUID eventId = (UUID) row[0];
            entityManager.createNativeQuery("update write_back_job set lease_until = :until where event_id = :id")
                    .setParameter("until", leaseUntil).setParameter("id", eventId).executeUpdate();
            claims.add(new Claim(eventId, (String) row[1], (String) row[2], read((String) row[3]),
                    ((Number) row[4]).intValue()));
        }
        return claims;
    }

    /** The PMS took the write; {@code note} names the parts it cannot hold (or null). */
    @Transactional
    public void done(UUID eventId, String note) {
        entityManager.createNativeQuery("""
                        update write_back_job set state = 'DONE', attempts = attempts + 1, lease_until = null,
                            last_error = null, note = :note, done_at = now()
                        where event_id = :id and state = 'PENDING'""")
                .setParameter("note", note == null ? "" : truncate(note, 300)).setParameter("id", eventId)
                .executeUpdate();
    }

    /** A transient failure: tried again at {@code next}. */
    @Transactional
    public void retryAt(UUID eventId, Instant next, String reason) {
        entityManager.createNativeQuery("""
                        update write_back_job set attempts = attempts + 1, next_attempt_at = :next, lease_until = null,
                            last_error = :reason
                        where event_id = :id and state = 'PENDING'""")
                .setParameter("next", next).setParameter("reason", truncate(reason, 500)).setParameter("id", eventId)
                .executeUpdate();
    }

    /** A permanent failure: FAILED with the reason. */
    @Transactional
    public void failed(UUID eventId, String reason) {
        entityManager.createNativeQuery("""
                        update write_back_job set state = 'FAILED', attempts = attempts + 1, lease_until = null,
                            last_error = :reason, done_at = now()
                        where event_id = :id and state = 'PENDING'""")
                .setParameter("reason", truncate(reason, 500)).setParameter("id", eventId).executeUpdate();
    }

    /** What a retry of a job found. */
    public enum Retry { RETRIED, NOT_FOUND, NOT_FAILED, SUPERSEDED }

    /**
     * A FAILED job of the feed back to PENDING, due now, attempts reset, who and when kept. Refused when the job is not
     * FAILED, and when a later job of the same profile is DONE: writing the older contact data again would overwrite
     * the newer write at the PMS (a later PENDING one is fine: the jobs of a profile go in arrival order).
     */
    @Transactional
    public Retry retry(String feedId, UUID eventId, String retriedBy) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select state, pms_profile_id, seq from write_back_job
                        where event_id = :id and feed_id = :feed for update""")
                .setParameter("id", eventId).setParameter("feed", feedId).getResultList();
        if (rows.isEmpty()) {
            return Retry.NOT_FOUND;
        }
        Object[] row = rows.getFirst();
        if (!"FAILED".equals(row[0])) {
            return Retry.NOT_FAILED;
        }
        Number later = (Number) entityManager.createNativeQuery("""
                        select count(*) from write_back_job
                        where feed_id = :feed and pms_profile_id = :profile and seq > :seq and state = 'DONE'""")
                .setParameter("feed", feedId).setParameter("profile", row[1]).setParameter("seq", row[2])
                .getSingleResult();
        if (later.longValue() > 0) {
            return Retry.SUPERSEDED;
        }
        entityManager.createNativeQuery("""
                        update write_back_job set state = 'PENDING', attempts = 0, next_attempt_at = now(),
                            lease_until = null, done_at = null, retries = retries + 1, retried_at = now(),
                            retried_by = :by, last_error = left('retried after: ' || coalesce(last_error, ''), 500)
                        where event_id = :id""")
                .setParameter("by", truncate(retriedBy, 200)).setParameter("id", eventId).executeUpdate();
        return Retry.RETRIED;
    }

    /** The feed's counts and its newest jobs (optionally of one state), at most {@code limit}. */
    @Transactional
    public Status status(String feedId, String state, int limit) {
        Object[] counts = (Object[]) entityManager.createNativeQuery("""
                        select count(*) filter (where state = 'PENDING'), count(*) filter (where state = 'DONE'),
                               count(*) filter (where state = 'FAILED'), min(created_at) filter (where state = 'PENDING')
                        from write_back_job where feed_id = :feed""")
                .setParameter("feed", feedId).getSingleResult();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select event_id, pms_profile_id, reason, fields, state, attempts, last_error, note, created_at,
                               next_attempt_at, done_at, retries, retried_at, retried_by
                        from write_back_job where feed_id = :feed and (:state = '' or state = :state)
                        order by created_at desc, seq desc limit :limit""")
                .setParameter("feed", feedId).setParameter("state", state == null ? "" : state)
                .setParameter("limit", limit).getResultList();
        List<JobView> jobs = rows.stream().map(WriteBackJobs::view).toList();
        return new Status(((Number) counts[0]).longValue(), ((Number) counts[1]).longValue(),
                ((Number) counts[2]).longValue(), Times.instant(counts[3]), jobs);
    }

    /** One job of the feed as ops see it. */
    @Transactional
    public java.util.Optional<JobView> job(String feedId, UUID eventId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select event_id, pms_profile_id, reason, fields, state, attempts, last_error, note, created_at,
                               next_attempt_at, done_at, retries, retried_at, retried_by
                        from write_back_job where feed_id = :feed and event_id = :id""")
                .setParameter("feed", feedId).setParameter("id", eventId).getResultList();
        return rows.stream().map(WriteBackJobs::view).findFirst();
    }

    private static JobView view(Object[] r) {
        return new JobView((UUID) r[0], (String) r[1], (String) r[2],
                ((String) r[3]).isEmpty() ? List.of() : List.of(((String) r[3]).split(",")), (String) r[4],
                ((Number) r[5]).intValue(), emptyToNull((String) r[6]), emptyToNull((String) r[7]), Times.instant(r[8]),
                "PENDING".equals(r[4]) ? Times.instant(r[9]) : null, Times.instant(r[10]), ((Number) r[11]).intValue(),
                Times.instant(r[12]), (String) r[13]);
    }

    /** Pending and failed jobs per feed that has any (for the gauges). */
    @Transactional
    public Map<String, Counts> countsByFeed() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select feed_id, count(*) filter (where state = 'PENDING'), count(*) filter (where state = 'FAILED')
                        from write_back_job where state in ('PENDING', 'FAILED') group by feed_id""")
                .getResultList();
        Map<String, Counts> counts = new HashMap<>();
        for (Object[] row : rows) {
            counts.put((String) row[0], new Counts(((Number) row[1]).longValue(), ((Number) row[2]).longValue()));
        }
        return counts;
    }

    private String write(ContactWrite contact) {
        try {
            return json.writeValueAsString(contact);
        } catch (IOException e) {
            throw new IllegalStateException("a contact write could not be serialised", e);
        }
    }

    private ContactWrite read(String text) {
        try {
            return json.readValue(text, ContactWrite.class);
        } catch (IOException e) {
            throw new IllegalStateException("a stored contact write could not be read", e);
        }
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
