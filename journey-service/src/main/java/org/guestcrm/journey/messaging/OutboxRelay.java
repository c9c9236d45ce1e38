package org.guestcrm.journey.messaging;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.persistence.OutboxEventEntity;
import org.guestcrm.journey.persistence.OutboxRepository;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Publishes the outbox to Kafka in id order, every {@code journey.outbox.every} (default 200 ms; its own thread,
 * because Quarkus' simple scheduler does not run jobs more often than once a second). One replica at a time: a
 * transaction-scoped PostgreSQL advisory lock. A row is marked published only after Kafka acknowledged it, so a crash
 * means a re-publish (consumers deduplicate on eventId), never a loss.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @Inject
    OutboxRepository outbox;

    @Inject
    JourneyConfig config;

    @Inject
    @Channel("communications-out")
    MutinyEmitter<CommunicationEvent> communicationsOut;

    private ScheduledExecutorService executor;

    void start(@Observes StartupEvent startup) {
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "journey-outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
        long everyMillis = Math.max(10, config.outbox().every().toMillis());
        executor.scheduleWithFixedDelay(this::relaySafely, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void relaySafely() {
        try {
            QuarkusTransaction.requiringNew().run(this::relay);
        } catch (RuntimeException e) {
            // Keep the schedule alive: a database hiccup is retried at the next tick.
            LOG.warnf("Outbox relay run failed and will be retried: %s", e.toString());
        }
    }

    /** Publishes a batch of unpublished rows; runs in a transaction. */
    void relay() {
        if (!outbox.tryRelayLock()) {
            return;
        }
        List<OutboxEventEntity> batch = outbox.nextUnpublished(config.outbox().batchSize());
        for (OutboxEventEntity row : batch) {
            try {
                Message<CommunicationEvent> message = Message.of(OutboxWriter.decode(row.payload))
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(row.recordKey)
                                .withTopic(row.topic)
                                .build());
                communicationsOut.sendMessage(message).await().atMost(config.outbox().sendTimeout());
                row.publishedAt = Instant.now();
            } catch (RuntimeException e) {
                // Stop at the first failure to keep the order; what was acknowledged so far is committed.
                LOG.warnf("Outbox event %s (id %d) could not be published to %s and will be retried: %s",
                        row.eventId, row.id, row.topic, e.toString());
                return;
            }
        }
    }
}
