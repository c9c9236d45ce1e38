package org.guestcrm.journey.settings;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.guestcrm.journey.messaging.ReservationChangeHandler;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.ReservationEntity;
import org.guestcrm.journey.persistence.ReservationKey;
import org.guestcrm.journey.persistence.ReservationPages;
import org.guestcrm.journey.persistence.ReservationRepository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * After a tenant's or a hotel's journey settings changed (issue 9): the journeys of the reservations they apply to are
 * planned again with the new settings, so their pending steps follow at once (RESCHEDULED to the new time, CANCELLED
 * when no longer wanted, planned when now wanted), each change with its CommunicationEvent as for a date move. In
 * keyset pages of {@code journey.no-show-sweep.batch-size} reservations, one transaction each, the reservations locked
 * {@code FOR UPDATE} in the intake's key order (waiting for an intake batch holding one, never skipping it) and their
 * communications in one query. Replanning is idempotent: a reservation whose plan already follows the settings
 * changes nothing, so a retry or a second replica replanning the same change publishes nothing twice. The pages are
 * walked by the background job {@link SettingsReplanJobs} (its cursor moved in each page's transaction).
 */
@ApplicationScoped
public class SettingsReplanner {

    @Inject
    ReservationRepository reservations;
    @Inject
    CommunicationRepository communications;
    @Inject
    ReservationChangeHandler planning;
    @Inject
    org.guestcrm.journey.config.JourneyConfig config;

    /**
     * One page of the re-plan in the caller's transaction (the background job's): the reservations after {@code after}
     * that may still have a message to send (departure at most 8 days before {@code now}), planned again.
     */
    public ReservationPages.Page page(String tenant, String hotelCode, ReservationKey after, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        return page(tenant, hotelCode, after, LocalDate.ofInstant(at, ZoneOffset.UTC).minusDays(8), at);
    }

    private ReservationPages.Page page(String tenant, String hotelCode, ReservationKey after, LocalDate since, Instant now) {
        int limit = config.noShowSweep().batchSize();
        @SuppressWarnings("unchecked")
        List<ReservationEntity> page = reservations.getEntityManager().createNativeQuery("""
                        SELECT r.* FROM reservation r
                        WHERE r.tenant = :tenant AND (cast(:hotel AS text) IS NULL OR r.hotel_code = :hotel)
                          AND r.departure >= :since AND NOT r.guest_erased
                          AND (r.tenant, r.hotel_code, r.pms_reservation_id) > (:afterTenant, :afterHotel, :afterId)
                        ORDER BY r.tenant, r.hotel_code, r.pms_reservation_id
                        LIMIT :limit
                        FOR UPDATE OF r
                        """, ReservationEntity.class)
                .setParameter("tenant", tenant)
                .setParameter("hotel", hotelCode)
                .setParameter("since", since)
                .setParameter("afterTenant", after.tenant())
                .setParameter("afterHotel", after.hotelCode())
                .setParameter("afterId", after.pmsReservationId())
                .setParameter("limit", limit)
                .getResultList();
        if (page.isEmpty()) {
            return new ReservationPages.Page(null, 0, 0);
        }
        Set<ReservationKey> keys = new LinkedHashSet<>();
        page.forEach(r -> keys.add(ReservationKey.of(r)));
        Map<ReservationKey, List<CommunicationEntity>> held = communications.lockAllFor(keys);
        int changes = 0;
        for (ReservationEntity reservation : page) {
            ReservationKey key = ReservationKey.of(reservation);
            try {
                changes += planning.replan(reservation, held.get(key), "journey-settings:" + key,
                        reservation.lastEventId.toString(), now);
            } catch (RuntimeException e) {
                // The page's transaction is lost; the job records which reservation stopped it.
                throw new ReservationReplanFailed(key, e);
            }
        }
        return ReservationPages.Page.of(page, limit, page.size(), changes);
    }

    /** The re-plan of reservation {@code key} failed (its page is rolled back); the cause says why. */
    public static final class ReservationReplanFailed extends RuntimeException {
        private final transient ReservationKey key;

        ReservationReplanFailed(ReservationKey key, RuntimeException cause) {
            super("The re-plan of reservation " + key.tenant() + ":" + key.hotelCode() + ":" + key.pmsReservationId()
                    + " failed", cause);
            this.key = key;
        }

        public ReservationKey key() {
            return key;
        }
    }
}
