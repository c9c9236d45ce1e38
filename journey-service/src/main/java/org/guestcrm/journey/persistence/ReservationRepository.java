package org.guestcrm.journey.persistence;

import java.util.Optional;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

@ApplicationScoped
public class ReservationRepository implements PanacheRepositoryBase<ReservationEntity, java.util.UUID> {

    public Optional<ReservationEntity> findByKey(String tenant, String hotelCode, String pmsReservationId) {
        return find("tenant = ?1 and hotelCode = ?2 and pmsReservationId = ?3", tenant, hotelCode, pmsReservationId)
                .firstResultOptional();
    }

    /** The reservation, locked until the transaction ends (serialises snapshots of one reservation). */
    public Optional<ReservationEntity> findByKeyForUpdate(String tenant, String hotelCode, String pmsReservationId) {
        return find("tenant = ?1 and hotelCode = ?2 and pmsReservationId = ?3", tenant, hotelCode, pmsReservationId)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResultOptional();
    }
}
