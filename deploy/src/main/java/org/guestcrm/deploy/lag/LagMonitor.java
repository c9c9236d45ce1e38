package org.guestcrm.deploy.lag;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the lag of every consumer group of a cluster, given its bootstrap servers (and, for a secured cluster, the
 * client's {@code security.*}/{@code sasl.*}/{@code ssl.*} settings), and judges it over a sliding window of the
 * readings it has made ({@link LagJudge}). Lag in seconds is measured from the timestamp of the next unconsumed record
 * of each lagging partition, which this reads with a consumer of its own that joins no group and commits nothing.
 * Not thread-safe: one caller samples at a time.
 */
public final class LagMonitor implements AutoCloseable {

    /** How many total-lag values per group are kept for sparklines. */
    public static final int HISTORY = 60;

    private final Map<String, Object> clientProperties;
    private final LagJudge judge;
    private final Clock clock;
    private final Map<String, Map<TopicPartition, Deque<LagSample>>> windows = new HashMap<>();
    private final Map<String, Deque<Long>> history = new HashMap<>();
    private Admin admin;
    private KafkaConsumer<byte[], byte[]> reader;

    public LagMonitor(String bootstrapServers, Map<String, ?> securitySettings, int windowSize) {
        this(bootstrapServers, securitySettings, new LagJudge(windowSize), Clock.systemUTC());
    }

    LagMonitor(String bootstrapServers, Map<String, ?> securitySettings, LagJudge judge, Clock clock) {
        Map<String, Object> properties = new HashMap<>(securitySettings);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers));
        this.clientProperties = Map.copyOf(properties);
        this.judge = judge;
        this.clock = clock;
    }

    public int windowSize() {
        return judge.windowSize();
    }

    /** Reads every group once, adds the reading to each partition's window and returns the judged report. */
    public LagReport sample() {
        Instant at = clock.instant();
        try {
            return judged(at, read(at));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new LagReport(at, List.of(), "interrupted");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            // A broken client is rebuilt on the next reading (the cluster may be back by then).
            close();
            return new LagReport(at, List.of(), "cannot read the cluster " + clientProperties.get(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
    }

    /** A group as read from the cluster, before judgement. */
    private record Reading(String group, String kafkaState, int members, Map<TopicPartition, LagSample> partitions) {
    }

    @SuppressWarnings("deprecation") // listConsumerGroups is what the Kafka 4.1 admin client offers for classic and consumer groups alike
    private List<Reading> read(Instant at) throws InterruptedException, ExecutionException, TimeoutException {
        Admin admin = admin();
        List<String> groups = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
                .map(ConsumerGroupListing::groupId).sorted().toList();
        if (groups.isEmpty()) {
            return List.of();
        }
        Map<String, ConsumerGroupDescription> descriptions = admin.describeConsumerGroups(groups).all()
                .get(10, TimeUnit.SECONDS);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new LinkedHashMap<>();
        Set<TopicPartition> all = new HashSet<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> known = new HashMap<>();
            offsets.forEach((tp, o) -> known.put(tp, o));
            // Partitions assigned but never committed lag too.
            ConsumerGroupDescription description = descriptions.get(group);
            if (description != null) {
                for (MemberDescription member : description.members()) {
                    member.assignment().topicPartitions().forEach(tp -> known.putIfAbsent(tp, null));
                }
            }
            committed.put(group, known);
            all.addAll(known.keySet());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        if (!all.isEmpty()) {
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            all.forEach(tp -> wanted.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = admin.listOffsets(wanted).all()
                    .get(10, TimeUnit.SECONDS);
            latest.forEach((tp, info) -> ends.put(tp, info.offset()));
        }
        // The next unconsumed record of every lagging partition: one timestamp per (partition, offset).
        Map<TopicPartition, Set<Long>> positions = new HashMap<>();
        committed.forEach((group, offsets) -> offsets.forEach((tp, o) -> {
            long position = o == null ? 0 : o.offset();
            if (ends.getOrDefault(tp, 0L) > position) {
                positions.computeIfAbsent(tp, k -> new HashSet<>()).add(position);
            }
        }));
        Map<TopicPartition, Map<Long, Instant>> timestamps = nextRecordTimes(positions);
        List<Reading> readings = new ArrayList<>();
        for (String group : groups) {
            ConsumerGroupDescription description = descriptions.get(group);
            Set<TopicPartition> assigned = new HashSet<>();
            if (description != null) {
                description.members().forEach(m -> assigned.addAll(m.assignment().topicPartitions()));
            }
            Map<TopicPartition, LagSample> samples = new HashMap<>();
            committed.get(group).forEach((tp, o) -> {
                long position = o == null ? -1 : o.offset();
                Instant next = timestamps.getOrDefault(tp, Map.of()).get(Math.max(0, position));
                samples.put(tp, new LagSample(at, position, ends.getOrDefault(tp, 0L), assigned.contains(tp), next));
            });
            readings.add(new Reading(group, description == null ? "UNKNOWN" : description.groupState().toString(),
                    description == null ? 0 : description.members().size(), samples));
        }
        return readings;
    }

    private Map<TopicPartition, Map<Long, Instant>> nextRecordTimes(Map<TopicPartition, Set<Long>> wanted) {
        Map<TopicPartition, Map<Long, Instant>> found = new HashMap<>();
        if (wanted.isEmpty()) {
            return found;
        }
        KafkaConsumer<byte[], byte[]> consumer = reader();
        Map<TopicPartition, Deque<Long>> todo = new HashMap<>();
        wanted.forEach((tp, offsets) -> todo.put(tp, new ArrayDeque<>(new TreeSet<>(offsets))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // Rounds: a consumer holds one position per partition, so each round asks for one offset of each.
        while (!todo.isEmpty() && System.nanoTime() < deadline) {
            Map<TopicPartition, Long> round = new HashMap<>();
            todo.forEach((tp, offsets) -> round.put(tp, offsets.peekFirst()));
            consumer.assign(round.keySet());
            round.forEach(consumer::seek);
            Set<TopicPartition> open = new HashSet<>(round.keySet());
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (open.remove(tp)) {
                        // The first record at or after the position (compaction or retention may have removed it).
                        found.computeIfAbsent(tp, k -> new HashMap<>()).put(round.get(tp),
                                Instant.ofEpochMilli(record.timestamp()));
                        consumer.pause(List.of(tp));
                    }
                }
            }
            consumer.resume(consumer.paused());
            round.forEach((tp, offset) -> {
                Deque<Long> offsets = todo.get(tp);
                offsets.pollFirst();
                if (offsets.isEmpty()) {
                    todo.remove(tp);
                }
            });
        }
        consumer.assign(List.of());
        return found;
    }

    private LagReport judged(Instant at, List<Reading> readings) {
        List<LagReport.GroupLag> groups = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (Reading reading : readings) {
            present.add(reading.group());
            Map<TopicPartition, Deque<LagSample>> groupWindows = windows.computeIfAbsent(reading.group(),
                    g -> new HashMap<>());
            groupWindows.keySet().retainAll(reading.partitions().keySet());
            Map<String, List<LagReport.PartitionLag>> byTopic = new TreeMap<>();
            reading.partitions().forEach((tp, sample) -> {
                Deque<LagSample> window = groupWindows.computeIfAbsent(tp, k -> new ArrayDeque<>());
                window.addLast(sample);
                while (window.size() > judge.windowSize()) {
                    window.removeFirst();
                }
                LagJudge.Verdict verdict = judge.judge(List.copyOf(window));
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(new LagReport.PartitionLag(tp.topic(),
                        tp.partition(), sample.committed(), sample.end(), sample.lag(), sample.secondsBehind(),
                        sample.consumed(), verdict.state(), verdict.reason()));
            });
            List<LagReport.TopicLag> topics = new ArrayList<>();
            byTopic.forEach((topic, partitions) -> {
                partitions.sort(java.util.Comparator.comparingInt(LagReport.PartitionLag::partition));
                topics.add(new LagReport.TopicLag(topic, partitions.stream().mapToLong(LagReport.PartitionLag::lag).sum(),
                        partitions.stream().mapToDouble(LagReport.PartitionLag::secondsBehind).max().orElse(0),
                        partitions.stream().map(LagReport.PartitionLag::state).reduce(LagState.OK, LagState::worse),
                        List.copyOf(partitions)));
            });
            long lag = topics.stream().mapToLong(LagReport.TopicLag::lag).sum();
            Deque<Long> groupHistory = history.computeIfAbsent(reading.group(), g -> new ArrayDeque<>());
            groupHistory.addLast(lag);
            while (groupHistory.size() > HISTORY) {
                groupHistory.removeFirst();
            }
            groups.add(new LagReport.GroupLag(reading.group(), reading.kafkaState(), reading.members(),
                    topics.stream().map(LagReport.TopicLag::state).reduce(LagState.OK, LagState::worse), lag,
                    topics.stream().mapToDouble(LagReport.TopicLag::secondsBehind).max().orElse(0), List.copyOf(topics),
                    List.copyOf(groupHistory)));
        }
        windows.keySet().retainAll(present);
        history.keySet().retainAll(present);
        return new LagReport(at, List.copyOf(groups), null);
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> properties = new HashMap<>(clientProperties);
            properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "guestcrm-lag-monitor");
            properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
            admin = Admin.create(properties);
        }
        return admin;
    }

    private KafkaConsumer<byte[], byte[]> reader() {
        if (reader == null) {
            Map<String, Object> properties = new HashMap<>(clientProperties);
            properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "guestcrm-lag-monitor-reader");
            properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
            properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "65536");
            properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            reader = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return reader;
    }

    /** The client settings of a secured cluster among {@code settings}: {@code security.*}, {@code sasl.*}, {@code ssl.*}. */
    public static Map<String, String> securitySettings(Map<String, String> settings) {
        Map<String, String> selected = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                selected.put(key, value);
            }
        });
        return selected;
    }

    @Override
    public void close() {
        if (reader != null) {
            try {
                reader.close();
            } catch (RuntimeException e) {
                // closing a broken client
            }
            reader = null;
        }
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                // closing a broken client
            }
            admin = null;
        }
    }
}
