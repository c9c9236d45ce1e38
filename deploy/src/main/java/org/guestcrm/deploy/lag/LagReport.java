package org.guestcrm.deploy.lag;

import java.time.Instant;
import java.util.List;

/**
 * One reading of every consumer group of a cluster, judged.
 *
 * @param at     when it was read
 * @param groups every consumer group, by name
 * @param error  why the cluster could not be read (then {@code groups} is empty), else null
 */
public record LagReport(Instant at, List<GroupLag> groups, String error) {

    /** One partition of one group: offsets, lag in records and seconds, and the judgement over the window. */
    public record PartitionLag(String topic, int partition, long committed, long end, long lag, double secondsBehind,
            boolean consumed, LagState state, String reason) {
    }

    /** One topic of one group: summed lag, the largest seconds behind and the worst partition state. */
    public record TopicLag(String topic, long lag, double secondsBehind, LagState state, List<PartitionLag> partitions) {
    }

    /**
     * One consumer group.
     *
     * @param kafkaState the group's state as the broker reports it (STABLE, EMPTY, ...)
     * @param members    how many consumers are in it
     * @param history    its total lag in records at each of the last readings, oldest first (for a sparkline)
     */
    public record GroupLag(String group, String kafkaState, int members, LagState state, long lag,
            double secondsBehind, List<TopicLag> topics, List<Long> history) {

        /** The reason of the worst partition, or "" when all is well. */
        public String worstReason() {
            return topics.stream().flatMap(t -> t.partitions().stream()).filter(p -> p.state() == state)
                    .map(p -> p.topic() + "-" + p.partition() + ": " + p.reason()).findFirst().orElse("");
        }
    }

    /** The worst state of all groups (OK when there is none; ERROR when the cluster could not be read). */
    public LagState worst() {
        if (error != null) {
            return LagState.ERROR;
        }
        return groups.stream().map(GroupLag::state).reduce(LagState.OK, LagState::worse);
    }
}
