package org.guestcrm.profile.messaging;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.profile.persistence.DatabaseLocks;
import org.guestcrm.profile.persistence.OutboxEventEntity;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Sends outbox events to Kafka in id order and marks each sent once Kafka acknowledged it. One replica
 * relays at a time (a transaction-scoped advisory lock); the others skip the round. Delivery is at least
 * once: a crash between the ack and the commit sends an event again, and consumers deduplicate on eventId.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @Inject
    ProfileConfig config;
    @Inject
    DatabaseLocks locks;

    @Inject
    @Channel("crm-guests-out")
    MutinyEmitter<GuestUpdated> guests;

    @Scheduled(every = "${profile.outbox.poll-interval:0.2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    @Transactional
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
                        event.eventId, event.eventType, event.topic, e.getMessage());
                return;
            }
        }
    }

    private void send(OutboxEventEntity event) {
        if (!Topic.CRM_GUESTS.topicName().equals(event.topic)) {
            throw new IllegalStateException("No channel for topic " + event.topic);
        }
        GuestUpdated payload = (GuestUpdated) Outbox.decode(event);
        Message<GuestUpdated> message = Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.recordKey).build());
        guests.sendMessage(message).await().atMost(config.outbox().sendTimeout());
    }
}
