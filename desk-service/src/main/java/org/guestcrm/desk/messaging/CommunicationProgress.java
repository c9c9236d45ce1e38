package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.platform.intake.IntakeRecord;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * How far the desk has applied crm.communications, so that the sweep never calls a document late while the
 * communication that sent it is still in the consumer's lag. The communications handler records, per partition and in
 * its batch's transaction, the next offset after the records it applied and their newest event time
 * ({@code communication_progress}); {@link #caughtUpTo} compares that, and the group's committed offsets (which also
 * cover the records the desk ignores), with the partitions' end offsets: a partition read to its end holds nothing
 * back, a partition behind holds lateness back to the newest event time applied from it.
 */
@ApplicationScoped
public class CommunicationProgress {

    /** What the sweep may judge: documents due up to {@code until}; {@code behind} partitions lag (their count). */
    public record CaughtUp(Instant until, int behind, long lag) {
    }

    @Inject
    EntityManager entityManager;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;
    @ConfigProperty(name = "mp.messaging.incoming.communications-in.topic", defaultValue = "crm.communications")
    String topic;
    @ConfigProperty(name = "mp.messaging.incoming.communications-in.group.id", defaultValue = "desk-service-communications")
    String group;

    private volatile Admin admin;

    /** Records the batch's progress per partition: one upsert per partition, in the batch's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(List<IntakeRecord<CommunicationEvent>> records) {
        Map<Integer, long[]> next = new TreeMap<>();
        Map<Integer, Instant> newest = new HashMap<>();
        for (IntakeRecord<CommunicationEvent> record : records) {
            next.merge(record.partition(), new long[] {record.offset() + 1},
                    (a, b) -> a[0] >= b[0] ? a : b);
            Instant at = record.value().getMetadata().getOccurredAt();
            if (at != null) {
                newest.merge(record.partition(), at, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        Instant now = Instant.now();
        List<Map.Entry<Integer, long[]>> rows = new java.util.ArrayList<>(next.entrySet());
        if (rows.isEmpty()) {
            return;
        }
        io.micrometer.core.instrument.Counter counter = meters.counter("desk.jdbc.statements", "table",
                "communication_progress");
        org.guestcrm.desk.persistence.Jdbc.work(entityManager, connection -> {
            try (java.sql.PreparedStatement upsert = connection.prepareStatement(PROGRESS)) {
                upsert.setArray(1, org.guestcrm.desk.persistence.Jdbc.texts(connection, rows, Map.Entry::getKey));
                upsert.setArray(2, org.guestcrm.desk.persistence.Jdbc.texts(connection, rows, e -> e.getValue()[0]));
                upsert.setArray(3, org.guestcrm.desk.persistence.Jdbc.texts(connection, rows,
                        e -> newest.getOrDefault(e.getKey(), Instant.EPOCH)));
                upsert.setArray(4, org.guestcrm.desk.persistence.Jdbc.texts(connection, rows, e -> now));
                counter.increment();
                return upsert.executeUpdate();
            }
        });
    }

    /** One upsert for every partition of the batch, in partition order (one statement text, issue 5). */
    private static final String PROGRESS = """
            insert into communication_progress (topic_partition, next_offset, newest_event_at, updated_at)
            select r.* from unnest(cast(? as int[]), cast(? as bigint[]), cast(? as timestamptz[]),
                                   cast(? as timestamptz[])) as r(topic_partition, next_offset, newest_event_at, updated_at)
            order by r.topic_partition
            on conflict (topic_partition) do update
            set next_offset = greatest(communication_progress.next_offset, excluded.next_offset),
                newest_event_at = greatest(communication_progress.newest_event_at, excluded.newest_event_at),
                updated_at = excluded.updated_at""";

    /**
     * Up to when the desk has applied crm.communications: {@code now} when every partition is read to its end, else
     * the oldest among the lagging partitions' newest event times applied (the epoch for one never applied from).
     * Empty when the broker cannot tell (unreachable): then nothing can be judged late.
     */
    public Optional<CaughtUp> caughtUpTo(Instant now) {
        try {
            Admin client = admin();
            List<TopicPartition> partitions = new ArrayList<>();
            client.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = client.listOffsets(latest).all()
                    .get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = client.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Map<Integer, Object[]> progress = new HashMap<>();
            for (Object row : entityManager.createNativeQuery(
                    "select topic_partition, next_offset, newest_event_at from communication_progress").getResultList()) {
                Object[] r = (Object[]) row;
                progress.put(((Number) r[0]).intValue(), r);
            }
            Instant until = now;
            int behind = 0;
            long lag = 0;
            for (TopicPartition partition : partitions) {
                long end = ends.get(partition).offset();
                OffsetAndMetadata commit = committed.get(partition);
                Object[] applied = progress.get(partition.partition());
                long read = Math.max(commit == null ? 0 : commit.offset(),
                        applied == null ? 0 : ((Number) applied[1]).longValue());
                if (read >= end) {
                    continue;
                }
                behind++;
                lag += end - read;
                Instant newest = applied == null ? Instant.EPOCH : toInstant(applied[2]);
                if (newest.isBefore(until)) {
                    until = newest;
                }
            }
            return Optional.of(new CaughtUp(until, behind, lag));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return Instant.EPOCH;
    }

    private Admin admin() {
        Admin client = admin;
        if (client == null) {
            synchronized (this) {
                if (admin == null) {
                    Properties properties = new Properties();
                    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
                    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
                    properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "desk-sweep-progress");
                    admin = Admin.create(properties);
                }
                client = admin;
            }
        }
        return client;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        Admin client = admin;
        if (client != null) {
            client.close(java.time.Duration.ofSeconds(2));
        }
    }
}
