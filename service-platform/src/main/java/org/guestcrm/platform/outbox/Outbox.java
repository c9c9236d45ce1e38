package org.guestcrm.platform.outbox;

import java.time.Instant;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.schemas.Topic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * The transactional outbox: stores an event with the change that caused it, in the caller's transaction, so it is
 * sent (by {@link OutboxRelay}) only if that transaction commits. No dual writes.
 */
@ApplicationScoped
public class Outbox {

    /**
     * Adds {@code record} for {@code topic} under {@code key}. The record must carry an {@link EventMetadata} in its
     * field {@code metadata}: its eventId and correlationId are stored with the row.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEvent add(Topic topic, String key, SpecificRecord record) {
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
        row.payload = OutboxCodec.encode(record);
        row.createdAt = Instant.now();
        row.persist();
        return row;
    }

    private static EventMetadata metadataOf(SpecificRecord record) {
        Schema.Field field = record.getSchema().getField("metadata");
        if (field == null || !(record.get(field.pos()) instanceof EventMetadata metadata)) {
            throw new IllegalArgumentException(record.getSchema().getName() + " carries no EventMetadata");
        }
        return metadata;
    }
}
