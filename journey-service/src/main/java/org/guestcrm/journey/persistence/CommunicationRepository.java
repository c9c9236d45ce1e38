package org.guestcrm.journey.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

@ApplicationScoped
public class CommunicationRepository implements PanacheRepositoryBase<CommunicationEntity, UUID> {

    public List<CommunicationEntity> listForReservation(String tenant, String hotelCode, String pmsReservationId) {
        return list("tenant = ?1 and hotelCode = ?2 and pmsReservationId = ?3 order by dueAt, step",
                tenant, hotelCode, pmsReservationId);
    }

    /**
     * The reservation's communications, locked until the transaction ends: the planner must not overwrite a status
     * the dispatcher is setting at the same moment (it waits for the dispatcher's commit and then sees SENT).
     */
    public List<CommunicationEntity> listForReservationForUpdate(String tenant, String hotelCode,
                                                                 String pmsReservationId) {
        return find("tenant = ?1 and hotelCode = ?2 and pmsReservationId = ?3 order by dueAt, step",
                tenant, hotelCode, pmsReservationId)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list();
    }

    /**
     * One due pending communication, locked; rows locked by another replica's dispatcher (or by the planner) are
     * skipped, so N replicas never send the same communication at the same time.
     */
    public Optional<CommunicationEntity> lockNextDue(Instant now) {
        @SuppressWarnings("unchecked")
        List<CommunicationEntity> rows = getEntityManager().createNativeQuery("""
                        SELECT * FROM communication
                        WHERE status IN ('SCHEDULED', 'RESCHEDULED')
                          AND coalesce(next_attempt_at, due_at) <= :now
                        ORDER BY coalesce(next_attempt_at, due_at)
                        LIMIT 1
                        FOR UPDATE SKIP LOCKED
                        """, CommunicationEntity.class)
                .setParameter("now", now)
                .getResultList();
        return rows.stream().findFirst();
    }
}
