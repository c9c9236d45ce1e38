package org.guestcrm.deploy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** The lag of every consumer group per topic: records written but not yet committed as consumed. */
final class ConsumerLag {

    /** Lag of one group on one topic; -1 when the group has not committed any offset yet. */
    record GroupLag(String group, String topic, long lag) {
    }

    static final String NOTHING_COMMITTED = "(no offset committed yet)";

    private ConsumerLag() {
    }

    /**
     * The committed offsets of every consumer group summed over its partitions: how many records each group has
     * consumed in total. The difference of two readings is what a group consumed between them.
     */
    @SuppressWarnings("deprecation") // see read()
    static Map<String, Long> committedTotals(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        Map<String, Long> totals = new TreeMap<>();
        try (Admin admin = Admin.create(properties)) {
            for (ConsumerGroupListing listing : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(listing.groupId())
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                totals.put(listing.groupId(), committed.values().stream().mapToLong(o -> o == null ? 0 : o.offset()).sum());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while reading committed offsets", e);
        } catch (Exception e) {
            throw new StackException("Cannot read committed offsets from Kafka: " + e.getMessage(), e);
        }
        return totals;
    }

    @SuppressWarnings("deprecation") // listConsumerGroups is what the Kafka 4.1 admin client offers for classic and consumer groups alike
    static List<GroupLag> read(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        List<GroupLag> lags = new ArrayList<>();
        try (Admin admin = Admin.create(properties)) {
            List<String> groups = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId).sorted().toList();
            for (String group : groups) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latestWanted = committed.keySet().stream()
                        .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = admin.listOffsets(latestWanted)
                        .all().get(10, TimeUnit.SECONDS);
                Map<String, Long> perTopic = new TreeMap<>();
                committed.forEach((tp, offset) -> {
                    long end = latest.get(tp).offset();
                    long position = offset == null ? 0 : offset.offset();
                    perTopic.merge(tp.topic(), Math.max(0, end - position), Long::sum);
                });
                if (perTopic.isEmpty()) {
                    lags.add(new GroupLag(group, NOTHING_COMMITTED, -1));
                }
                perTopic.forEach((topic, lag) -> lags.add(new GroupLag(group, topic, lag)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while reading consumer lag", e);
        } catch (Exception e) {
            throw new StackException("Cannot read consumer lag from Kafka: " + e.getMessage(), e);
        }
        lags.sort(Comparator.comparing(GroupLag::group).thenComparing(GroupLag::topic));
        return lags;
    }

    /**
     * How many records of {@code topic} the {@code group} has not committed as consumed, over every partition of the
     * topic: a partition the group has committed nothing on counts whole (its consumer has not got to it yet), unlike
     * {@link #read}, which knows only the partitions a group committed on. -1 when Kafka cannot tell.
     */
    static long behind(String bootstrapServers, String group, String topic) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(properties)) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
            Map<TopicPartition, OffsetSpec> wanted = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                wanted.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = admin.listOffsets(wanted).all()
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long behind = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : latest.entrySet()) {
                OffsetAndMetadata position = committed.get(end.getKey());
                behind += Math.max(0, end.getValue().offset() - (position == null ? 0 : position.offset()));
            }
            return behind;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
