package org.guestcrm.profile.persistence;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.util.Collection;

import org.hibernate.Session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Serialises matching on the same evidence across replicas: transaction-scoped advisory locks (two-key space 1, the
 * one service-platform's {@code DatabaseLocks.lockKeys} uses) on {@code hashtext(tenant|key)} for every key of a
 * batch, taken in one statement in hash order, so two batches sharing keys never deadlock and never both create a
 * guest for one e-mail address.
 */
@ApplicationScoped
public class MatchKeyLocks {

    private static final int KEY_SPACE = 1;

    @Inject
    EntityManager entityManager;

    /** @param keys {@code tenant|value} strings */
    public void lockAll(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array values = connection.createArrayOf("text", keys.stream().distinct().toArray());
            try (PreparedStatement lock = connection.prepareStatement("""
                    select count(*) from (
                        select pg_advisory_xact_lock(?, h) from (
                            select distinct hashtext(k) as h from unnest(?::text[]) as keys (k) order by h offset 0
                        ) as ordered
                    ) as locked""")) {
                lock.setInt(1, KEY_SPACE);
                lock.setArray(2, values);
                lock.executeQuery().close();
            } finally {
                values.free();
            }
        });
    }
}
