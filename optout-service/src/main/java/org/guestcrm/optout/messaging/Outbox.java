package org.guestcrm.optout.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.optout.persistence.OutboxEventEntity;
import org.guestcrm.schemas.Topic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * The transactional outbox: an event is stored with the change that caused it (same transaction) in Avro's
 * single-object encoding; {@link OutboxRelay} sends it to Kafka later.
 */
@ApplicationScoped
public class Outbox {

    @Transactional(Transactional.TxType.MANDATORY)
    public void add(Topic topic, String key, UUID eventId, SpecificRecord record) {
        OutboxEventEntity row = new OutboxEventEntity();
        row.eventId = eventId;
        row.eventType = record.getClass().getSimpleName();
        row.topic = topic.topicName();
        row.recordKey = key;
        row.payload = encode(record);
        row.createdAt = Instant.now();
        row.persist();
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    static byte[] encode(SpecificRecord record) {
        try {
            BinaryMessageEncoder encoder = new BinaryMessageEncoder<>(SpecificData.getForClass(record.getClass()), record.getSchema());
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + record.getClass().getSimpleName(), e);
        }
    }

    /** Decodes a stored payload back into the record type the topic carries under that event type. */
    static SpecificRecord decode(OutboxEventEntity row) {
        Topic topic = Topic.byName(row.topic)
                .orElseThrow(() -> new IllegalStateException("Outbox event " + row.eventId + " names an unknown topic"));
        Class<? extends SpecificRecord> type = topic.recordTypes().stream()
                .filter(t -> t.getSimpleName().equals(row.eventType))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Outbox event " + row.eventId + " has an unknown event type"));
        try {
            SpecificData model = SpecificData.getForClass(type);
            BinaryMessageDecoder<SpecificRecord> decoder = new BinaryMessageDecoder<>(model, model.getSchema(type));
            return decoder.decode(row.payload);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot decode outbox event " + row.eventId, e);
        }
    }
}
