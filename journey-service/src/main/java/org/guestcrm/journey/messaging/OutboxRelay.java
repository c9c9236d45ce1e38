package org.guestcrm.journey.messaging;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.persistence.OutboxEventEntity;
import org.guestcrm.journey.persistence.OutboxRepository;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Publishes the outbox to Kafka in id order. One replica at a time (a transaction-scoped PostgreSQL advisory lock);
 * a row is marked published only after Kafka acknowledged it, so a crash means a re-publish (consumers deduplicate on
 * eventId), never a loss.
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

    @Scheduled(every = "${journey.outbox.every:0.2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    @Transactional
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
