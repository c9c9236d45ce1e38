package org.guestcrm.platform.intake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.platform.kafka.RegistryDecoder;
import org.guestcrm.platform.persistence.ProcessedEvents;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The batched intake every consumer shares. A service's {@code @Incoming} method (channel with {@code batch=true},
 * byte-array values, {@code failure-strategy=fail}) hands each polled batch to {@link #process}, which
 * <ol>
 *   <li>decodes every record itself (registry wire format): a record that is not decodable, has no value, or that
 *       {@link IntakeHandler#eventIdOf} rejects is a dead letter, with its reason;</li>
 *   <li>hands the keys whose last record in the batch is a tombstone (compacted topics) to
 *       {@link IntakeHandler#forget}, after the values, in a transaction of their own;</li>
 *   <li>drops, with no database work, the valid records {@link IntakeHandler#wants} says it has no use for;</li>
 *   <li>applies the rest in ONE database transaction: the processed-event ids inserted in one statement
 *       ({@code on conflict do nothing returning}), redeliveries and duplicates dropped, then
 *       {@link IntakeHandler#apply} with the new records in offset order;</li>
 *   <li>when that transaction fails: a transient failure (database, registry or broker unavailable; lock conflict)
 *       pauses and retries with back-off for as long as it takes, dead-lettering nothing; any other failure retries the
 *       batch record by record, so only the record that fails alone goes to {@code <topic>.dlq}.</li>
 * </ol>
 * It returns (and the batch's offsets may be committed) only once every record is applied, known as a duplicate, or
 * acknowledged by the dead-letter topic: at least once, effects exactly once.
 */
@ApplicationScoped
public class BatchIntake {

    private static final Logger LOG = Logger.getLogger(BatchIntake.class);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);
    private static final int TRANSACTION_TIMEOUT_SECONDS = 120;

    @Inject
    ProcessedEvents processedEvents;
    @Inject
    RegistryDecoder decoder;
    @Inject
    DeadLetters deadLetters;
    @Inject
    MeterRegistry meters;
    @Inject
    jakarta.persistence.EntityManager entityManager;

    private volatile boolean stopping;

    void stop(@Observes ShutdownEvent shutdown) {
        stopping = true;
    }

    /** Decodes, applies and dead-letters one polled batch; returns when every record is settled. */
    public <T> void process(IntakeHandler<T> handler, Iterable<ConsumerRecord<String, byte[]>> batch) {
        Timer.Sample sample = Timer.start(meters);
        List<IntakeRecord<T>> decoded = new ArrayList<>();
        List<ConsumerRecord<String, byte[]>> raws = new ArrayList<>();
        int deadLettered = 0;
        int tombstones = 0;
        int ignored = 0;
        // Per key of a compacted topic, whether its last record in the batch is a tombstone (a value after it wins).
        java.util.Map<String, Boolean> lastIsTombstone = new java.util.LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> raw : batch) {
            boolean compacted = isCompacted(raw.topic());
            if (compacted && raw.key() != null) {
                lastIsTombstone.put(raw.key(), raw.value() == null);
            }
            if (raw.value() == null && compacted) {
                // A tombstone on a compacted topic: the key's values are gone; handed to forget() after the batch.
                tombstones++;
                continue;
            }
            try {
                T value = untilDone(handler, "decode " + raw.topic(), () -> decode(handler, raw));
                UUID eventId = handler.eventIdOf(value);
                if (eventId == null) {
                    throw new PoisonRecordException(handler.recordType().getSimpleName() + " without an event id");
                }
                if (!handler.wants(value)) {
                    ignored++;
                    continue;
                }
                decoded.add(IntakeRecord.of(raw, value, eventId));
                raws.add(raw);
            } catch (IntakeStoppedException stopped) {
                throw stopped;
            } catch (RuntimeException poison) {
                deadLetter(handler, raw, Failures.describe(poison), poison);
                deadLettered++;
            }
        }
        Outcome outcome = decoded.isEmpty() ? new Outcome(0, 0) : applyOrIsolate(handler, decoded, raws);
        List<String> gone = lastIsTombstone.entrySet().stream().filter(java.util.Map.Entry::getValue)
                .map(java.util.Map.Entry::getKey).toList();
        if (!gone.isEmpty()) {
            untilDone(handler, "apply " + gone.size() + " tombstone(s)", () -> inTransaction(() -> {
                handler.forget(gone);
                return null;
            }));
        }
        count(handler, "applied", outcome.applied());
        count(handler, "duplicate", outcome.duplicates());
        if (tombstones > 0) {
            count(handler, "tombstone", tombstones);
        }
        if (ignored > 0) {
            count(handler, "ignored", ignored);
        }
        count(handler, "dead_lettered", deadLettered + outcome.deadLettered);
        sample.stop(Timer.builder("guestcrm.intake.batch.duration").tag("consumer", handler.consumer())
                .description("Time to decode, apply and settle one polled batch").register(meters));
        LOG.debugf("%s: batch of %d record(s): %d applied, %d duplicate(s), %d dead-lettered.", handler.consumer(),
                decoded.size() + deadLettered, outcome.applied(), outcome.duplicates(), deadLettered + outcome.deadLettered);
    }

    private record Outcome(int applied, int duplicates, int deadLettered) {
        Outcome(int applied, int duplicates) {
            this(applied, duplicates, 0);
        }
    }

    private <T> Outcome applyOrIsolate(IntakeHandler<T> handler, List<IntakeRecord<T>> records,
            List<ConsumerRecord<String, byte[]>> raws) {
        try {
            return untilDone(handler, "apply a batch", () -> inTransaction(() -> applyNew(handler, records)));
        } catch (IntakeStoppedException stopped) {
            throw stopped;
        } catch (RuntimeException batchFailure) {
            LOG.infof("%s: a batch of %d record(s) failed (%s); applying them one by one to isolate the failing one.",
                    handler.consumer(), records.size(), Failures.describe(batchFailure));
            Counter.builder("guestcrm.intake.batches.isolated").tag("consumer", handler.consumer())
                    .description("Batches that failed whole and were applied record by record to isolate the failing one")
                    .register(meters).increment();
        }
        int applied = 0;
        int duplicates = 0;
        int deadLettered = 0;
        for (int i = 0; i < records.size(); i++) {
            List<IntakeRecord<T>> one = List.of(records.get(i));
            boolean retried = false;
            while (true) {
                try {
                    Outcome single = untilDone(handler, "apply a record",
                            () -> inTransaction(() -> applyNew(handler, one)));
                    applied += single.applied();
                    duplicates += single.duplicates();
                    break;
                } catch (IntakeStoppedException stopped) {
                    throw stopped;
                } catch (RuntimeException failure) {
                    // A record is a dead letter only if it fails while the database demonstrably works: a failure
                    // the classification missed (an outage with an unexpected error code) waits instead.
                    if (!databaseAnswers()) {
                        untilDone(handler, "reach the database", () -> {
                            if (!databaseAnswers()) {
                                throw new java.sql.SQLTransientConnectionException("the database does not answer");
                            }
                            return null;
                        });
                        continue;
                    }
                    if (!retried) {
                        retried = true;
                        continue;
                    }
                    deadLetter(handler, raws.get(i), Failures.describe(failure), failure);
                    deadLettered++;
                    break;
                }
            }
        }
        return new Outcome(applied, duplicates, deadLettered);
    }

    private <T> Outcome applyNew(IntakeHandler<T> handler, List<IntakeRecord<T>> records) {
        List<UUID> ids = records.stream().map(IntakeRecord::eventId).toList();
        Set<UUID> fresh = handler.recordsProcessedEvents() ? processedEvents.markAllProcessed(handler.consumer(), ids)
                : new HashSet<>(ids);
        List<IntakeRecord<T>> toApply = new ArrayList<>(fresh.size());
        Set<UUID> taken = new HashSet<>();
        for (IntakeRecord<T> record : records) {
            if (fresh.contains(record.eventId()) && taken.add(record.eventId())) {
                toApply.add(record);
            }
        }
        if (!toApply.isEmpty()) {
            handler.apply(toApply);
        }
        return new Outcome(toApply.size(), records.size() - toApply.size());
    }

    private static boolean isCompacted(String topicName) {
        for (org.guestcrm.schemas.Topic topic : org.guestcrm.schemas.Topic.values()) {
            if (topic.topicName().equals(topicName)) {
                return topic.compacted();
            }
        }
        return false;
    }

    private <T> T decode(IntakeHandler<T> handler, ConsumerRecord<String, byte[]> raw) {
        if (raw.value() == null) {
            throw new PoisonRecordException("Record at " + raw.topic() + "-" + raw.partition() + "@" + raw.offset()
                    + " has no value, and " + raw.topic() + " is not a compacted topic that carries tombstones");
        }
        Object value;
        try {
            value = decoder.decode(raw.topic(), raw.headers(), raw.value());
        } catch (RuntimeException e) {
            if (Failures.isTransient(e)) {
                throw e;
            }
            throw new PoisonRecordException("Not a decodable " + handler.recordType().getSimpleName() + " ("
                    + Failures.describe(e) + ")", e);
        }
        if (!handler.recordType().isInstance(value)) {
            throw new PoisonRecordException("Expected " + handler.recordType().getSimpleName() + ", got "
                    + (value == null ? "nothing" : value.getClass().getSimpleName()));
        }
        return handler.recordType().cast(value);
    }

    private void deadLetter(IntakeHandler<?> handler, ConsumerRecord<String, byte[]> raw, String reason, Throwable cause) {
        LOG.warnf("%s: record at %s-%d@%d goes to %s%s: %s", handler.consumer(), raw.topic(), raw.partition(),
                raw.offset(), raw.topic(), DeadLetters.DLQ_SUFFIX, reason);
        untilDone(handler, "dead-letter a record", () -> {
            try {
                deadLetters.send(raw, reason, cause);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new org.apache.kafka.common.errors.TimeoutException("dead-letter send not acknowledged", e);
            }
            return null;
        });
    }

    private boolean databaseAnswers() {
        try {
            return inTransaction(() -> entityManager.createNativeQuery("select 1").getSingleResult()) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static <R> R inTransaction(Callable<R> work) {
        return QuarkusTransaction.requiringNew().timeout(TRANSACTION_TIMEOUT_SECONDS).call(work);
    }

    /**
     * Runs {@code work} until it succeeds or fails for a reason that is not transient (rethrown). A transient failure
     * pauses, 100 ms doubling up to 5 s, and retries for as long as it takes; one line when the pause starts and one
     * when it ends.
     */
    private <R> R untilDone(IntakeHandler<?> handler, String what, Callable<R> work) {
        Duration pause = FIRST_PAUSE;
        int failures = 0;
        while (true) {
            try {
                R result = work.call();
                if (failures > 0) {
                    LOG.infof("%s: could %s again after %d transient failure(s); intake resumed.", handler.consumer(),
                            what, failures);
                }
                return result;
            } catch (Exception e) {
                if (!Failures.isTransient(e)) {
                    throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
                }
                failures++;
                transientFailures(handler).increment();
                if (failures == 1) {
                    LOG.warnf("%s: cannot %s now (%s); intake paused, retrying with back-off until it succeeds.",
                            handler.consumer(), what, Failures.describe(e));
                }
            }
            if (stopping) {
                throw new IntakeStoppedException(handler.consumer());
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IntakeStoppedException(handler.consumer());
            }
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }

    private Counter transientFailures(IntakeHandler<?> handler) {
        return Counter.builder("guestcrm.intake.transient.failures").tag("consumer", handler.consumer())
                .description("Attempts that failed for a transient reason and were retried").register(meters);
    }

    private void count(IntakeHandler<?> handler, String outcome, int n) {
        Counter counter = Counter.builder("guestcrm.intake.records").tag("consumer", handler.consumer())
                .tag("outcome", outcome).description("Records taken in, by outcome").register(meters);
        if (n > 0) {
            counter.increment(n);
        }
    }

    /** The service stops while a batch waits out a transient failure: the batch is not acknowledged. */
    public static final class IntakeStoppedException extends RuntimeException {
        IntakeStoppedException(String consumer) {
            super(consumer + ": stopped while waiting out a transient failure; the batch will be redelivered");
        }
    }
}
