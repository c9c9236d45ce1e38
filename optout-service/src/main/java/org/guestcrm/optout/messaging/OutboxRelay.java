package org.guestcrm.optout.messaging;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.persistence.DatabaseLocks;
import org.guestcrm.optout.persistence.OutboxEventEntity;
import org.guestcrm.schemas.Topic;
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
 * Sends outbox events to Kafka in id order, every {@code optout.outbox.poll-interval} (default 200 ms), and marks
 * each sent once Kafka acknowledged it. It runs on its own thread because Quarkus' simple scheduler does not run a
 * job more often than once a second. One replica relays at a time (a transaction-scoped advisory lock); the others
 * skip the round. Delivery is at least once: a crash between the ack and the commit sends an event again, and
 * consumers deduplicate on eventId.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @Inject
    OptoutConfig config;
    @Inject
    DatabaseLocks locks;

    @Inject
    @Channel("crm-consents-out")
    MutinyEmitter<ConsentChanged> consents;

    private ScheduledExecutorService executor;

    void start(@Observes StartupEvent startup) {
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "optout-outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
        long everyMillis = Math.max(10, config.outbox().pollInterval().toMillis());
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
            LOG.warnf("Outbox relay round failed and will be retried: %s", e.getClass().getSimpleName());
        }
    }

    /** Sends one batch of unsent events; runs in a transaction, stops at the first failure to keep the order. */
    void relay() {
        if (!locks.tryLockOutboxRelay()) {
            return;
        }
        List<OutboxEventEntity> batch = OutboxEventEntity.nextUnsent(config.outbox().batchSize());
        for (OutboxEventEntity event : batch) {
            try {
                send(event);
                event.sentAt = Instant.now();
            } catch (RuntimeException e) {
                LOG.warnf("Outbox event %s (%s to %s) was not acknowledged by Kafka; it will be sent again: %s",
                        event.eventId, event.eventType, event.topic, e.getClass().getSimpleName());
                return;
            }
        }
    }

    private void send(OutboxEventEntity event) {
        if (!Topic.CRM_CONSENTS.topicName().equals(event.topic)) {
            throw new IllegalStateException("No channel for topic " + event.topic);
        }
        ConsentChanged payload = (ConsentChanged) Outbox.decode(event);
        Message<ConsentChanged> message = Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.recordKey).build());
        consents.sendMessage(message).await().atMost(config.outbox().sendTimeout());
    }
}
