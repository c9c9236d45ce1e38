package org.guestcrm.journey.persistence;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ReservationRepository implements PanacheRepositoryBase<ReservationEntity, Long> {

    public Optional<ReservationEntity> findByKey(String tenant, String hotelCode, String pmsReservationId) {
        return find("tenant = ?1 and hotelCode = ?2 and pmsReservationId = ?3", tenant, hotelCode, pmsReservationId)
                .firstResultOptional();
    }

    /**
     * The reservations of {@code tenant} whose lead guest's e-mail or phone reference is one of {@code refs} or whose lead
     * guest's PMS profile is one of {@code profiles} ({pmsSystem, pmsProfileId}), locked in key order (the intake's).
     */
    public List<ReservationEntity> lockGuestOf(String tenant, Collection<String> refs, List<String[]> profiles) {
        if (refs.isEmpty() && profiles.isEmpty()) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<ReservationEntity> rows = getEntityManager().createNativeQuery("""
                        SELECT r.* FROM reservation r
                        WHERE r.tenant = :tenant
                          AND (r.guest_email_ref = ANY (cast(:refs AS text[]))
                               OR r.guest_phone_ref = ANY (cast(:refs AS text[]))
                               OR (r.pms_system, r.guest_profile_id) IN (
                                   SELECT * FROM unnest(cast(:systems AS text[]), cast(:profiles AS text[]))))
                        ORDER BY r.tenant, r.hotel_code, r.pms_reservation_id
                        FOR UPDATE OF r
                        """, ReservationEntity.class)
                .setParameter("tenant", tenant)
                .setParameter("refs", refs.toArray(String[]::new))
                .setParameter("systems", profiles.stream().map(p -> p[0]).toArray(String[]::new))
                .setParameter("profiles", profiles.stream().map(p -> p[1]).toArray(String[]::new))
                .getResultList();
        return rows;
    }

    /**
     * The held reservations of {@code keys}, in one statement, locked until the transaction ends in key order (the
     * order every writer of reservations locks in, so two batches never deadlock). Absent keys are not in the map.
     */
    public Map<ReservationKey, ReservationEntity> lockAll(Collection<ReservationKey> keys) {
        Map<ReservationKey, ReservationEntity> held = new HashMap<>();
        if (keys.isEmpty()) {
            return held;
        }
        KeyArrays arrays = KeyArrays.of(keys);
        @SuppressWarnings("unchecked")
        List<ReservationEntity> rows = getEntityManager().createNativeQuery("""
                        SELECT r.* FROM reservation r
                        JOIN unnest(cast(:tenants AS text[]), cast(:hotels AS text[]), cast(:ids AS text[]))
                             AS k (tenant, hotel_code, pms_reservation_id)
                          ON r.tenant = k.tenant AND r.hotel_code = k.hotel_code
                         AND r.pms_reservation_id = k.pms_reservation_id
                        ORDER BY r.tenant, r.hotel_code, r.pms_reservation_id
                        FOR UPDATE OF r
                        """, ReservationEntity.class)
                .setParameter("tenants", arrays.tenants())
                .setParameter("hotels", arrays.hotels())
                .setParameter("ids", arrays.ids())
                .getResultList();
        for (ReservationEntity row : rows) {
            held.put(ReservationKey.of(row), row);
        }
        return held;
    }
}
