package org.guestcrm.journey.persistence;

import java.util.List;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxEventEntity, Long> {

    /** Outbox relay lock id (pg advisory lock): "JOURNEY" in ASCII, so no other relay of this database clashes. */
    private static final long RELAY_LOCK_ID = 0x4A4F55524E4559L;

    /** True when this transaction holds the relay lock (released at commit or rollback). */
    public boolean tryRelayLock() {
        Object locked = getEntityManager().createNativeQuery("SELECT pg_try_advisory_xact_lock(:lockId)")
                .setParameter("lockId", RELAY_LOCK_ID)
                .getSingleResult();
        return Boolean.TRUE.equals(locked);
    }

    public List<OutboxEventEntity> nextUnpublished(int limit) {
        return find("publishedAt is null order by id").page(0, limit).list();
    }
}
