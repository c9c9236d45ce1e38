package org.guestcrm.connector.messaging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.persistence.OutboxEventEntity;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChanged;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes outbox rows to Kafka in id order through the Apicurio Avro serde, waits for the
 * broker's acks, then marks them sent. One replica relays at a time (transaction-scoped
 * PostgreSQL advisory lock); a failed send leaves the row and everything after it for the next run.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** Advisory lock key of the connector's relay ("pmsrelay" in ASCII). */
    static final long RELAY_LOCK_KEY = 0x706d7372656c6179L;

    @Inject
    @Channel("pms-events")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
    Emitter<SpecificRecord> emitter;

    @Inject
    EntityManager entityManager;

    @Inject
    ConnectorConfig config;

    /**
     * Quarkus' simple scheduler fires at most once a second, so each run polls the outbox every
     * {@code connector.outbox.poll-interval} (200 ms) for just under a second, relaying batch after batch.
     */
    @Scheduled(every = "${connector.outbox.relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void relayPendingEvents() {
        long until = System.nanoTime() + Duration.ofMillis(900).toNanos();
        while (System.nanoTime() < until) {
            int sent;
            try {
                sent = QuarkusTransaction.requiringNew()
                        .timeout((int) config.outbox().ackTimeout().toSeconds() + 30)
                        .call(this::relayOneBatch);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Outbox relay run failed; unsent events stay in the outbox for the next run.");
                return;
            }
            if (sent == 0) {
                try {
                    Thread.sleep(config.outbox().pollInterval().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Relays at most one batch; returns how many rows were marked sent (0 when another replica holds the lock). */
    int relayOneBatch() {
        Boolean locked = (Boolean) entityManager.createNativeQuery("select pg_try_advisory_xact_lock(:key)")
                .setParameter("key", RELAY_LOCK_KEY)
                .getSingleResult();
        if (!Boolean.TRUE.equals(locked)) {
            return 0;
        }
        List<OutboxEventEntity> batch = OutboxEventEntity.<OutboxEventEntity>find("sentAt is null order by id")
                .page(0, config.outbox().batchSize())
                .list();
        if (batch.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
        for (OutboxEventEntity row : batch) {
            try {
                acks.add(send(row));
            } catch (RuntimeException e) {
                logFailureOnce(row, "could not be handed to the Kafka producer (" + e.getMessage() + ")");
                break;
            }
        }
        long deadline = System.nanoTime() + config.outbox().ackTimeout().toNanos();
        Instant sentAt = Instant.now();
        int sent = 0;
        for (int i = 0; i < acks.size(); i++) {
            OutboxEventEntity row = batch.get(i);
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                row.sentAt = sentAt;
                sent++;
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                logFailureOnce(row, "was not acknowledged (" + cause + "); it and later rows are retried");
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (sent > 0) {
            LOG.debugf("Outbox relay published %d event(s) up to row %d.", sent, batch.get(sent - 1).id);
        }
        return sent;
    }

    /** The row whose failure was last logged: a stuck row is logged once as a warning, then at debug level. */
    private volatile Long lastFailedRow;

    private void logFailureOnce(OutboxEventEntity row, String what) {
        if (!row.id.equals(lastFailedRow)) {
            lastFailedRow = row.id;
            LOG.warnf("Outbox event %s (row %d) to %s %s.", row.eventId, row.id, row.topic, what);
        } else {
            LOG.debugf("Outbox event %s (row %d) to %s still %s.", row.eventId, row.id, row.topic, what);
        }
    }

    private CompletableFuture<Void> send(OutboxEventEntity row) {
        SpecificRecord record = decode(row);
        RecordHeaders headers = new RecordHeaders();
        headers.add("event-id", row.eventId.toString().getBytes(StandardCharsets.UTF_8));
        headers.add("event-type", simpleName(row.recordType).getBytes(StandardCharsets.UTF_8));
        headers.add("correlation-id", row.messageId.toString().getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> kafkaMetadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic)
                .withKey(row.recordKey)
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> ack = new CompletableFuture<>();
        emitter.send(Message.of(record, Metadata.of(kafkaMetadata),
                () -> {
                    ack.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    ack.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return ack;
    }

    /*
     * Decoders bound to this class's loader: Avro otherwise resolves record classes by name through the
     * thread's context class loader, which under Quarkus may be another copy of the generated classes.
     */
    private static final SpecificData AVRO = avroWithLogicalTypes();
    private static final BinaryMessageDecoder<ReservationChanged> RESERVATION_DECODER =
            new BinaryMessageDecoder<>(AVRO, ReservationChanged.getClassSchema());
    private static final BinaryMessageDecoder<GuestProfileChanged> PROFILE_DECODER =
            new BinaryMessageDecoder<>(AVRO, GuestProfileChanged.getClassSchema());

    private static SpecificRecord decode(OutboxEventEntity row) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(row.payload);
            if (ReservationChanged.getClassSchema().getFullName().equals(row.recordType)) {
                return RESERVATION_DECODER.decode(bytes);
            }
            if (GuestProfileChanged.getClassSchema().getFullName().equals(row.recordType)) {
                return PROFILE_DECODER.decode(bytes);
            }
            throw new IllegalStateException("Outbox row " + row.id + " has an unknown record type " + row.recordType);
        } catch (IOException e) {
            throw new IllegalStateException("Outbox row " + row.id + " does not hold a readable " + row.recordType, e);
        }
    }

    private static SpecificData avroWithLogicalTypes() {
        SpecificData avro = new SpecificData(OutboxRelay.class.getClassLoader());
        avro.addLogicalTypeConversion(new TimeConversions.DateConversion());
        avro.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        avro.addLogicalTypeConversion(new Conversions.DecimalConversion());
        avro.addLogicalTypeConversion(new Conversions.UUIDConversion());
        return avro;
    }

    private static String simpleName(String fullName) {
        return fullName.substring(fullName.lastIndexOf('.') + 1);
    }
}
