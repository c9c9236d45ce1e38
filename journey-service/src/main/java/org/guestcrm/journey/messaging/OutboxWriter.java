package org.guestcrm.journey.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;

import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.journey.persistence.OutboxEventEntity;
import org.guestcrm.journey.persistence.OutboxRepository;
import org.guestcrm.schemas.Topic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/** Writes events to the outbox, in the caller's transaction: they are published only if that transaction commits. */
@ApplicationScoped
public class OutboxWriter {

    @Inject
    OutboxRepository outbox;

    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(String key, CommunicationEvent event, Instant now) {
        OutboxEventEntity row = new OutboxEventEntity();
        row.topic = Topic.CRM_COMMUNICATIONS.topicName();
        row.recordKey = key;
        row.eventId = event.getMetadata().getEventId();
        row.eventType = event.getMetadata().getEventType();
        row.payload = encode(event);
        row.createdAt = now;
        outbox.persist(row);
    }

    static byte[] encode(CommunicationEvent event) {
        try {
            ByteBuffer buffer = event.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode CommunicationEvent " + event.getMetadata().getEventId(), e);
        }
    }

    static CommunicationEvent decode(byte[] payload) {
        try {
            return CommunicationEvent.fromByteBuffer(ByteBuffer.wrap(payload));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot decode an outbox CommunicationEvent", e);
        }
    }
}
