package org.guestcrm.platform.outbox;

import java.time.Instant;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.schemas.Topic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

/**
 * The transactional outbox: stores an event with the change that caused it, in the caller's transaction, so it is
 * sent (by {@link OutboxRelay}) only if that transaction commits. No dual writes. The record is serialised here, once,
 * in the registry's wire format ({@link OutboxSerde}); a commit wakes the relay.
 */
@ApplicationScoped
public class Outbox {

    private static final Object WAKE_AFTER_COMMIT = new Object();

    @Inject
    OutboxSerde serde;
    @Inject
    OutboxRelay relay;
    @Inject
    TransactionSynchronizationRegistry transactions;

    /**
     * Adds {@code record} for {@code topic} under {@code key}. The record must carry an {@link EventMetadata} in its
     * field {@code metadata}: its eventId and correlationId are stored with the row.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEvent add(Topic topic, String key, SpecificRecord record) {
        return add(topic, key, record, Map.of());
    }

    /**
     * As {@link #add(Topic, String, SpecificRecord)}, with extra Kafka headers the relay sends beside
     * {@code event-id}, {@code event-type} and {@code correlation-id}: facts a consumer can act on without decoding the
     * record (e.g. {@code communication-status}, so a consumer that only wants bounces skips the rest unread). Names are
     * lower case letters, digits and '-'; values one line; at most 4 KB in all. A header is a hint, never the only copy
     * of a fact: the record holds it too.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEvent add(Topic topic, String key, SpecificRecord record, Map<String, String> headers) {
        if (!topic.recordTypes().contains(record.getClass())) {
            throw new IllegalArgumentException("Topic " + topic.topicName() + " does not carry "
                    + record.getClass().getSimpleName());
        }
        EventMetadata metadata = metadataOf(record);
        OutboxEvent row = new OutboxEvent();
        row.eventId = metadata.getEventId();
        row.eventType = record.getSchema().getName();
        row.topic = topic.topicName();
        row.recordKey = key;
        row.correlationId = metadata.getCorrelationId();
        row.payload = OutboxFraming.frame(headers, serde.serialize(topic.topicName(), record));
        row.createdAt = Instant.now();
        row.persist();
        wakeRelayAfterCommit();
        return row;
    }

    /** The event type of a tombstone row: the relay sends it with a null value. */
    public static final String TOMBSTONE = "Tombstone";

    /**
     * Adds a tombstone (a null value) for {@code key} on the compacted {@code topic}, in the caller's transaction: once
     * compacted, the topic forgets every earlier value of the key (an erased or merged-away guest). The record carries
     * the headers {@code event-id} (here {@code eventId}), {@code event-type} {@value #TOMBSTONE} and
     * {@code correlation-id}; consumers on the platform's intake skip it (it has nothing to apply).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEvent addTombstone(Topic topic, String key, java.util.UUID eventId, String correlationId) {
        if (!topic.compacted()) {
            throw new IllegalArgumentException("Topic " + topic.topicName() + " is not compacted: a tombstone means nothing there");
        }
        java.util.Objects.requireNonNull(key, "key");
        OutboxEvent row = new OutboxEvent();
        row.eventId = java.util.Objects.requireNonNull(eventId, "eventId");
        row.eventType = TOMBSTONE;
        row.topic = topic.topicName();
        row.recordKey = key;
        row.correlationId = correlationId;
        row.payload = new byte[0];
        row.createdAt = Instant.now();
        row.persist();
        wakeRelayAfterCommit();
        return row;
    }

    /**
     * Once per transaction: the relay starts a round as soon as the rows are committed, not at its next poll. Public for
     * a service that writes outbox rows in its own statements (the connector's push path) instead of through {@link #add}.
     */
    public void wakeRelayAfterCommit() {
        if (transactions.getResource(WAKE_AFTER_COMMIT) != null) {
            return;
        }
        transactions.putResource(WAKE_AFTER_COMMIT, Boolean.TRUE);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.wake();
                }
            }
        });
    }

    private static EventMetadata metadataOf(SpecificRecord record) {
        Schema.Field field = record.getSchema().getField("metadata");
        if (field == null || !(record.get(field.pos()) instanceof EventMetadata metadata)) {
            throw new IllegalArgumentException(record.getSchema().getName() + " carries no EventMetadata");
        }
        return metadata;
    }
}
