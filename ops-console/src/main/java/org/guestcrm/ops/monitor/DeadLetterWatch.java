package org.guestcrm.ops.monitor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.guestcrm.platform.intake.DeadLetters;
import org.guestcrm.platform.kafka.KafkaSettings;
import org.guestcrm.platform.ops.DeadLetterActions;

/**
 * The dead-letter topics of the whole cluster ({@code *.dlq}), read straight from Kafka: how many letters each holds,
 * how many are still pending (neither replayed nor discarded, per {@link DeadLetterActions#TOPIC}), and the time and
 * reason of the newest. Reasons are the platform's sentences (ids and classes, never a guest's data).
 */
final class DeadLetterWatch {

    /** One dead-letter topic. */
    public record Queue(String topic, long total, long pending, Instant newestAt, String newestReason) {
    }

    private DeadLetterWatch() {
    }

    static List<Queue> read(Map<String, DeadLetterActions.Action> actions) throws Exception {
        Map<String, Object> properties = new HashMap<>(KafkaSettings.clientProperties());
        properties.put("request.timeout.ms", 5000);
        properties.put("default.api.timeout.ms", 10000);
        List<Queue> queues = new ArrayList<>();
        try (Admin admin = Admin.create(properties)) {
            Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<String> dlqs = names.stream().filter(n -> n.endsWith(DeadLetters.DLQ_SUFFIX)).sorted().toList();
            if (dlqs.isEmpty()) {
                return queues;
            }
            Map<String, TopicDescription> descriptions = admin.describeTopics(dlqs).allTopicNames().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            descriptions.forEach((topic, d) -> d.partitions().forEach(p -> {
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            }));
            var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, Long> newestOffsets = new HashMap<>();
            Map<String, Long> totals = new TreeMap<>();
            for (TopicPartition tp : latest.keySet()) {
                long start = starts.get(tp).offset();
                long end = ends.get(tp).offset();
                totals.merge(tp.topic(), Math.max(0, end - start), Long::sum);
                if (end > start) {
                    newestOffsets.put(tp, end - 1);
                }
            }
            Map<String, ConsumerRecord<byte[], byte[]>> newest = newest(newestOffsets);
            for (String topic : dlqs) {
                long acted = actions.entrySet().stream()
                        .filter(e -> e.getKey().startsWith(topic + "/") && e.getValue().state() != DeadLetterActions.State.PENDING)
                        .count();
                long total = totals.getOrDefault(topic, 0L);
                ConsumerRecord<byte[], byte[]> last = newest.get(topic);
                queues.add(new Queue(topic, total, Math.max(0, total - acted),
                        last == null ? null : Instant.ofEpochMilli(last.timestamp()),
                        last == null ? null : header(last, "dead-letter-reason")));
            }
        }
        return queues;
    }

    /** The newest record of each topic, among the last record of each of its partitions. */
    private static Map<String, ConsumerRecord<byte[], byte[]>> newest(Map<TopicPartition, Long> offsets) {
        Map<String, ConsumerRecord<byte[], byte[]>> newest = new HashMap<>();
        if (offsets.isEmpty()) {
            return newest;
        }
        Map<String, Object> properties = new HashMap<>(KafkaSettings.clientProperties());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "ops-dead-letter-watch");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "65536");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(offsets.keySet());
            offsets.forEach(consumer::seek);
            Set<TopicPartition> open = new java.util.HashSet<>(offsets.keySet());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    open.remove(new TopicPartition(record.topic(), record.partition()));
                    newest.merge(record.topic(), record, (a, b) -> a.timestamp() >= b.timestamp() ? a : b);
                }
            }
        }
        return newest;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null || header.value() == null) {
            return null;
        }
        String value = new String(header.value(), StandardCharsets.UTF_8);
        return value.length() > 300 ? value.substring(0, 300) + "..." : value;
    }
}
