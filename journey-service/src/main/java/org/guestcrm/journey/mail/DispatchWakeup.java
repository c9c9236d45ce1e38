package org.guestcrm.journey.mail;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Wakes the mail dispatcher when a transaction that made a communication due now commits (issue 5): the intake's
 * confirmation, a campaign launched "now", a retry that is due at once. Without it a due mail waited for the
 * dispatcher's next tick ({@code journey.dispatcher.every}, 1 s). At most one wake-up is kept, so a burst of commits
 * during a round starts one more round after it, not one per commit. The tick stays as the fallback (mails due at a
 * later time, other replicas' rows).
 */
@ApplicationScoped
public class DispatchWakeup {

    private static final Object KEY = new Object();

    @Inject
    TransactionSynchronizationRegistry transactions;

    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicLong requested = new AtomicLong();

    /** The dispatcher's own thread: what its rounds make due waits for the tick (no round waking itself in a loop). */
    private volatile Thread dispatcher;

    void dispatcherIs(Thread thread) {
        dispatcher = thread;
    }

    /** Once per transaction: wakes the dispatcher after the transaction committed (not after a rollback). */
    public void afterCommit() {
        if (Thread.currentThread() == dispatcher) {
            return;
        }
        if (transactions.getTransactionKey() == null) {
            wake();
            return;
        }
        if (transactions.getResource(KEY) != null) {
            return;
        }
        try {
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        wake();
                    }
                }
            });
            transactions.putResource(KEY, Boolean.TRUE);
        } catch (IllegalStateException e) {
            // The transaction is already marked for rollback or completing: the wake-up is only a hint, never a reason
            // to fail the caller's transaction; an early round finds nothing new, the tick covers the rest.
            wake();
        }
    }

    /** Wakes the dispatcher now (keeps one wake-up when it is busy). */
    public void wake() {
        requested.incrementAndGet();
        if (dropWakeups) {
            return;
        }
        // Racing wakers may leave two permits: harmless, await drains them before the round starts.
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    /**
     * Waits until woken or {@code timeout} passed; true when woken. The permits left are drained before the round
     * starts, which is safe: each was released after its commit, so the round's claim (a later transaction) sees it.
     */
    boolean await(Duration timeout) throws InterruptedException {
        boolean woken = wakeups.tryAcquire(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        wakeups.drainPermits();
        return woken;
    }

    /** Test seam: wake-ups are counted but dropped (as if lost), so only the tick dispatches. */
    private volatile boolean dropWakeups;

    void dropWakeups(boolean drop) {
        dropWakeups = drop;
        if (drop) {
            wakeups.drainPermits();
        }
    }

    /** Wake-ups asked for so far (commits that made a mail due, and explicit wakes). */
    long requested() {
        return requested.get();
    }
}
