package org.guestcrm.connector.messaging;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.messaging.InboundMessageIntake.AcceptedMessage;
import org.guestcrm.connector.messaging.InboundMessageIntake.Receipt;
import org.guestcrm.connector.messaging.InboundMessageIntake.Staged;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Group commit of the push path (issue 5): concurrent pushes are recorded in one database transaction. A pushing
 * thread stages its message (maps and serialises its events, no statement) and hands it to the committer thread;
 * while a commit is in flight, arriving messages queue; the next commit takes every queued message (at most
 * {@code connector.inbound.group-commit-max}) in arrival order and records them with the intake's three statements,
 * and each push is answered after the commit that holds it, so an answered push is durable as before.
 * <ul>
 *   <li>Order: members are decided in arrival order against what earlier members held, so two versions of one
 *       reservation in one group are emitted (or skipped) as two pushes one after the other would be.</li>
 *   <li>Isolation: when a group's transaction fails for a reason other than the database being unreachable (a
 *       constraint, a message stored concurrently by another replica), its members are recorded again one by one,
 *       each in its own transaction, so only the message at fault fails, with its own answer.</li>
 *   <li>A transient failure (connection lost, database shutting down or out of resources) fails every member with it,
 *       as each push alone would have failed: the PMS retries, and the deterministic ids dedupe the retry.</li>
 * </ul>
 * A message whose staging reads the database (a cancellation naming no hotel) takes the single path.
 */
@ApplicationScoped
public class PushGroupCommit {

    private static final Logger LOG = Logger.getLogger(PushGroupCommit.class);

    /** The committer thread's name (the push cost probe counts its CPU). */
    public static final String THREAD_NAME = "connector-push-commit";

    @Inject
    InboundMessageIntake intake;

    @Inject
    ConnectorConfig config;

    @Inject
    MeterRegistry meters;

    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile Thread committer;
    private volatile boolean stopping;
    private DistributionSummary groupSizes;

    private record Pending(Staged staged, CompletableFuture<Receipt> answer) {
    }

    /**
     * Records {@code message} in the next group commit and answers once that commit is done (or failed: the exception
     * the single path would have thrown, e.g. {@link InboundMessageIntake.Refused} while staging).
     */
    public Receipt record(AcceptedMessage message) {
        int max = config.inbound().groupCommitMax();
        if (max <= 1 || InboundMessageIntake.needsLookUp(message)) {
            return intake.record(message);
        }
        Staged staged = intake.stage(message);
        Pending pending = new Pending(staged, new CompletableFuture<>());
        ensureStarted();
        if (stopping) {
            throw new IllegalStateException("the connector is shutting down; the push was not recorded");
        }
        queue.add(pending);
        try {
            return pending.answer().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the group commit", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Pushes waiting for the next group commit (not counting the one in flight). */
    public int queued() {
        return queue.size();
    }

    private void ensureStarted() {
        if (committer == null) {
            synchronized (this) {
                if (committer == null) {
                    groupSizes = DistributionSummary.builder("connector.push.group.size")
                            .description("Pushes recorded per group commit").register(meters);
                    meters.gauge("connector.push.group.queued", queue, LinkedBlockingQueue::size);
                    Thread thread = new Thread(this::run, THREAD_NAME);
                    thread.setDaemon(true);
                    // the application's class loader, whatever the pushing thread that starts it had: classes first
                    // loaded on this thread (the outbox's after-commit synchronisation) must come from it
                    thread.setContextClassLoader(PushGroupCommit.class.getClassLoader());
                    thread.start();
                    committer = thread;
                }
            }
        }
    }

    /** Started with the application (like the outbox relay's thread), not by the first push. */
    void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        ensureStarted();
    }

    @PreDestroy
    void stop() {
        stopping = true;
        Thread thread = committer;
        if (thread != null) {
            thread.interrupt();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.answer().completeExceptionally(
                new IllegalStateException("the connector is shutting down; the push was not recorded")));
    }

    private void run() {
        int max = Math.max(2, config.inbound().groupCommitMax());
        List<Pending> group = new ArrayList<>(max);
        while (!stopping) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(group, max - 1);
            try {
                commit(group);
            } catch (RuntimeException | Error unexpected) {
                // never leaves a caller waiting
                group.forEach(p -> p.answer().completeExceptionally(unexpected));
            }
            group.clear();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.answer().completeExceptionally(
                new IllegalStateException("the connector is shutting down; the push was not recorded")));
    }

    private void commit(List<Pending> group) {
        groupSizes.record(group.size());
        List<Receipt> receipts;
        try {
            receipts = intake.recordStaged(group.stream().map(Pending::staged).toList());
        } catch (RuntimeException failure) {
            if (group.size() == 1 || transient_(failure)) {
                group.forEach(p -> p.answer().completeExceptionally(failure));
                return;
            }
            LOG.infof("A group commit of %d pushes failed (%s); its pushes are recorded one by one.", group.size(),
                    failure.getClass().getSimpleName());
            meters.counter("connector.push.group.retried.alone").increment(group.size());
            for (Pending pending : group) {
                try {
                    pending.answer().complete(intake.recordStaged(List.of(pending.staged())).getFirst());
                } catch (RuntimeException alone) {
                    pending.answer().completeExceptionally(alone);
                }
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).answer().complete(receipts.get(i));
        }
    }

    /** The database is unreachable or refusing work for now: connection (08), shutdown (57P), resources (53). */
    private static boolean transient_(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
                    return true;
                }
            }
            if (t instanceof SQLException sql && sql.getMessage() != null
                    && sql.getMessage().toLowerCase(java.util.Locale.ROOT).contains("acquisition timeout")) {
                return true; // the pool found no connection in time
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
