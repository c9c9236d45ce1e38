package org.guestcrm.optout.persistence;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Serialises changes to the consent of the same contact points across replicas: transaction-scoped advisory locks in
 * the lock space and key of the platform's {@code DatabaseLocks.lockKeys} ({@code (1, hashtext(tenant|value))}), so
 * both kinds of caller exclude each other, but all of a batch's locks taken in ONE statement, in sorted order (two
 * callers never deadlock on each other's order).
 */
@ApplicationScoped
public class ContactPointLocks {

    private static final int KEY_SPACE = 1;

    @Inject
    EntityManager entityManager;

    /** Waits for the lock of every {@code tenant|value} key (as built by {@link #key}). */
    public void lockAll(Collection<String> keys) {
        String[] sorted = keys.stream().distinct().sorted().toArray(String[]::new);
        if (sorted.length == 0) {
            return;
        }
        // The locks are taken in the array's (sorted) order.
        entityManager.createNativeQuery("""
                select count(pg_advisory_xact_lock(?1, hashtext(k)))
                from (select k from unnest(cast(?2 as text[])) with ordinality as t (k, n) order by n) as sorted""")
                .setParameter(1, KEY_SPACE)
                .setParameter(2, sorted)
                .getSingleResult();
    }

    public static String key(String tenant, String contactPoint) {
        return tenant + "|" + contactPoint;
    }
}
