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
import org.guestcrm.journey.persistence.ReservationRepository;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * After a tenant's or a hotel's journey settings changed (issue 9): the journeys of the reservations they apply to are
 * planned again with the new settings, so their pending steps follow at once (RESCHEDULED to the new time, CANCELLED
 * when no longer wanted, planned when now wanted), each change with its CommunicationEvent as for a date move. In
 * keyset pages of {@code journey.no-show-sweep.batch-size} reservations, one transaction each, the reservations locked
 * {@code FOR UPDATE} in the intake's key order (waiting for an intake batch holding one, never skipping it) and their
 * communications in one query. Replanning is idempotent: a reservation whose plan already follows the settings
 * changes nothing, so a retry or a second replica replanning the same change publishes nothing twice.
 */
@ApplicationScoped
public class SettingsReplanner {

    private static final Logger LOG = Logger.getLogger(SettingsReplanner.class);

    @Inject
    ReservationRepository reservations;
    @Inject
    CommunicationRepository communications;
    @Inject
    ReservationChangeHandler planning;
    @Inject
    org.guestcrm.journey.config.JourneyConfig config;

    /** What a replan changed: reservations looked at, communication changes made. */
    public record Replan(int reservations, int changes) {
    }

    /**
     * Plans again the journeys of {@code tenant}'s reservations (of {@code hotelCode} only, when not null) that may
     * still have a message to send: departure at most 8 days ago (the survey's default window is 7 days after
     * departure). The settings must already be in {@link JourneySettings} (reloaded after their commit).
     */
    public Replan replan(String tenant, String hotelCode, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        LocalDate since = LocalDate.ofInstant(at, ZoneOffset.UTC).minusDays(8);
        ReservationKey after = new ReservationKey(tenant, hotelCode == null ? "" : hotelCode, "");
        int seen = 0;
        int changes = 0;
        while (true) {
            ReservationKey from = after;
            Page page = QuarkusTransaction.requiringNew().call(() -> page(tenant, hotelCode, from, since, at));
            seen += page.reservations();
            changes += page.changes();
            if (page.last() == null) {
                break;
            }
            after = page.last();
        }
        LOG.infof("Journey settings of %s%s changed: %d reservation(s) planned again, %d communication change(s).",
                tenant, hotelCode == null ? "" : " hotel " + hotelCode, seen, changes);
        return new Replan(seen, changes);
    }

    private record Page(ReservationKey last, int reservations, int changes) {
    }

    private Page page(String tenant, String hotelCode, ReservationKey after, LocalDate since, Instant now) {
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
            return new Page(null, 0, 0);
        }
        Set<ReservationKey> keys = new LinkedHashSet<>();
        page.forEach(r -> keys.add(ReservationKey.of(r)));
        Map<ReservationKey, List<CommunicationEntity>> held = communications.lockAllFor(keys);
        int changes = 0;
        for (ReservationEntity reservation : page) {
            ReservationKey key = ReservationKey.of(reservation);
            changes += planning.replan(reservation, held.get(key), "journey-settings:" + key,
                    reservation.lastEventId.toString(), now);
        }
        ReservationEntity last = page.getLast();
        return new Page(page.size() < limit ? null : ReservationKey.of(last), page.size(), changes);
    }
}
