package org.guestcrm.journey.settings;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.guestcrm.journey.persistence.ReservationKey;
import org.guestcrm.journey.persistence.ReservationPages;
import org.guestcrm.platform.intake.Failures;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The settings re-plan as a resumable background job (issue 9). A PUT of journey settings writes its job in the
 * settings' own transaction ({@link #request}) and answers at once with the job's id. Every
 * {@code journey.settings.replan-every} a worker of each replica takes the oldest pending job whose lease is free or
 * expired (FOR UPDATE SKIP LOCKED, lease {@link #LEASE}), reads the settings again (so it plans with the ones the job
 * was written for, whichever replica took the PUT), and walks the reservations in pages ({@link SettingsReplanner#page}):
 * each page runs in ONE transaction with the job's row locked, its lease checked and its cursor moved, so a crash
 * resumes after the last committed page (another replica, or this one restarted, once the lease expired) and a replica
 * that lost its lease stops before its next page. Replanning is idempotent besides: a page done twice changes and
 * publishes nothing the second time. A PUT of the same level while its job is pending starts that job again from the
 * beginning (its earlier pages were planned with older settings); the worker sees it at its next page and reads the
 * settings again.
 */
@ApplicationScoped
public class SettingsReplanJobs {

    private static final Logger LOG = Logger.getLogger(SettingsReplanJobs.class);
    static final Duration LEASE = Duration.ofSeconds(60);
    public static final String PENDING = "PENDING";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";
    /** A page that fails this many times in a row (not for a transient outage) fails its job. */
    public static final int MAX_PAGE_ATTEMPTS = 5;

    @Inject
    EntityManager entityManager;
    @Inject
    SettingsReplanner replanner;
    @Inject
    JourneySettings settings;
    @Inject
    MeterRegistry meters;

    @Inject
    Clock clock;
    private io.micrometer.core.instrument.Counter failedJobs;

    @jakarta.annotation.PostConstruct
    void registerMeters() {
        // Registered at 0, so an alert on its increase needs no first failure to see the series.
        failedJobs = io.micrometer.core.instrument.Counter.builder("guestcrm.journey.settings.replan.failed")
                .description("Settings re-plan jobs FAILED after one page failed MAX_PAGE_ATTEMPTS times")
                .register(meters);
    }
    private final String owner = "replan-" + UUID.randomUUID();

    /**
     * A job as the API shows it; {@code attempts}, {@code failureReason} and {@code failedReservation}
     * ({@code tenant:hotelCode:pmsReservationId}) tell of a page that failed (retried, then the job FAILED).
     */
    public record Job(UUID id, String tenant, String hotelCode, String status, int pages, int reservations,
                      int changes, Instant requestedAt, Instant finishedAt, int attempts, String failureReason,
                      String failedReservation) {
    }

    /**
     * Writes the re-plan job of {@code tenant}'s (hotel code null) or a hotel's settings in the caller's transaction,
     * or starts its pending one again from the beginning; returns the job's id.
     */
    public UUID request(String tenant, String hotelCode, String actor, Instant now) {
        String hotel = hotelCode == null ? "" : hotelCode;
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO settings_replan_job (id, tenant, hotel_code, status, after_hotel, after_id,
                                                     requested_by, requested_at, updated_at)
                    VALUES (?, ?, ?, 'PENDING', ?, '', ?, ?, ?)
                    ON CONFLICT (tenant, hotel_code) WHERE status = 'PENDING' DO UPDATE
                       SET after_hotel = excluded.after_hotel, after_id = '', pages = 0, reservations = 0,
                           changes = 0, attempts = 0, failure_reason = NULL, failed_hotel = NULL,
                           failed_reservation = NULL, requested_by = excluded.requested_by, requested_at = excluded.requested_at,
                           updated_at = excluded.updated_at
                    RETURNING id""")) {
                upsert.setObject(1, UUID.randomUUID());
                upsert.setString(2, tenant);
                upsert.setString(3, hotel);
                upsert.setString(4, hotel);
                upsert.setString(5, actor);
                upsert.setObject(6, now.atOffset(ZoneOffset.UTC));
                upsert.setObject(7, now.atOffset(ZoneOffset.UTC));
                try (ResultSet id = upsert.executeQuery()) {
                    id.next();
                    return id.getObject(1, UUID.class);
                }
            }
        });
    }

    /** The job {@code id}, if it exists. */
    public Optional<Job> find(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery("""
                            SELECT id, tenant, hotel_code, status, pages, reservations, changes, requested_at, finished_at,
                                   attempts, failure_reason, failed_hotel, failed_reservation
                              FROM settings_replan_job WHERE id = :id""")
                    .setParameter("id", id).getResultList();
            return rows.stream().findFirst().map(row -> new Job((UUID) row[0], (String) row[1],
                    ((String) row[2]).isEmpty() ? null : (String) row[2], (String) row[3], ((Number) row[4]).intValue(),
                    ((Number) row[5]).intValue(), ((Number) row[6]).intValue(), instantOf(row[7]), instantOf(row[8]),
                    ((Number) row[9]).intValue(), (String) row[10],
                    row[12] == null ? null : row[1] + ":" + row[11] + ":" + row[12]));
        });
    }

    @Scheduled(every = "${journey.settings.replan-every:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void runDue() {
        try {
            runPending();
        } catch (RuntimeException e) {
            // What its pages committed stays committed; the lease lets this or another replica go on after it.
            LOG.warnf("A journey settings re-plan job failed (%s); it goes on from its last page later.",
                    Failures.describe(e));
        }
    }

    /** Runs the pending jobs this replica may take, one after the other; returns how many it finished. */
    public int runPending() {
        int finished = 0;
        while (true) {
            Optional<UUID> claimed = QuarkusTransaction.requiringNew().call(this::claim);
            if (claimed.isEmpty()) {
                return finished;
            }
            if (run(claimed.get())) {
                finished++;
            } else {
                return finished;
            }
        }
    }

    private Optional<UUID> claim() {
        Instant now = now();
        @SuppressWarnings("unchecked")
        List<UUID> ids = entityManager.createNativeQuery("""
                        SELECT id FROM settings_replan_job
                         WHERE status = 'PENDING'
                           AND (lease_owner IS NULL OR lease_expires_at < :now OR lease_owner = :owner)
                         ORDER BY requested_at
                         LIMIT 1
                         FOR UPDATE SKIP LOCKED""")
                .setParameter("now", now.atOffset(ZoneOffset.UTC)).setParameter("owner", owner).getResultList();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        entityManager.createNativeQuery("""
                        UPDATE settings_replan_job SET lease_owner = :owner, lease_expires_at = :until, updated_at = :now
                         WHERE id = :id""")
                .setParameter("owner", owner).setParameter("until", now.plus(LEASE).atOffset(ZoneOffset.UTC))
                .setParameter("now", now.atOffset(ZoneOffset.UTC)).setParameter("id", ids.getFirst()).executeUpdate();
        return Optional.of(ids.getFirst());
    }

    private enum Outcome { MORE, DONE, LOST }

    /** Runs the claimed job page by page; true when it finished, false when its lease went to another replica. */
    private boolean run(UUID id) {
        Instant[] settingsFor = {null};
        int pages = 0;
        while (true) {
            Outcome outcome;
            try {
                outcome = QuarkusTransaction.requiringNew().call(() -> step(id, settingsFor));
            } catch (RuntimeException e) {
                if (Failures.isTransient(e)) {
                    throw e; // an outage: retried later, not counted against the page
                }
                // The page rolled back; counted, and after MAX_PAGE_ATTEMPTS the job is FAILED (then the next job).
                return QuarkusTransaction.requiringNew().call(() -> recordFailure(id, e));
            }
            pages++;
            if (outcome == Outcome.DONE) {
                LOG.debugf("Journey settings re-plan job %s finished here (%d page(s)).", id, pages);
                return true;
            }
            if (outcome == Outcome.LOST) {
                LOG.infof("Journey settings re-plan job %s is no longer this replica's (lease taken over or job "
                        + "finished); stopped.", id);
                return false;
            }
        }
    }

    /**
     * Counts a failed attempt of job {@code id}'s current page with its reason and the reservation that failed; at
     * {@link #MAX_PAGE_ATTEMPTS} the job is FAILED. True when it is (or is no longer this replica's).
     */
    private boolean recordFailure(UUID id, RuntimeException failure) {
        Instant now = now();
        SettingsReplanner.ReservationReplanFailed failed = null;
        for (Throwable t = failure; t != null && failed == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SettingsReplanner.ReservationReplanFailed f) {
                failed = f;
            }
        }
        String reason = Failures.describe(failed != null ? failed.getCause() : failure);
        reason = reason.length() > 500 ? reason.substring(0, 500) : reason;
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        SELECT tenant, attempts FROM settings_replan_job
                         WHERE id = :id AND status = 'PENDING' AND lease_owner = :owner FOR UPDATE""")
                .setParameter("id", id).setParameter("owner", owner).getResultList();
        if (rows.isEmpty()) {
            return true;
        }
        int attempts = ((Number) rows.getFirst()[1]).intValue() + 1;
        boolean last = attempts >= MAX_PAGE_ATTEMPTS;
        entityManager.createNativeQuery("""
                        UPDATE settings_replan_job
                           SET attempts = :attempts, failure_reason = :reason, failed_hotel = :hotel,
                               failed_reservation = :reservation,
                               status = CASE WHEN :last THEN 'FAILED' ELSE status END,
                               lease_owner = CASE WHEN :last THEN NULL ELSE lease_owner END,
                               lease_expires_at = CASE WHEN :last THEN NULL ELSE lease_expires_at END,
                               finished_at = CASE WHEN :last THEN cast(:now AS timestamptz) END,
                               updated_at = :now
                         WHERE id = :id""")
                .setParameter("attempts", attempts).setParameter("reason", reason)
                .setParameter("hotel", failed == null ? null : failed.key().hotelCode())
                .setParameter("reservation", failed == null ? null : failed.key().pmsReservationId())
                .setParameter("last", last).setParameter("now", now.atOffset(ZoneOffset.UTC))
                .setParameter("id", id).executeUpdate();
        String where = failed == null ? "" : " at reservation " + failed.key().tenant() + ":"
                + failed.key().hotelCode() + ":" + failed.key().pmsReservationId();
        if (last) {
            failedJobs.increment();
            LOG.errorf("Journey settings re-plan job %s FAILED after %d attempts of one page%s (%s); the reservations "
                    + "after its cursor keep their earlier plan until the row is fixed and the settings PUT again.",
                    id, attempts, where, reason);
        } else {
            LOG.warnf("A page of journey settings re-plan job %s failed%s (%s), attempt %d of %d.", id, where, reason,
                    attempts, MAX_PAGE_ATTEMPTS);
        }
        return last;
    }

    /** One page of job {@code id}, the job's row locked: lease checked, settings fresh, page planned, cursor moved. */
    private Outcome step(UUID id, Instant[] settingsFor) {
        Instant now = now();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        SELECT tenant, hotel_code, status, after_hotel, after_id, lease_owner, lease_expires_at,
                               requested_at
                          FROM settings_replan_job WHERE id = :id FOR UPDATE""")
                .setParameter("id", id).getResultList();
        if (rows.isEmpty()) {
            return Outcome.LOST;
        }
        Object[] job = rows.getFirst();
        Instant leaseExpires = instantOf(job[6]);
        if (!PENDING.equals(job[2]) || !owner.equals(job[5]) || leaseExpires == null || leaseExpires.isBefore(now)) {
            return Outcome.LOST;
        }
        Instant requestedAt = instantOf(job[7]);
        if (!requestedAt.equals(settingsFor[0])) {
            // First page, or a newer PUT started the job again: plan with the settings as they are now (committed
            // before the job row was, in the same transaction), whichever replica wrote them.
            settings.reload();
            settingsFor[0] = requestedAt;
        }
        String tenant = (String) job[0];
        String hotel = ((String) job[1]).isEmpty() ? null : (String) job[1];
        ReservationPages.Page page = replanner.page(tenant, hotel,
                new ReservationKey(tenant, (String) job[3], (String) job[4]), now);
        boolean last = page.last() == null;
        entityManager.createNativeQuery("""
                        UPDATE settings_replan_job
                           SET status = CASE WHEN :last THEN 'DONE' ELSE 'PENDING' END,
                               after_hotel = :afterHotel, after_id = :afterId, pages = pages + 1,
                               reservations = reservations + :reservations, changes = changes + :changes,
                               attempts = 0, failure_reason = NULL, failed_hotel = NULL, failed_reservation = NULL,
                               lease_owner = CASE WHEN :last THEN NULL ELSE lease_owner END,
                               lease_expires_at = CASE WHEN :last THEN NULL ELSE cast(:leaseExpires AS timestamptz) END,
                               updated_at = :now,
                               finished_at = CASE WHEN :last THEN cast(:now AS timestamptz) END
                         WHERE id = :id""")
                .setParameter("last", last)
                .setParameter("afterHotel", last ? (String) job[3] : page.last().hotelCode())
                .setParameter("afterId", last ? (String) job[4] : page.last().pmsReservationId())
                .setParameter("reservations", page.rows())
                .setParameter("changes", page.changes())
                .setParameter("leaseExpires", now.plus(LEASE).atOffset(ZoneOffset.UTC))
                .setParameter("now", now.atOffset(ZoneOffset.UTC))
                .setParameter("id", id)
                .executeUpdate();
        if (last) {
            LOG.infof("Journey settings re-plan job %s of %s%s done.", id, tenant, hotel == null ? "" : " hotel " + hotel);
        }
        return last ? Outcome.DONE : Outcome.MORE;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static Instant instantOf(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime at) {
            return at.toInstant();
        }
        if (value instanceof java.sql.Timestamp at) {
            return at.toInstant();
        }
        return (Instant) value;
    }
}
