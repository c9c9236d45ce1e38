package org.guestcrm.connector.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.persistence.PmsApiSettings;
import org.guestcrm.connector.persistence.WriteBackEchoes;
import org.guestcrm.connector.persistence.WriteBackJobs;
import org.guestcrm.connector.persistence.WriteBackJobs.Claim;
import org.guestcrm.connector.vendor.FetchFailure;
import org.guestcrm.connector.vendor.PmsApi;
import org.guestcrm.connector.vendor.PmsWriteClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;

/**
 * Sends write-back jobs to the feeds' PMSs: claims due jobs with a lease (of each profile only its oldest pending
 * one), records what the PMS will hold (the expected echo) before calling it, calls it outside any transaction, and
 * records the outcome: DONE; a transient failure (PMS unreachable, 5xx, 429, 408, credentials refused, no PMS API
 * settings yet) retried with backoff ({@code retry-initial} doubled up to {@code retry-max}) until
 * {@code max-attempts}, then FAILED; a permanent one (the PMS refused this write: 400, 404, 409, 422) FAILED with the
 * reason. A replica that dies mid-call leaves its lease to expire and the job is sent again: the writes are idempotent
 * by content (and the generic API is given the event id as its {@code Idempotency-Key}).
 */
@ApplicationScoped
public class WriteBackWorker {

    private static final Logger LOG = Logger.getLogger(WriteBackWorker.class);

    @Inject
    WriteBackJobs jobs;
    @Inject
    WriteBackEchoes echoes;
    @Inject
    PmsApiSettings settings;
    @Inject
    ConnectorConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry meters;

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private ExecutorService pool;
    private ExecutorService drainer;
    private PmsWriteClient client;

    @PostConstruct
    void init() {
        pool = Executors.newFixedThreadPool(config.writeBack().threads(), daemon("write-back"));
        drainer = Executors.newSingleThreadExecutor(daemon("write-back-claims"));
        client = new PmsWriteClient(json, config.webhooks().requestTimeout(), config.webhooks().mewsClient());
    }

    @PreDestroy
    void stop() {
        drainer.shutdownNow();
        pool.shutdownNow();
    }

    /** Looks for due jobs soon (after the intake recorded new ones, or a job finished). */
    public void wake() {
        try {
            drainer.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    @Scheduled(every = "${connector.write-back.poll-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "connector-write-back")
    void tick() {
        drain();
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "connector-write-back-echo-expiry")
    void expireEchoes() {
        try {
            int deleted = echoes.deleteExpired();
            if (deleted > 0) {
                LOG.debugf("%d expected write-back echo(es) expired.", deleted);
            }
        } catch (RuntimeException e) {
            LOG.debugf("Expired write-back echoes could not be deleted now (%s).", e.getClass().getSimpleName());
        }
    }

    void drain() {
        if (!draining.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        try {
            do {
                again.set(false);
                int capacity = config.writeBack().threads() - running.get();
                if (capacity <= 0) {
                    return;
                }
                List<Claim> claims;
                try {
                    claims = jobs.claim(capacity, Instant.now().plus(config.writeBack().lease()));
                } catch (RuntimeException e) {
                    LOG.warnf("Due write-back jobs could not be claimed (%s); trying again at the next tick.",
                            e.getClass().getSimpleName());
                    return;
                }
                for (Claim claim : claims) {
                    running.incrementAndGet();
                    pool.execute(() -> {
                        try {
                            send(claim);
                        } finally {
                            running.decrementAndGet();
                            wake();
                        }
                    });
                }
                if (claims.size() == capacity) {
                    again.set(true);
                }
            } while (again.get());
        } finally {
            draining.set(false);
        }
    }

    private void send(Claim claim) {
        try {
            PmsApi api = settings.forFetch(claim.feedId()).orElseThrow(() -> new FetchFailure(true,
                    "the feed has no usable PMS API settings (PUT /api/v1/feeds/" + claim.feedId() + "/pms-api)"));
            if (!PmsWriteClient.writesTo(api.kind())) {
                throw new FetchFailure(false, "a " + api.kind() + " feed takes no write-back");
            }
            PmsWriteClient.Plan plan = PmsWriteClient.plan(api.kind(), claim.contact());
            if (plan.held().writesNothing()) {
                jobs.done(claim.eventId(), "nothing this PMS can hold: " + String.join(", ", plan.notWritten()));
                return;
            }
            // before the call: the PMS's change notification may arrive before its answer
            echoes.expect(claim.feedId(), claim.pmsProfileId(), claim.eventId(), plan.held(),
                    Instant.now().plus(config.writeBack().echoWindow()));
            client.write(api, claim.pmsProfileId(), claim.eventId(), plan);
            jobs.done(claim.eventId(), plan.notWritten().isEmpty() ? null
                    : "not held by this PMS: " + String.join(", ", plan.notWritten()));
            meters.counter("connector.write.backs", "feed", claim.feedId(), "outcome", "done").increment();
            if (claim.attempts() > 0) {
                LOG.infof("Feed %s: write-back %s of profile %s done after %d failed attempt(s).", claim.feedId(),
                        claim.eventId(), claim.pmsProfileId(), claim.attempts());
            } else {
                LOG.debugf("Feed %s: write-back %s of profile %s done (%s).", claim.feedId(), claim.eventId(),
                        claim.pmsProfileId(), String.join(",", plan.held().fields()));
            }
        } catch (FetchFailure failure) {
            if (failure.isTransient() && claim.attempts() + 1 < config.writeBack().maxAttempts()) {
                retry(claim, failure.getMessage());
            } else {
                String reason = failure.isTransient()
                        ? "gave up after " + (claim.attempts() + 1) + " attempts: " + failure.getMessage()
                        : failure.getMessage();
                fail(claim, reason);
            }
        } catch (RuntimeException e) {
            retry(claim, "the write-back could not be recorded (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void fail(Claim claim, String reason) {
        meters.counter("connector.write.backs", "feed", claim.feedId(), "outcome", "failed").increment();
        LOG.warnf("Feed %s: write-back %s of profile %s failed for good: %s", claim.feedId(), claim.eventId(),
                claim.pmsProfileId(), reason);
        safely(() -> {
            jobs.failed(claim.eventId(), reason);
            echoes.forget(claim.feedId(), claim.pmsProfileId(), claim.eventId());
        });
    }

    private void retry(Claim claim, String reason) {
        meters.counter("connector.write.backs", "feed", claim.feedId(), "outcome", "retry").increment();
        Duration wait = backoff(claim.attempts());
        if (claim.attempts() == 0) {
            LOG.infof("Feed %s: write-back %s of profile %s failed (%s); retrying with backoff.", claim.feedId(),
                    claim.eventId(), claim.pmsProfileId(), reason);
        } else {
            LOG.debugf("Feed %s: write-back %s failed again (attempt %d: %s); next in %s.", claim.feedId(),
                    claim.eventId(), claim.attempts() + 1, reason, wait);
        }
        safely(() -> jobs.retryAt(claim.eventId(), Instant.now().plus(wait), reason));
    }

    /** retry-initial × 2^attempts, at most retry-max. */
    Duration backoff(int attempts) {
        Duration initial = config.writeBack().retryInitial();
        Duration max = config.writeBack().retryMax();
        Duration wait = initial.multipliedBy(1L << Math.min(attempts, 20));
        return wait.compareTo(max) > 0 ? max : wait;
    }

    private static void safely(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            LOG.warnf("A write-back outcome could not be recorded (%s); the job is sent again when its lease ends.",
                    e.getClass().getSimpleName());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
