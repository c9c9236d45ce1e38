package org.guestcrm.platform.ops;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.guestcrm.platform.intake.DeadLetters;
import org.guestcrm.platform.kafka.KafkaSettings;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The dead letters of this service's consumers ({@code <topic>.dlq} of every {@code mp.messaging.incoming.*.topic}):
 * listed with their reasons and origin, and replayed to the topic they came from after a fix. A replay is safe:
 * consumers are idempotent on the event id, so a record that was applied meanwhile has no second effect. Values are
 * never shown (they hold guests' personal data); keys are aggregate ids.
 */
@ApplicationScoped
public class DeadLetterOps {

    /** One dead letter as an operator sees it. */
    public record DeadLetter(String topic, int partition, long offset, Instant at, String key, String reason,
            String exceptionClass, String originalTopic, Integer originalPartition, Long originalOffset,
            int valueBytes, DeadLetterActions.State state, String note, String actedBy, Instant actedAt) {

        DeadLetter with(DeadLetterActions.Action action) {
            return action == null ? this : new DeadLetter(topic, partition, offset, at, key, reason, exceptionClass,
                    originalTopic, originalPartition, originalOffset, valueBytes, action.state(), action.note(),
                    action.actor(), action.at());
        }
    }

    /**
     * One dead letter in full: its headers other than the reason headers (ids and types, never a guest's data) and its
     * value decoded as JSON, masked unless the caller may see guests' data; {@code valueError} when it cannot be
     * decoded (often why it is a dead letter).
     */
    public record Details(DeadLetter letter, Map<String, String> headers, boolean masked,
            com.fasterxml.jackson.databind.JsonNode value, String valueError) {
    }

    @jakarta.inject.Inject
    DeadLetterActions actions;
    @jakarta.inject.Inject
    org.guestcrm.platform.kafka.RegistryDecoder decoder;

    private volatile KafkaProducer<String, byte[]> producer;

    /**
     * The dead-letter topics this service writes: {@code <topic>.dlq} of every incoming channel, and those named in
     * {@code guestcrm.dead-letters.extra-topics} (comma separated, each ending in {@code .dlq}) for dead letters a
     * service writes from something other than a messaging channel.
     */
    public Set<String> topics() {
        Config config = ConfigProvider.getConfig();
        Set<String> topics = new TreeSet<>();
        config.getOptionalValues("guestcrm.dead-letters.extra-topics", String.class).ifPresent(extra -> extra.stream()
                .map(String::strip).filter(t -> t.endsWith(DeadLetters.DLQ_SUFFIX)).forEach(topics::add));
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("mp.messaging.incoming.") && name.endsWith(".topic")) {
                config.getOptionalValue(name, String.class).ifPresent(t -> topics.add(t + DeadLetters.DLQ_SUFFIX));
            }
        }
        return topics;
    }

    /** Up to {@code limit} dead letters of {@code topic}, oldest first, whose key starts with one of the prefixes. */
    public List<DeadLetter> list(String topic, int limit, Set<String> keyPrefixes) {
        List<DeadLetter> letters = new ArrayList<>();
        Map<String, DeadLetterActions.Action> done = actions.of(topic);
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            if (partitions.isEmpty()) {
                return letters;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (letters.size() < limit && !reachedEnd(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (letters.size() < limit && visible(record.key(), keyPrefixes)) {
                        letters.add(toDeadLetter(record).with(done.get(DeadLetterActions.keyOf(record.topic(),
                                record.partition(), record.offset()))));
                    }
                }
            }
        }
        return letters;
    }

    /** The dead letter at that position, if it exists and is visible with these prefixes. */
    public Optional<ConsumerRecord<String, byte[]>> find(String topic, int partition, long offset,
            Set<String> keyPrefixes) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            if (partitions(consumer, topic).stream().noneMatch(tp -> tp.partition() == partition)) {
                return Optional.empty();
            }
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == offset) {
                        return visible(record.key(), keyPrefixes) ? Optional.of(record) : Optional.empty();
                    }
                    if (record.offset() > offset) {
                        return Optional.empty();
                    }
                }
                if (consumer.position(tp) >= consumer.endOffsets(List.of(tp)).get(tp)) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    public DeadLetter describe(ConsumerRecord<String, byte[]> record) {
        return toDeadLetter(record).with(actions.of(record.topic())
                .get(DeadLetterActions.keyOf(record.topic(), record.partition(), record.offset())));
    }

    /** How many of the (up to {@code limit}) visible dead letters of {@code topic} are neither replayed nor discarded. */
    public int pending(String topic, int limit, Set<String> keyPrefixes) {
        return (int) list(topic, limit, keyPrefixes).stream().filter(l -> l.state() == DeadLetterActions.State.PENDING)
                .count();
    }

    /** The letter in full, its value masked when {@code masked}. */
    public Details details(ConsumerRecord<String, byte[]> record, boolean masked) {
        Map<String, String> headers = new java.util.TreeMap<>();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("dead-letter-") && header.value() != null && header.value().length <= 200) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        com.fasterxml.jackson.databind.JsonNode value = null;
        String error = null;
        if (record.value() == null) {
            error = "no value";
        } else {
            try {
                value = DeadLetterMask.toJson(decoder.decode(originalTopic(record), record.headers(), record.value()),
                        masked);
            } catch (RuntimeException e) {
                // The class only: a decoder's message can quote the bytes it choked on.
                error = "not decodable: " + e.getClass().getSimpleName();
            }
        }
        return new Details(describe(record), headers, masked, value, error);
    }

    /** Records that an operator discarded the letter, with a note; it stays in its topic, marked DISCARDED. */
    public void discard(ConsumerRecord<String, byte[]> record, String note, String actor) throws Exception {
        actions.record(record.topic(), record.partition(), record.offset(), DeadLetterActions.State.DISCARDED, note,
                actor);
    }

    /** {@link #replay} and records who replayed it. */
    public String replay(ConsumerRecord<String, byte[]> record, String note, String actor) throws Exception {
        String original = replay(record);
        actions.record(record.topic(), record.partition(), record.offset(), DeadLetterActions.State.REPLAYED, note,
                actor);
        return original;
    }

    private static String originalTopic(ConsumerRecord<String, byte[]> record) {
        String original = header(record, "dead-letter-topic");
        if (original == null && record.topic().endsWith(DeadLetters.DLQ_SUFFIX)) {
            original = record.topic().substring(0, record.topic().length() - DeadLetters.DLQ_SUFFIX.length());
        }
        return original;
    }

    /**
     * Sends the dead letter back to the topic it came from, with its original key, value and headers and a
     * {@code replayed-from} header; waits for the acknowledgement. Returns the original topic.
     */
    public String replay(ConsumerRecord<String, byte[]> record) throws Exception {
        String original = originalTopic(record);
        if (original == null) {
            throw new IllegalStateException("The record names no original topic");
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("dead-letter-") && !header.key().equals("replayed-from")) {
                headers.add(header);
            }
        }
        headers.add("replayed-from", (record.topic() + "/" + record.partition() + "/" + record.offset())
                .getBytes(StandardCharsets.UTF_8));
        producer().send(new ProducerRecord<>(original, null, record.key(), record.value(), headers))
                .get(30, TimeUnit.SECONDS);
        return original;
    }

    private static boolean visible(String key, Set<String> keyPrefixes) {
        return keyPrefixes == null || (key != null && keyPrefixes.stream().anyMatch(key::startsWith));
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(10)).get(topic);
        return infos == null ? List.of()
                : infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static DeadLetter toDeadLetter(ConsumerRecord<String, byte[]> record) {
        return new DeadLetter(record.topic(), record.partition(), record.offset(),
                Instant.ofEpochMilli(record.timestamp()), record.key(), header(record, "dead-letter-reason"),
                header(record, "dead-letter-exception-class-name"), header(record, "dead-letter-topic"),
                parseInt(header(record, "dead-letter-partition")), parseLong(header(record, "dead-letter-offset")),
                record.value() == null ? 0 : record.value().length, DeadLetterActions.State.PENDING, null, null, null);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Integer parseInt(String value) {
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLong(String value) {
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> config = new HashMap<>();
        config.putAll(KafkaSettings.clientProperties());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "dead-letter-ops");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> config = new HashMap<>();
                    config.putAll(KafkaSettings.clientProperties());
                    config.put(ProducerConfig.ACKS_CONFIG, "all");
                    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                    config.put(ProducerConfig.CLIENT_ID_CONFIG, "dead-letter-replay");
                    producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
                }
            }
        }
        return producer;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
