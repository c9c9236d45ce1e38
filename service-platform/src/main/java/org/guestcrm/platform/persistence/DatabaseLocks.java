package org.guestcrm.platform.persistence;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * PostgreSQL advisory locks held until the transaction ends, so replicas of a service coordinate without assuming
 * they are alone. {@link #tryLock(long)} uses the one-key (bigint) space, {@link #lockKeys} the two-key space, so the
 * two never collide.
 */
@ApplicationScoped
public class DatabaseLocks {

    /** First key of the two-key locks taken by {@link #lockKeys}. */
    private static final int KEY_SPACE = 1;

    @Inject
    EntityManager entityManager;

    /**
     * Serialises work on the same values (e.g. normalised contact points) of a tenant: waits for each lock, taken in
     * sorted order so two callers never deadlock.
     */
    public void lockKeys(String tenant, Collection<String> values) {
        values.stream().distinct().sorted().forEach(value -> entityManager
                .createNativeQuery("select 1 from (select pg_advisory_xact_lock(?1, hashtext(?2))) as locked")
                .setParameter(1, KEY_SPACE)
                .setParameter(2, tenant + "|" + value)
                .getSingleResult());
    }

    /** True when this transaction now holds the lock {@code key}; false, without waiting, when another one does. */
    public boolean tryLock(long key) {
        Object locked = entityManager.createNativeQuery("select pg_try_advisory_xact_lock(?1)")
                .setParameter(1, key)
                .getSingleResult();
        return Boolean.TRUE.equals(locked);
    }
}
