package org.guestcrm.platform.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.guestcrm.platform.persistence.DatabaseLocks;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Sends outbox events to Kafka in id order and marks each sent once Kafka acknowledged it. Runs on its own thread
 * every {@link OutboxChannel.Settings#pollInterval()} (Quarkus' simple scheduler fires at most once a second), batch
 * after batch while there is work. One replica relays at a time (a transaction-scoped advisory lock); the others skip
 * the round. A failed send leaves that row and every later one for the next round, so the order holds; a stuck row
 * is logged once as a warning, then at debug level. Delivery is at least once: a crash between the ack and the commit
 * sends an event again, and consumers deduplicate on eventId. Every record carries the headers {@code event-id},
 * {@code event-type} and {@code correlation-id}. Starts only in a service that provides an {@link OutboxChannel}.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @Inject
    Instance<OutboxChannel> channels;
    @Inject
    DatabaseLocks locks;

    private OutboxChannel channel;
    private OutboxChannel.Settings settings;
    private ScheduledExecutorService executor;

    /** The row whose failure was last logged. */
    private volatile Long lastFailedRow;

    void start(@Observes StartupEvent startup) {
        if (!channels.isResolvable()) {
            return;
        }
        channel = channels.get();
        settings = channel.settings();
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, settings.relayName());
            thread.setDaemon(true);
            return thread;
        });
        long everyMillis = Math.max(10, settings.pollInterval().toMillis());
        executor.scheduleWithFixedDelay(this::relayWhileThereIsWork, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void relayWhileThereIsWork() {
        try {
            int sent;
            do {
                sent = QuarkusTransaction.requiringNew()
                        .timeout((int) settings.ackTimeout().toSeconds() + 30)
                        .call(this::relayOneBatch);
            } while (sent > 0 && !Thread.currentThread().isInterrupted());
        } catch (RuntimeException e) {
            // Keep the schedule alive: a database hiccup is retried at the next tick.
            LOG.warnf("Outbox relay round failed; unsent events stay in the outbox for the next round: %s",
                    e.getClass().getSimpleName());
        }
    }

    /** Relays at most one batch in the current transaction; returns how many rows were marked sent. */
    int relayOneBatch() {
        if (!locks.tryLock(settings.lockKey())) {
            return 0;
        }
        List<OutboxEvent> batch = OutboxEvent.nextUnsent(settings.batchSize());
        List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
        for (OutboxEvent row : batch) {
            try {
                acks.add(send(row));
            } catch (RuntimeException e) {
                logFailureOnce(row, "could not be handed to the Kafka producer (" + e + ")");
                break;
            }
        }
        long deadline = System.nanoTime() + settings.ackTimeout().toNanos();
        Instant sentAt = Instant.now();
        int sent = 0;
        for (int i = 0; i < acks.size(); i++) {
            OutboxEvent row = batch.get(i);
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                row.sentAt = sentAt;
                sent++;
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                logFailureOnce(row, "was not acknowledged (" + cause + "); it and later rows are retried");
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (sent > 0) {
            LOG.debugf("Outbox relay sent %d event(s) up to row %d.", sent, batch.get(sent - 1).id);
        }
        return sent;
    }

    private void logFailureOnce(OutboxEvent row, String what) {
        if (!row.id.equals(lastFailedRow)) {
            lastFailedRow = row.id;
            LOG.warnf("Outbox event %s (row %d) to %s %s.", row.eventId, row.id, row.topic, what);
        } else {
            LOG.debugf("Outbox event %s (row %d) to %s still %s.", row.eventId, row.id, row.topic, what);
        }
    }

    private CompletableFuture<Void> send(OutboxEvent row) {
        SpecificRecord record = OutboxCodec.decode(row);
        RecordHeaders headers = new RecordHeaders();
        headers.add("event-id", row.eventId.toString().getBytes(StandardCharsets.UTF_8));
        headers.add("event-type", row.eventType.getBytes(StandardCharsets.UTF_8));
        if (row.correlationId != null) {
            headers.add("correlation-id", row.correlationId.getBytes(StandardCharsets.UTF_8));
        }
        OutgoingKafkaRecordMetadata<String> kafkaMetadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic)
                .withKey(row.recordKey)
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> ack = new CompletableFuture<>();
        channel.emitter().send(Message.of(record, Metadata.of(kafkaMetadata),
                () -> {
                    ack.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    ack.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return ack;
    }
}
