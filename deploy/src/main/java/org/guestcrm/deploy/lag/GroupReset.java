package org.guestcrm.deploy.lag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Moves a consumer group's committed offsets back (or forward) to a point in time, for a rebuild: each partition to
 * the first record at or after the time (the log end when there is none). The plan comes first and changes nothing
 * (a dry run: how many records each partition would re-read, or skip); {@link #apply} commits it, and only while the
 * group has no member: a running consumer would overwrite the reset with its next commit, so it must be stopped first
 * (Kafka refuses it too).
 */
public final class GroupReset {

    /** One partition of the plan: where the group is, where it would be, and what that means. */
    public record Move(String topic, int partition, long committed, long target, long end) {

        /** Records the group would read again (negative: records it would skip). */
        public long reread() {
            return Math.max(0, committed) - target;
        }
    }

    /** The plan for one group: its moves, and whether it may be applied now (no member) or why not. */
    public record Plan(String group, Instant to, List<Move> moves, int members, String refusal) {

        public long totalReread() {
            return moves.stream().mapToLong(Move::reread).filter(r -> r > 0).sum();
        }
    }

    private final Map<String, Object> clientProperties;

    public GroupReset(String bootstrapServers, Map<String, ?> securitySettings) {
        Map<String, Object> properties = new HashMap<>(securitySettings);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers));
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "guestcrm-group-reset");
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        this.clientProperties = Map.copyOf(properties);
    }

    /** The dry run: what a reset of {@code group} to {@code to} would do on every partition it has committed (or only {@code topic}'s). */
    public Plan plan(String group, Instant to, String topic) throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(clientProperties)) {
            return plan(admin, group, to, topic);
        }
    }

    private static Plan plan(Admin admin, String group, Instant to, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        ConsumerGroupDescription description;
        try {
            description = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) {
                throw e;
            }
            return new Plan(group, to, List.of(), 0, "the group has committed nothing (no such group)");
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> atTime = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().stream().filter(tp -> topic == null || tp.topic().equals(topic)).forEach(tp -> {
            atTime.put(tp, OffsetSpec.forTimestamp(to.toEpochMilli()));
            latest.put(tp, OffsetSpec.latest());
        });
        List<Move> moves = new ArrayList<>();
        if (!atTime.isEmpty()) {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> targets = admin.listOffsets(atTime).all()
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(10, TimeUnit.SECONDS);
            for (TopicPartition tp : atTime.keySet()) {
                long end = ends.get(tp).offset();
                long target = targets.get(tp).offset();
                OffsetAndMetadata offset = committed.get(tp);
                moves.add(new Move(tp.topic(), tp.partition(), offset == null ? -1 : offset.offset(),
                        target < 0 ? end : target, end));
            }
        }
        moves.sort(Comparator.comparing(Move::topic).thenComparingInt(Move::partition));
        int members = description == null ? 0 : description.members().size();
        String refusal = moves.isEmpty() ? "the group has committed nothing" + (topic == null ? "" : " on " + topic)
                : members > 0 ? "the group has " + members + " member(s): stop its consumers first (their next commit would undo the reset)"
                : null;
        return new Plan(group, to, List.copyOf(moves), members, refusal);
    }

    /** Plans again (the group may have moved) and commits the plan when the group has no member; returns what was done. */
    public Plan apply(String group, Instant to, String topic) throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(clientProperties)) {
            Plan plan = plan(admin, group, to, topic);
            if (plan.refusal() != null) {
                return plan;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            plan.moves().forEach(m -> offsets.put(new TopicPartition(m.topic(), m.partition()), new OffsetAndMetadata(m.target())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get(10, TimeUnit.SECONDS);
            return plan;
        }
    }
}
