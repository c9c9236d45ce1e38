package org.guestcrm.deploy.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
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
 * A reset to a time against the real broker: the dry run says how many records each partition would read again and
 * changes nothing; applied while a consumer is in the group it is refused; applied after the consumer left, the
 * committed offsets are the first records at or after the time.
 */
class GroupResetTest {

    private static final KafkaBroker KAFKA = KafkaBroker.shared();

    @Test
    void aDryRunCountsWhatWouldBeReadAgainAndTheResetNeedsTheGroupStopped() throws Exception {
        String topic = "reset-" + UUID.randomUUID();
        String group = "reset-group-" + UUID.randomUUID();
        KAFKA.createTopic(topic, 2, false);
        Instant base = Instant.parse("2026-11-30T00:00:00Z");
        try (KafkaProducer<String, String> producer = producer()) {
            for (int partition = 0; partition < 2; partition++) {
                for (int hour = 0; hour < 10; hour++) {
                    producer.send(new ProducerRecord<>(topic, partition, base.plus(Duration.ofHours(hour)).toEpochMilli(),
                            "k", "v")).get();
                }
            }
        }
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        GroupReset reset = new GroupReset(KAFKA.bootstrapServers(), Map.of());
        Instant sixOClock = base.plus(Duration.ofHours(6));
        try (KafkaConsumer<String, String> consumer = consumer(group)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.assignment().size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            consumer.pause(consumer.assignment());
            consumer.commitSync(Map.of(p0, new OffsetAndMetadata(10), p1, new OffsetAndMetadata(8)));

            GroupReset.Plan dryRun = reset.plan(group, sixOClock, null);
            assertEquals(2, dryRun.moves().size());
            assertEquals(List.of(4L, 2L), dryRun.moves().stream().map(GroupReset.Move::reread).toList(),
                    "p0: 10 -> 6 re-reads 4; p1: 8 -> 6 re-reads 2");
            assertEquals(6, dryRun.moves().get(0).target());
            assertEquals(6, dryRun.totalReread());
            assertEquals(1, dryRun.members());
            assertTrue(dryRun.refusal().contains("member"), dryRun.refusal());

            GroupReset.Plan refused = reset.apply(group, sixOClock, null);
            assertTrue(refused.refusal().contains("stop its consumers"));
            assertEquals(Map.of(p0, 10L, p1, 8L), committed(group), "refused: nothing changed");
        }
        GroupReset.Plan onlyOne = reset.plan(group, sixOClock, topic);
        assertNull(onlyOne.refusal(), "no member left");
        assertEquals(Map.of(p0, 10L, p1, 8L), committed(group), "a dry run changes nothing");

        GroupReset.Plan applied = reset.apply(group, sixOClock, null);
        assertNull(applied.refusal());
        assertEquals(Map.of(p0, 6L, p1, 6L), committed(group));
        // A time after the last record: the log end, nothing to read again.
        GroupReset.Plan late = reset.apply(group, base.plus(Duration.ofDays(1)), null);
        assertEquals(List.of(-4L, -4L), late.moves().stream().map(GroupReset.Move::reread).toList(), "moves forward");
        assertEquals(Map.of(p0, 10L, p1, 10L), committed(group));
        assertTrue(reset.plan("no-such-group-" + UUID.randomUUID(), sixOClock, null).refusal().contains("committed nothing"));
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        try (Admin admin = KAFKA.admin()) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .forEach((tp, o) -> offsets.put(tp, o.offset()));
            return offsets;
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
