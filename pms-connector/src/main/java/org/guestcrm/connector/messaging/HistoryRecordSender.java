package org.guestcrm.connector.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.connector.persistence.IntakeWrites;
import org.guestcrm.platform.kafka.KafkaSettings;

/**
 * Sends a history import batch's records straight to Kafka, with the headers the outbox relay sets ({@code event-id},
 * {@code event-type}, {@code correlation-id}) and the bytes the outbox would have stored (registry wire format), and
 * waits until the broker acknowledged every one of them. No dual write: the import file and the job's cursor (the last
 * line whose batch was acknowledged and committed) are the source of truth. The batch's versions and the cursor are
 * committed only after this returns, so a crash in between re-sends that one batch with the same event ids (consumers
 * dedupe by event id) and never skips one. Idempotent producer, {@code acks=all}: order per key within a batch is kept;
 * batches go one after another.
 */
@ApplicationScoped
public class HistoryRecordSender {

    /** Kafka did not acknowledge every record of a batch in time: nothing of the batch is committed. */
    public static final class NotAcknowledged extends RuntimeException {
        NotAcknowledged(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private volatile KafkaProducer<String, byte[]> producer;

    /** Sends {@code rows} in order and returns once all are acknowledged; throws {@link NotAcknowledged} otherwise. */
    public void sendAndAwait(List<IntakeWrites.OutboxRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        KafkaProducer<String, byte[]> kafka = producer();
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        try {
            for (IntakeWrites.OutboxRow row : rows) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("event-id", row.eventId().toString().getBytes(StandardCharsets.UTF_8));
                headers.add("event-type", row.eventType().getBytes(StandardCharsets.UTF_8));
                if (row.correlationId() != null) {
                    headers.add("correlation-id", row.correlationId().getBytes(StandardCharsets.UTF_8));
                }
                acks.add(kafka.send(new ProducerRecord<>(row.topic(), null, row.recordKey(), row.payload(), headers)));
            }
        } catch (RuntimeException e) {
            throw new NotAcknowledged("a history record could not be handed to the producer ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new NotAcknowledged("Kafka refused a history record (" + e.getCause().getClass().getSimpleName()
                        + ")", e.getCause());
            } catch (TimeoutException e) {
                throw new NotAcknowledged("Kafka did not acknowledge a history batch within " + ACK_TIMEOUT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotAcknowledged("interrupted while waiting for Kafka's acknowledgements", e);
            }
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> config = new HashMap<>(KafkaSettings.clientProperties());
                    config.put(ProducerConfig.ACKS_CONFIG, "all");
                    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                    config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
                    config.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
                    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L * 1024 * 1024));
                    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
                    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
                    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(ACK_TIMEOUT.toMillis() - 1000));
                    config.put(ProducerConfig.CLIENT_ID_CONFIG, "pms-connector-history-import");
                    producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
                }
                current = producer;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        KafkaProducer<String, byte[]> current = producer;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }
}
