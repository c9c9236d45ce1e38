package org.guestcrm.connector;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;

/**
 * Reads a whole topic from the real broker as a downstream service would: raw bytes (to search for
 * data that must not be there) and the Avro record decoded by the Apicurio deserializer with the
 * specific reader.
 */
public final class KafkaTopics {

    /** One record of a topic: key, raw value bytes, and the decoded Avro record. */
    public record ReadRecord<T>(String key, byte[] rawValue, T value, Map<String, String> headers) {
        public String rawValueText() {
            return new String(rawValue, StandardCharsets.ISO_8859_1);
        }
    }

    private KafkaTopics() {
    }

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> List<ReadRecord<T>> readAll(String topic) {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        String registryUrl = ConfigProvider.getConfig()
                .getValue("mp.messaging.connector.smallrye-kafka.apicurio.registry.url", String.class);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "pms-connector-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ReadRecord<T>> result = new ArrayList<>();
        // The Apicurio deserializer loads the specific record class through the thread's context class
        // loader; under @QuarkusTest that may be the JVM's application loader, another copy of the classes.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaTopics.class.getClassLoader());
        try {
            return readAll(topic, bootstrap, registryUrl, props, result);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> List<ReadRecord<T>> readAll(String topic, String bootstrap, String registryUrl,
                                                                         Properties props, List<ReadRecord<T>> result) {
        Map<String, Object> serdeConfig = new HashMap<>();
        serdeConfig.put("apicurio.registry.url", registryUrl);
        serdeConfig.put("apicurio.registry.use-specific-avro-reader", "true");
        serdeConfig.put("apicurio.registry.avro-datum-provider", TestClassLoaderAvroDatumProvider.class);
        try (AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                     new ByteArrayDeserializer())) {
            deserializer.configure(serdeConfig, false);
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                return result;
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    T value = (T) deserializer.deserialize(topic, record.headers(), record.value());
                    Map<String, String> headers = new HashMap<>();
                    record.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
                    result.add(new ReadRecord<>(record.key(), record.value(), value, headers));
                }
            }
        }
        return result;
    }
}
