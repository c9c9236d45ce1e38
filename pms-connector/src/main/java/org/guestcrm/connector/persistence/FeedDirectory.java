package org.guestcrm.connector.persistence;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * The feeds and their valid credentials as the push doors need them, read once and kept for {@link #FRESH_FOR}: every
 * push used to cost two transactions and two queries for them (13 % of the connector's CPU under {@code ./crm bench}).
 *
 * <p>A change made through this replica ({@link #changed()}: a feed created, replaced, paused, resumed or deleted, a
 * credential issued or revoked) forgets everything at once and again when its transaction ends, so no request of this
 * replica uses the old state after the commit. Another replica sees the change within {@link #FRESH_FOR}: a revoked
 * token or a paused feed may be honoured there for up to two more seconds.
 */
@ApplicationScoped
public class FeedDirectory {

    /** How long a feed and its credentials are used as read, unless this replica changes them. */
    public static final Duration FRESH_FOR = Duration.ofSeconds(2);

    /** A feed as read, with its credentials not revoked at that time (detached entities, never modified). */
    private record Known(FeedEntity feed, List<FeedCredentialEntity> credentials, long readAtNanos) {
        boolean fresh() {
            return System.nanoTime() - readAtNanos < FRESH_FOR.toNanos();
        }
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();

    @Inject
    EntityManager entityManager;

    @Inject
    TransactionSynchronizationRegistry transactions;

    /** The feed (deleted ones included, as stored), or null when there is none. Read-only: never modify it. */
    public FeedEntity feed(String feedId) {
        return known(feedId).feed();
    }

    /** The feed's credentials that were not revoked when read (expiry is the caller's to check). Read-only. */
    public List<FeedCredentialEntity> credentials(String feedId) {
        return known(feedId).credentials();
    }

    /** A feed or credential is being changed in the current transaction (or just was): forget what was read. */
    public void changed() {
        known.clear();
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    known.clear();
                }
            });
        }
    }

    private Known known(String feedId) {
        Known cached = known.get(feedId);
        if (cached != null && cached.fresh()) {
            return cached;
        }
        FeedEntity feed = FeedEntity.findById(feedId);
        List<FeedCredentialEntity> credentials = feed == null ? List.of()
                : List.copyOf(FeedCredentialEntity.<FeedCredentialEntity>list("feedId = ?1 and revokedAt is null", feedId));
        Known read = new Known(feed, credentials, System.nanoTime());
        if (feed != null) {
            entityManager.detach(feed);
            credentials.forEach(entityManager::detach);
            known.put(feedId, read);
        }
        return read;
    }
}
