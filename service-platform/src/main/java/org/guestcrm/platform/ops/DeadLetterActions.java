package org.guestcrm.platform.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.platform.kafka.KafkaSettings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * What operators did with dead letters, on the compacted topic {@value #TOPIC}: key {@code <dlq topic>/<partition>/<offset>},
 * value a small JSON document (action, note, actor, time). A dead-letter topic is never rewritten: a discarded or
 * replayed letter stays where it is, and this topic says what became of it, for every replica of every service alike.
 * It is an operations record, not a domain event, so it is JSON rather than an Avro schema of the catalogue; the
 * note is an operator's text and is never logged.
 */
@ApplicationScoped
public class DeadLetterActions {

    /** The topic of operators' actions on dead letters (created, compacted, on first use where missing). */
    public static final String TOPIC = "crm.dead-letter-actions";

    /** The state of a dead letter. */
    public enum State {
        PENDING, REPLAYED, DISCARDED
    }

    /** The last action on one dead letter. */
    public record Action(State state, String note, String actor, Instant at) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile KafkaProducer<String, String> producer;
    private volatile boolean topicReady;

    public static String keyOf(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    /** Records an action and waits for the acknowledgement. */
    public void record(String topic, int partition, long offset, State state, String note, String actor)
            throws Exception {
        ensureTopic();
        Map<String, Object> value = new HashMap<>();
        value.put("state", state.name());
        value.put("note", note);
        value.put("actor", actor);
        value.put("at", Instant.now().toString());
        producer().send(new ProducerRecord<>(TOPIC, keyOf(topic, partition, offset), JSON.writeValueAsString(value)))
                .get(30, TimeUnit.SECONDS);
    }

    /** The last action on every dead letter of {@code topic} (key as {@link #keyOf}); none when nothing was done yet. */
    public Map<String, Action> of(String topic) {
        return read(topic + "/");
    }

    /** The last action on every dead letter of every topic (key as {@link #keyOf}). */
    public Map<String, Action> all() {
        return read("");
    }

    private Map<String, Action> read(String prefix) {
        Map<String, Action> actions = new HashMap<>();
        Map<String, Object> config = new HashMap<>(KafkaSettings.clientProperties());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "dead-letter-actions");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(10)).get(TOPIC);
            if (infos == null || infos.isEmpty()) {
                return actions;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline
                    && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() == null || !record.key().startsWith(prefix)) {
                        continue;
                    }
                    if (record.value() == null) {
                        actions.remove(record.key());
                        continue;
                    }
                    try {
                        var tree = JSON.readTree(record.value());
                        actions.put(record.key(), new Action(State.valueOf(tree.path("state").asText()),
                                tree.path("note").isNull() ? null : tree.path("note").asText(null),
                                tree.path("actor").asText(null), Instant.parse(tree.path("at").asText())));
                    } catch (JsonProcessingException | RuntimeException e) {
                        // Not ours (or damaged): ignored, the letter stays as it was.
                    }
                }
            }
        }
        return actions;
    }

    private void ensureTopic() throws InterruptedException, java.util.concurrent.TimeoutException {
        if (topicReady) {
            return;
        }
        try (Admin admin = Admin.create(new HashMap<>(KafkaSettings.clientProperties()))) {
            if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(TOPIC)) {
                NewTopic topic = new NewTopic(TOPIC, java.util.Optional.of(1), java.util.Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                admin.createTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + TOPIC + ": " + e.getCause().getClass().getSimpleName(),
                        e.getCause());
            }
        }
        topicReady = true;
    }

    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> config = new HashMap<>(KafkaSettings.clientProperties());
                    config.put(ProducerConfig.ACKS_CONFIG, "all");
                    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                    config.put(ProducerConfig.CLIENT_ID_CONFIG, "dead-letter-actions");
                    producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
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
