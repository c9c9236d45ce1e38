package org.guestcrm.deploy.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.testsupport.KafkaBroker;
import org.junit.jupiter.api.Test;

/**
 * The judgement against a real broker (test-support's shared Kafka): a consumer group that keeps up, falls behind
 * while committing, stops committing while still a member, leaves, and is rewound. The test drives the group's
 * commits itself, so every reading is determined by what the group did, not by how fast the machine is.
 */
class LagMonitorTest {

    private static final KafkaBroker KAFKA = KafkaBroker.shared();

    @Test
    void aConsumerThatFallsBehindStallsAndStopsIsJudgedSoWithRecordsAndSecondsBehind() throws Exception {
        String topic = "lag-" + UUID.randomUUID();
        String group = "lag-group-" + UUID.randomUUID();
        KAFKA.createTopic(topic, 2, false);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        Instant old = Instant.now().minus(Duration.ofMinutes(10));
        try (KafkaProducer<String, String> producer = producer();
                LagMonitor monitor = new LagMonitor(KAFKA.bootstrapServers(), Map.of(), 3);
                KafkaConsumer<String, String> consumer = consumer(group)) {
            send(producer, topic, 0, 10, old);
            send(producer, topic, 1, 10, old);
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.assignment().size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            assertEquals(Set.of(p0, p1), consumer.assignment());
            consumer.pause(consumer.assignment());
            commit(consumer, p0, 10, p1, 10);

            LagReport.GroupLag caughtUp = group(monitor.sample(), group);
            assertEquals(LagState.OK, caughtUp.state());
            assertEquals(0, caughtUp.lag());
            assertEquals(1, caughtUp.members());

            // Falling behind while committing: lag 5, 10, 15 with the offsets moving.
            send(producer, topic, 0, 10, old);
            commit(consumer, p0, 15, p1, 10);
            LagReport.GroupLag first = group(monitor.sample(), group);
            assertEquals(5, first.lag());
            send(producer, topic, 0, 10, old);
            commit(consumer, p0, 20, p1, 10);
            send(producer, topic, 0, 5, old);
            group(monitor.sample(), group);
            send(producer, topic, 0, 5, old);
            commit(consumer, p0, 25, p1, 10);
            LagReport.GroupLag behind = group(monitor.sample(), group);
            LagReport.PartitionLag behindP0 = partition(behind, topic, 0);
            assertEquals(LagState.WARNING, behindP0.state(), behindP0.reason());
            assertEquals(15, behindP0.lag());
            assertEquals(LagState.WARNING, behind.state());
            assertTrue(behindP0.secondsBehind() >= 590, "next unconsumed record is 10 minutes old: "
                    + behindP0.secondsBehind());
            assertEquals(LagState.OK, partition(behind, topic, 1).state());
            assertEquals(0, partition(behind, topic, 1).lag());

            // Still a member, committing nothing, records waiting on partition 1: stalled once the window is full.
            Instant newer = Instant.now().minus(Duration.ofSeconds(90));
            send(producer, topic, 1, 3, newer);
            LagReport.PartitionLag stalled = null;
            for (int i = 0; i < 3; i++) {
                consumer.poll(Duration.ZERO); // paused: keeps the membership, fetches nothing
                stalled = partition(group(monitor.sample(), group), topic, 1);
            }
            assertEquals(LagState.STALLED, stalled.state(), stalled.reason());
            assertEquals(3, stalled.lag());
            assertTrue(stalled.secondsBehind() >= 89 && stalled.secondsBehind() < 590,
                    "behind since the first of the 3 new records: " + stalled.secondsBehind());

            // Rewound below what it had committed: error.
            commit(consumer, p0, 5, p1, 10);
            assertEquals(LagState.ERROR, partition(group(monitor.sample(), group), topic, 0).state());
        }
        // The consumer left the group (closed): records wait and nobody reads them.
        try (LagMonitor monitor = new LagMonitor(KAFKA.bootstrapServers(), Map.of(), 3)) {
            LagReport.GroupLag stopped = group(monitor.sample(), group);
            assertEquals(0, stopped.members());
            assertEquals(LagState.STOPPED, stopped.state(), stopped.worstReason());
            assertEquals(35 + 3, stopped.lag(), "p0: end 40, committed 5; p1: end 13, committed 10");
        }
    }

    @Test
    void anUnreachableClusterIsAnErrorNotACrash() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (LagMonitor monitor = new LagMonitor("localhost:" + port, Map.of(), 3)) {
            LagReport report = monitor.sample();
            assertNotNull(report.error());
            assertEquals(LagState.ERROR, report.worst());
            assertTrue(report.groups().isEmpty());
        }
    }

    private static LagReport.GroupLag group(LagReport report, String group) {
        assertEquals(null, report.error());
        return report.groups().stream().filter(g -> g.group().equals(group)).findFirst()
                .orElseThrow(() -> new AssertionError("no group " + group + " in " + report));
    }

    private static LagReport.PartitionLag partition(LagReport.GroupLag group, String topic, int partition) {
        return group.topics().stream().filter(t -> t.topic().equals(topic)).flatMap(t -> t.partitions().stream())
                .filter(p -> p.partition() == partition).findFirst().orElseThrow();
    }

    private static void commit(KafkaConsumer<String, String> consumer, TopicPartition a, long offsetA,
            TopicPartition b, long offsetB) {
        consumer.commitSync(Map.of(a, new OffsetAndMetadata(offsetA), b, new OffsetAndMetadata(offsetB)));
    }

    private static void send(KafkaProducer<String, String> producer, String topic, int partition, int count,
            Instant timestamp) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, partition, timestamp.toEpochMilli(), "k" + i, "v" + i)).get();
        }
    }

    private static KafkaProducer<String, String> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }
}
