package org.guestcrm.optout.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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
import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.ProfileChangeType;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/** Real Kafka clients for the tests: what the PMS connector and downstream services would do. */
final class KafkaTestClients {

    private KafkaTestClients() {
    }

    static String bootstrapServers() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    static String registryUrl() {
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

    /** Sends GuestProfileChanged records the way the PMS connector does (Apicurio Avro serde), waiting for the ack. */
    static void sendProfile(GuestProfileChanged event) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        props.putAll(registryConfig());
        try (KafkaProducer<String, GuestProfileChanged> producer = new KafkaProducer<>(props)) {
            String key = event.getMetadata().getTenantId() + ":" + event.getPmsSystem() + ":" + event.getPmsProfileId();
            producer.send(new ProducerRecord<>("pms.profiles", key, event)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not send the test profile", e);
        }
    }

    /** Sends bytes that are no Avro record at all. */
    static void sendRaw(String topic, String key, byte[] value) {
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
    static List<ConsumerRecord<String, byte[]>> readRaw(String topic) {
        Properties props = consumerProps();
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return readAll(new KafkaConsumer<>(props), topic);
    }

    /** Every record now on a topic, as Avro specific records. */
    static <T> List<ConsumerRecord<String, T>> readAvro(String topic) {
        Properties props = consumerProps();
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName());
        props.putAll(registryConfig());
        return readAll(new KafkaConsumer<>(props), topic);
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

    /** A GuestProfileChanged as a PMS feed would send it. */
    static GuestProfileChanged.Builder profile(String tenant, String pmsSystem, String pmsProfileId, Long pmsSequence) {
        return GuestProfileChanged.newBuilder()
                .setMetadata(EventMetadata.newBuilder()
                        .setEventId(UUID.randomUUID())
                        .setEventType("GuestProfileChanged")
                        .setOccurredAt(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                        .setSource("test-" + pmsSystem)
                        .setTenantId(tenant)
                        .setCorrelationId(UUID.randomUUID().toString())
                        .setCausationId(null)
                        .setSchemaVersion(1)
                        .build())
                .setChangeType(ProfileChangeType.UPSERTED)
                .setPmsSystem(pmsSystem)
                .setPmsProfileId(pmsProfileId)
                .setPmsSequence(pmsSequence)
                .setFirstName("Anna")
                .setLastName("Muster")
                .setLanguage("de")
                .setEmails(List.of())
                .setPhones(List.of())
                .setAddresses(List.of());
    }

    static EmailAddress email(String address, boolean primary) {
        return EmailAddress.newBuilder().setAddress(address).setType("PERSONAL").setPrimary(primary).build();
    }

    static PhoneNumber phone(String number) {
        return PhoneNumber.newBuilder().setNumber(number).setType("MOBILE").setPrimary(true).build();
    }
}
