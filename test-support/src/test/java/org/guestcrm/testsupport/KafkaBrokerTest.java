package org.guestcrm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    @Test
    void producesAndConsumesThroughTheSharedBroker() throws Exception {
        KafkaBroker kafka = Timing.timed("kafka (shared, in-process)", KafkaBroker::shared);
        kafka.createTopics(Map.of(
                "test.events", KafkaBroker.TopicSpec.partitions(3),
                "test.snapshots", KafkaBroker.TopicSpec.compacted(2)));

        try (Admin admin = kafka.admin()) {
            TopicDescription events = admin.describeTopics(List.of("test.events")).allTopicNames().get().get("test.events");
            assertEquals(3, events.partitions().size());
            ConfigResource snapshots = new ConfigResource(ConfigResource.Type.TOPIC, "test.snapshots");
            String policy = admin.describeConfigs(List.of(snapshots)).all().get().get(snapshots).get("cleanup.policy").value();
            assertEquals("compact", policy);
        }

        produce(kafka, "test.events", "tenant:hotel:42", "created");
        assertEquals(List.of("tenant:hotel:42=created"), consume(kafka, "test.events", 1));

        // auto topic creation is on for the shared broker
        produce(kafka, "test.auto-created", "k", "v");
        assertEquals(List.of("k=v"), consume(kafka, "test.auto-created", 1));
    }

    @Test
    void restartsOnAFormattedDataDirectoryKeepingItsRecords(@TempDir Path dir) throws Exception {
        try (KafkaBroker first = Timing.timed("kafka (own, fresh data dir)", () -> KafkaBroker.start(0, dir, false))) {
            first.createTopic("test.kept", 1, false);
            produce(first, "test.kept", "k", "kept across restarts");
        }
        try (KafkaBroker second = Timing.timed("kafka (own, restart on formatted dir)", () -> KafkaBroker.start(0, dir, false))) {
            assertEquals(List.of("k=kept across restarts"), consume(second, "test.kept", 1));
        }
    }

    private static void produce(KafkaBroker kafka, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> consume(KafkaBroker kafka, String topic, int count) {
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    received.add(record.key() + "=" + record.value());
                }
            }
        }
        assertTrue(received.size() >= count, "received " + received);
        return received;
    }
}
