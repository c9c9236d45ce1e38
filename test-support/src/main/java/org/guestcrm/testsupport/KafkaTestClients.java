package org.guestcrm.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.apache.avro.specific.SpecificRecord;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/**
 * Real Kafka clients for {@code @QuarkusTest}s: produce and read records on the test broker the way the
 * services do, with the broker and registry addresses taken from the running test's configuration.
 */
public final class KafkaTestClients {

    private KafkaTestClients() {
    }

    public static String bootstrapServers() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    public static String registryUrl() {
        return ConfigProvider.getConfig().getValue("mp.messaging.connector.smallrye-kafka.apicurio.registry.url", String.class);
    }

    private static Map<String, Object> registryConfig() {
        return Map.of(
                "apicurio.registry.url", registryUrl(),
                "apicurio.registry.auto-register", "true",
                "apicurio.registry.find-latest", "true",
                "apicurio.registry.artifact-resolver-strategy", "io.apicurio.registry.serde.avro.strategy.RecordIdStrategy",
                "apicurio.registry.use-specific-avro-reader", "true");
    }

    /** Sends one Avro record the way the services do (Apicurio Avro serde, RecordIdStrategy), waiting for the ack. */
    public static void sendAvro(String topic, String key, SpecificRecord value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        props.putAll(registryConfig());
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not send the test record to " + topic, e);
        }
    }

    /** Sends bytes that are no Avro record at all. */
    public static void sendRaw(String topic, String key, byte[] value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not send the raw test record", e);
        }
    }

    /** Every record now on a topic, as raw bytes (a fresh consumer group reading from the beginning). */
    public static List<ConsumerRecord<String, byte[]>> readRaw(String topic) {
        Properties props = consumerProps();
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return readAll(new KafkaConsumer<>(props), topic);
    }

    /** Every record now on a topic, as Avro specific records. */
    public static <T> List<ConsumerRecord<String, T>> readAvro(String topic) {
        List<ConsumerRecord<String, byte[]>> raw = readRaw(topic);
        List<ConsumerRecord<String, T>> decoded = new ArrayList<>(raw.size());
        for (ConsumerRecord<String, byte[]> record : raw) {
            decoded.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(),
                    KafkaTestClients.<T>decode(topic, record), record.headers(), record.leaderEpoch()));
        }
        return decoded;
    }

    /*
     * One deserializer per registry for the whole test JVM: its schema cache answers every lookup after the first, so
     * a test that re-reads a topic until a record appears asks the registry once per schema, not once per read (a new
     * deserializer per read once hung a test for 60 s in a registry call under load).
     */
    private static final Map<String, AvroKafkaDeserializer<Object>> DESERIALIZERS = new java.util.concurrent.ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    private static <T> T decode(String topic, ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        AvroKafkaDeserializer<Object> deserializer = DESERIALIZERS.computeIfAbsent(registryUrl(), url -> {
            AvroKafkaDeserializer<Object> created = new AvroKafkaDeserializer<>();
            created.configure(registryConfig(), false);
            return created;
        });
        synchronized (deserializer) {
            return (T) deserializer.deserialize(topic, record.headers(), record.value());
        }
    }

    /** One record as a downstream service sees it: key, headers, the raw value bytes and the decoded Avro record. */
    public record DecodedRecord<T>(String key, byte[] rawValue, T value, Map<String, String> headers) {

        /** The raw value as text, to search it for data that must not be there. */
        public String rawValueText() {
            return new String(rawValue, StandardCharsets.ISO_8859_1);
        }
    }

    /** Every record now on a topic, each with its raw bytes, its headers and its decoded Avro record. */
    public static <T> List<DecodedRecord<T>> readDecoded(String topic) {
        List<ConsumerRecord<String, byte[]>> raw = readRaw(topic);
        List<DecodedRecord<T>> decoded = new ArrayList<>(raw.size());
        for (ConsumerRecord<String, byte[]> record : raw) {
            Map<String, String> headers = new HashMap<>();
            record.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
            decoded.add(new DecodedRecord<>(record.key(), record.value(), KafkaTestClients.<T>decode(topic, record),
                    headers));
        }
        return decoded;
    }

    /** Re-reads {@code topic} from the beginning until a record matches, or fails after {@code timeout}. */
    public static ConsumerRecord<String, byte[]> awaitRawRecord(String topic, Predicate<ConsumerRecord<String, byte[]>> match,
            Duration timeout) {
        return awaitRecords(topic, () -> readRaw(topic), match, 1, timeout).get(0);
    }

    /** Re-reads {@code topic} from the beginning until at least {@code count} Avro records match, or fails after {@code timeout}. */
    public static <T> List<ConsumerRecord<String, T>> awaitAvroRecords(String topic, Predicate<ConsumerRecord<String, T>> match,
            int count, Duration timeout) {
        return awaitRecords(topic, () -> KafkaTestClients.<T>readAvro(topic), match, count, timeout);
    }

    private static <V> List<ConsumerRecord<String, V>> awaitRecords(String topic, Supplier<List<ConsumerRecord<String, V>>> read,
            Predicate<ConsumerRecord<String, V>> match, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, V>> matched;
        do {
            matched = read.get().stream().filter(match).toList();
            if (matched.size() >= count) {
                return matched;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for records on " + topic, e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("Expected " + count + " matching record(s) on " + topic + " within " + timeout
                + ", found " + matched.size());
    }

    private static Properties consumerProps() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    /** Reads every partition of the topic from the beginning up to its current end (no consumer group needed). */
    private static <V> List<ConsumerRecord<String, V>> readAll(KafkaConsumer<String, V> consumer, String topic) {
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (consumer) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                return records;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant until = Instant.now().plusSeconds(20);
            while (Instant.now().isBefore(until)
                    && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
