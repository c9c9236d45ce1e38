package org.guestcrm.platform.intake;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.platform.kafka.KafkaSettings;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Sends a record that can never be applied to {@code <topic>.dlq}, with its original key, value and headers and the
 * reason: headers {@code dead-letter-reason}, {@code dead-letter-exception-class-name}, {@code dead-letter-topic},
 * {@code dead-letter-partition}, {@code dead-letter-offset} (the names SmallRye's dead-letter strategy uses, so tools
 * that know one know the other). Waits for the broker's acknowledgement: the batch's offsets are committed only after.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String DLQ_SUFFIX = ".dlq";

    private volatile KafkaProducer<String, byte[]> producer;

    public void send(ConsumerRecord<String, byte[]> record, String reason, Throwable cause) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("dead-letter-")) {
                headers.add(header);
            }
        }
        headers.add("dead-letter-reason", utf8(reason));
        headers.add("dead-letter-exception-class-name",
                utf8(cause == null ? PoisonRecordException.class.getName() : cause.getClass().getName()));
        headers.add("dead-letter-topic", utf8(record.topic()));
        headers.add("dead-letter-partition", utf8(String.valueOf(record.partition())));
        headers.add("dead-letter-offset", utf8(String.valueOf(record.offset())));
        producer().send(new ProducerRecord<>(record.topic() + DLQ_SUFFIX, null, record.key(), record.value(), headers))
                .get(30, TimeUnit.SECONDS);
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> config = new HashMap<>();
                    config.putAll(KafkaSettings.clientProperties());
                    config.put(ProducerConfig.ACKS_CONFIG, "all");
                    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
                    config.put(ProducerConfig.CLIENT_ID_CONFIG, "dead-letters");
                    producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
                }
                current = producer;
            }
        }
        return current;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
