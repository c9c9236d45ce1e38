package org.guestcrm.optout.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * PostgreSQL advisory locks, held until the transaction ends, so replicas of this service coordinate
 * without assuming they are alone. Two-key locks: the first key names the purpose.
 */
@ApplicationScoped
public class DatabaseLocks {

    private static final int MATCH_KEY_SPACE = 1;
    private static final int OUTBOX_RELAY_SPACE = 2;

    @Inject
    EntityManager entityManager;

    /** Serialises changes to the same normalised contact points of a tenant (sorted, so two callers never deadlock). */
    public void lockKeys(String tenant, List<String> values) {
        values.stream().distinct().sorted().forEach(value -> entityManager
                .createNativeQuery("select 1 from (select pg_advisory_xact_lock(?1, hashtext(?2))) as locked")
                .setParameter(1, MATCH_KEY_SPACE)
                .setParameter(2, tenant + "|" + value)
                .getSingleResult());
    }

    /** True when this transaction is now the one outbox relay; false when another replica relays. */
    public boolean tryLockOutboxRelay() {
        Object locked = entityManager.createNativeQuery("select pg_try_advisory_xact_lock(?1, 0)")
                .setParameter(1, OUTBOX_RELAY_SPACE)
                .getSingleResult();
        return Boolean.TRUE.equals(locked);
    }
}
