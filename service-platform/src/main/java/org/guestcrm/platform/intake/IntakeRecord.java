package org.guestcrm.platform.intake;

import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One decoded record of a batch: its value, its event id, and where it came from (for logs and dead letters). */
public record IntakeRecord<T>(T value, UUID eventId, String key, String topic, int partition, long offset) {

    static <T> IntakeRecord<T> of(ConsumerRecord<String, byte[]> raw, T value, UUID eventId) {
        return new IntakeRecord<>(value, eventId, raw.key(), raw.topic(), raw.partition(), raw.offset());
    }

    /** {@code topic-partition@offset}, for log lines. */
    public String position() {
        return topic + "-" + partition + "@" + offset;
    }
}
