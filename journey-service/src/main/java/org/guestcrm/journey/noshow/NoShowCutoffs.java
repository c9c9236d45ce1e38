package org.guestcrm.journey.noshow;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.domain.NoShowCutoff;
import org.guestcrm.journey.domain.ReservationStatus;
import org.guestcrm.journey.messaging.ReservationChangeHandler;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.ReservationEntity;
import org.guestcrm.journey.persistence.ReservationKey;
import org.guestcrm.journey.persistence.ReservationPages;
import org.guestcrm.journey.persistence.ReservationRepository;
import org.guestcrm.platform.intake.Failures;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The no-show cut-off (issue 9): a reservation the PMS still calls CONFIRMED once the hotel's cut-off on its arrival
 * day has passed (no CHECKED_IN came) is treated as a no-show. Decided in two places, both under the reservation's row
 * lock: by the intake for a snapshot that arrives after the cut-off ({@link #decide}), and by the sweep
 * ({@link #sweepAt}) for reservations no snapshot touches, every {@code journey.no-show-sweep.every}, one page of
 * reservations per transaction ({@code FOR UPDATE SKIP LOCKED}: a row the intake holds is decided by the intake or
 * the next sweep). Deciding sets {@code reservation.no_show_cutoff_at} and replans the journey (pending in-stay and
 * post-stay steps CANCELLED "no-show: not checked in by the cut-off (...)", the NO_SHOW follow-up planned), each
 * change with its CommunicationEvent; a decided reservation is not a candidate again, so sweeps, replicas and restarts
 * decide it once. A later CHECKED_IN (late arrival), cancellation or moved arrival clears the decision and the planner
 * reverses it (the follow-up CANCELLED "no-show reversed" if unsent, still meaningful steps SCHEDULED again).
 */
@ApplicationScoped
public class NoShowCutoffs {

    private static final Logger LOG = Logger.getLogger(NoShowCutoffs.class);

    @Inject
    JourneyConfig config;
    @Inject
    org.guestcrm.journey.settings.JourneySettings settings;
    @Inject
    ReservationRepository reservations;
    @Inject
    CommunicationRepository communications;
    @Inject
    ReservationChangeHandler planning;

    @Inject
    Clock clock;

    /** Every configured cut-off is read at start: one that cannot be read fails the start, naming its key. */
    void validate(@Observes StartupEvent start) {
        check("journey.no-show-cutoff", config.noShowCutoff());
        config.tenantNoShowCutoffs().forEach((tenant, value) -> check("journey.tenant-no-show-cutoffs." + tenant, value));
        config.hotelNoShowCutoffs().forEach((hotel, value) -> check("journey.hotel-no-show-cutoffs." + hotel, value));
    }

    private static void check(String key, String value) {
        try {
            NoShowCutoff.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + " " + e.getMessage(), e);
        }
    }

    /**
     * Decides {@code reservation} (locked by the caller) a no-show when it is CONFIRMED, settled, not decided yet and
     * its hotel's cut-off passed at {@code now} within the lookback; returns whether it did. Plans nothing itself.
     */
    public boolean decide(ReservationEntity reservation, Instant now) {
        if (reservation.status != ReservationStatus.CONFIRMED || reservation.noShowCutoffAt != null
                || reservation.uncertain) {
            return false;
        }
        Optional<NoShowCutoff> cutoff = settings.noShowCutoffOf(reservation.tenant, reservation.hotelCode);
        if (cutoff.isEmpty()) {
            return false;
        }
        Instant at = cutoff.get().of(reservation.arrival, config.zoneOf(reservation.tenant, reservation.hotelCode));
        if (now.isBefore(at) || at.isBefore(now.minus(config.noShowSweep().lookback()))) {
            return false;
        }
        reservation.noShowCutoffAt = now.truncatedTo(ChronoUnit.MICROS);
        reservation.noShowCutoff = cutoff.get().describe();
        return true;
    }

    @Scheduled(every = "${journey.no-show-sweep.every:1m}", delayed = "15s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweepDue() {
        if (!settings.anyNoShowCutoff()) {
            return;
        }
        try {
            sweepAt(clock.instant());
        } catch (RuntimeException e) {
            // What a page decided stays decided (one transaction per page); the next run goes on.
            LOG.warnf("No-show sweep failed (%s); the next run tries again.", Failures.describe(e));
        }
    }

    /** Result of a sweep: reservations decided no-show and the communication changes that made. */
    public record Sweep(int decided, int changes) {
    }

    /** Decides every candidate whose cut-off has passed at {@code now} (the sweep's clock: tests give their own). */
    public Sweep sweepAt(Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        ReservationPages.Totals done = ReservationPages.walk(new ReservationKey("", "", ""),
                after -> sweepPage(after, at));
        int decided = done.rows();
        int changes = done.changes();
        if (decided > 0) {
            LOG.infof("No-show cut-off: %d reservation(s) decided no-show, %d communication change(s).", decided,
                    changes);
        }
        return new Sweep(decided, changes);
    }

    /** One page of candidates after {@code after}: rows = the reservations it decided no-show. */
    ReservationPages.Page sweepPage(ReservationKey after, Instant now) {
        int limit = config.noShowSweep().batchSize();
        // Arrival dates whose cut-off may fall within the lookback, in any zone (UTC-12 .. UTC+14, up to 2 days after).
        LocalDate from = LocalDate.ofInstant(now.minus(config.noShowSweep().lookback()), ZoneOffset.UTC).minusDays(3);
        LocalDate to = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1);
        @SuppressWarnings("unchecked")
        List<ReservationEntity> candidates = reservations.getEntityManager().createNativeQuery("""
                        SELECT r.* FROM reservation r
                        WHERE r.status = 'CONFIRMED' AND r.no_show_cutoff_at IS NULL AND NOT r.uncertain
                          AND r.arrival BETWEEN :from AND :to
                          AND (r.tenant, r.hotel_code, r.pms_reservation_id) > (:tenant, :hotel, :id)
                        ORDER BY r.tenant, r.hotel_code, r.pms_reservation_id
                        LIMIT :limit
                        FOR UPDATE OF r SKIP LOCKED
                        """, ReservationEntity.class)
                .setParameter("from", from)
                .setParameter("to", to)
                .setParameter("tenant", after.tenant())
                .setParameter("hotel", after.hotelCode())
                .setParameter("id", after.pmsReservationId())
                .setParameter("limit", limit)
                .getResultList();
        if (candidates.isEmpty()) {
            return new ReservationPages.Page(null, 0, 0);
        }
        List<ReservationEntity> decided = new ArrayList<>();
        for (ReservationEntity reservation : candidates) {
            if (decide(reservation, now)) {
                decided.add(reservation);
            }
        }
        int changes = 0;
        if (!decided.isEmpty()) {
            Set<ReservationKey> keys = new LinkedHashSet<>();
            decided.forEach(r -> keys.add(ReservationKey.of(r)));
            Map<ReservationKey, List<CommunicationEntity>> held = communications.lockAllFor(keys);
            for (ReservationEntity reservation : decided) {
                ReservationKey key = ReservationKey.of(reservation);
                changes += planning.replan(reservation, held.get(key), "no-show-cutoff:" + key,
                        reservation.lastEventId.toString(), now);
            }
        }
        return ReservationPages.Page.of(candidates, limit, decided.size(), changes);
    }
}
