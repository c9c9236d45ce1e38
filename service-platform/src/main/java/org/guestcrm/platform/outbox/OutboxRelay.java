package org.guestcrm.platform.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.platform.kafka.KafkaSettings;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Sends outbox rows to Kafka with its own producer, the stored bytes as they are (serialised once, when written), and
 * marks every acknowledged row sent in one statement per round. Runs on its own thread: woken by a commit that wrote
 * rows ({@link #wake()}), else every {@code pollInterval}; round after round while there is work. With nothing to send
 * the poll backs off, doubling up to {@link #LONGEST_IDLE_POLL}: the poll only finds rows another replica committed
 * (a commit here wakes the relay at once), and a 200 ms poll of five services was a tenth of what the local stack
 * burned at rest. A replica that loses the lock to another's round right after being woken tries once more 50 ms later.
 *
 * <ul>
 *   <li>One replica relays at a time: each round holds a transaction-scoped advisory lock.</li>
 *   <li>A round hands each row to the producer once and waits for all acknowledgements before the next round, so no
 *       row is handed again while it is in flight.</li>
 *   <li>Order per key: rows in id order; once a row of a key fails in a round, later rows of that key wait for the
 *       next round.</li>
 *   <li>A failed send counts against the row when the broker is otherwise reachable (another row of the round was
 *       acknowledged) or the failure is not retriable (too large, invalid topic); after {@code maxAttempts} the row is
 *       parked ({@code parked_at}, {@code last_error}) and only its key waits for an operator, never the service.
 *       When nothing at all is acknowledged and the errors are retriable the broker is down: nothing is counted and
 *       the relay backs off.</li>
 * </ul>
 * Delivery is at least once (a crash between the acknowledgement and the commit sends a row again; consumers
 * deduplicate on eventId). Headers {@code event-id}, {@code event-type}, {@code correlation-id}.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /*
     * Parked keys are read first (partial index outbox_event_parked: nearly always none), then the round's rows. One
     * statement with the anti-join inside let the planner probe every unsent row for every candidate (a nested loop
     * over outbox_event_unsent): under a backlog of n unsent rows a round read n x batch rows (the journey-service read
     * 585 outbox rows per booking at 56 bookings/s), and after an outage it would have read millions per round.
     */
    private static final String PARKED_KEYS = """
            select distinct topic, record_key from outbox_event
            where sent_at is null and parked_at is not null and record_key is not null""";
    private static final String COLUMNS = """
            select o.id, o.event_id, o.event_type, o.topic, o.record_key, o.correlation_id, o.payload, o.attempts
            from outbox_event o
            where o.sent_at is null and o.parked_at is null""";
    private static final String SELECT = COLUMNS + """

            order by o.id
            limit ?""";
    private static final String SELECT_AROUND_PARKED = COLUMNS + """

              and not exists (select 1 from unnest(cast(? as varchar[]), cast(? as varchar[])) as parked(topic, record_key)
                              where parked.topic = o.topic and parked.record_key = o.record_key)
            order by o.id
            limit ?""";

    @Inject
    Instance<OutboxChannel> channels;
    @Inject
    EntityManager entityManager;
    @Inject
    OutboxSerde serde;
    @Inject
    MeterRegistry meters;

    /** The longest pause between two idle rounds (the poll backs off to it while nothing is there to send). */
    static final Duration LONGEST_IDLE_POLL = Duration.ofSeconds(2);
    private static final Duration LOCK_RETRY = Duration.ofMillis(50);

    private final Semaphore wakeups = new Semaphore(0);
    private OutboxChannel.Settings settings;
    private KafkaProducer<String, byte[]> producer;
    private Thread thread;
    private volatile boolean running;
    private Counter sentCounter;
    private Counter parkedCounter;
    private Counter failedCounter;

    void start(@Observes StartupEvent startup) {
        if (!channels.isResolvable()) {
            return;
        }
        settings = channels.get().settings();
        Map<String, Object> config = new HashMap<>();
        config.putAll(KafkaSettings.clientProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                String.valueOf(Math.max(12000, settings.ackTimeout().toMillis())));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.relayName());
        config.putAll(KafkaSettings.withPrefix("guestcrm.outbox.producer."));
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        sentCounter = Counter.builder("guestcrm.outbox.sent").description("Outbox rows acknowledged by Kafka")
                .register(meters);
        failedCounter = Counter.builder("guestcrm.outbox.send.failures")
                .description("Outbox row sends that failed and counted against the row").register(meters);
        parkedCounter = Counter.builder("guestcrm.outbox.parked.rows")
                .description("Outbox rows parked after their last attempt").register(meters);
        running = true;
        thread = new Thread(this::run, settings.relayName());
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Starts a round now (called after a commit that wrote outbox rows). */
    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    private void run() {
        Duration backoff = Duration.ofMillis(100);
        boolean brokerDownLogged = false;
        Duration idlePoll = settings.pollInterval();
        boolean woken = false;
        while (running) {
            Round round;
            try {
                round = QuarkusTransaction.requiringNew()
                        .timeout((int) settings.ackTimeout().toSeconds() + 30)
                        .call(this::relayOneRound);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("Outbox relay round failed; unsent rows stay for the next round: %s",
                        org.guestcrm.platform.intake.Failures.describe(e));
                round = Round.BROKER_DOWN;
            }
            if (round.brokerDown()) {
                if (!brokerDownLogged) {
                    LOG.warn("Outbox relay: nothing was acknowledged; waiting for Kafka (or the database) with back-off.");
                    brokerDownLogged = true;
                }
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                        : backoff.multipliedBy(2);
                continue;
            }
            if (brokerDownLogged) {
                LOG.info("Outbox relay: Kafka acknowledges again; relaying resumed.");
                brokerDownLogged = false;
            }
            backoff = Duration.ofMillis(100);
            if (round == Round.NOT_LEADER && woken) {
                // Woken by our own commit, but another replica's round holds the lock: it may have selected before
                // our rows were committed. One more try shortly, not a whole poll interval later.
                woken = waitForWork(LOCK_RETRY);
                continue;
            }
            if (round.selected() > 0) {
                idlePoll = settings.pollInterval();
            } else if (round != Round.NOT_LEADER) {
                idlePoll = nextIdlePoll(idlePoll, settings.pollInterval());
            }
            if (round.selected() < settings.batchSize()) {
                woken = waitForWork(round.selected() > 0 ? settings.pollInterval() : idlePoll);
                if (woken) {
                    idlePoll = settings.pollInterval();
                }
            } else {
                woken = false;
            }
        }
    }

    /** The next pause after an idle round: doubled, at most {@link #LONGEST_IDLE_POLL} (never below the configured poll). */
    static Duration nextIdlePoll(Duration current, Duration configured) {
        Duration doubled = current.multipliedBy(2);
        Duration longest = configured.compareTo(LONGEST_IDLE_POLL) > 0 ? configured : LONGEST_IDLE_POLL;
        return doubled.compareTo(longest) > 0 ? longest : doubled;
    }

    /** Waits up to {@code pause} for a wake-up; true when woken (a commit here wrote rows), false on time-out. */
    private boolean waitForWork(Duration pause) {
        try {
            if (wakeups.tryAcquire(Math.max(10, pause.toMillis()), TimeUnit.MILLISECONDS)) {
                wakeups.drainPermits();
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return false;
        }
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** What one round did; {@code brokerDown}: rows were there, none was acknowledged, the errors were retriable. */
    record Round(int selected, int sent, boolean brokerDown) {
        static final Round NOT_LEADER = new Round(0, 0, false);
        static final Round BROKER_DOWN = new Round(0, 0, true);
    }

    private record Row(long id, UUID eventId, String eventType, String topic, String key, String correlationId,
            byte[] payload, int attempts) {
    }

    /** One round in the current transaction. Package-private for tests. */
    Round relayOneRound() {
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            // The advisory lock on the round's own connection (same lock space as DatabaseLocks.tryLock), without a
            // Hibernate query per round.
            try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, settings.lockKey());
                try (ResultSet locked = lock.executeQuery()) {
                    if (!locked.next() || !locked.getBoolean(1)) {
                        return Round.NOT_LEADER;
                    }
                }
            }
            return relay(connection);
        });
    }

    private Round relay(Connection connection) throws SQLException {
        List<Row> rows = select(connection);
        if (rows.isEmpty()) {
            return new Round(0, 0, false);
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        Map<Long, Throwable> failures = new HashMap<>();
        Set<String> failedKeys = new HashSet<>();
        Set<String> blockedTopics = new HashSet<>();
        for (Row row : rows) {
            String topicKey = row.topic() + '\u0000' + row.key();
            if (failedKeys.contains(topicKey) || blockedTopics.contains(row.topic())) {
                acks.add(null);                                   // waits behind its key's failed row
                continue;
            }
            Future<RecordMetadata> ack;
            try {
                ack = producer.send(record(row));
            } catch (RuntimeException e) {
                ack = java.util.concurrent.CompletableFuture.failedFuture(e);
            }
            Throwable immediate = ack.isDone() ? failureOf(ack, 0) : null;
            if (immediate != null) {
                failedKeys.add(topicKey);
                if (immediate instanceof org.apache.kafka.common.errors.TimeoutException) {
                    // No metadata for this topic within max.block.ms: its other rows would block as long each.
                    blockedTopics.add(row.topic());
                }
            }
            acks.add(ack);
        }
        long deadline = System.nanoTime() + settings.ackTimeout().toNanos();
        List<Long> sent = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Future<RecordMetadata> ack = acks.get(i);
            if (ack == null) {
                continue;
            }
            Throwable failure = failureOf(ack, Math.max(0, deadline - System.nanoTime()));
            if (failure == null) {
                sent.add(rows.get(i).id());
            } else {
                failures.put(rows.get(i).id(), failure);
            }
        }
        markSent(connection, sent);
        boolean brokerDown = sent.isEmpty() && !failures.isEmpty()
                && failures.values().stream().allMatch(OutboxRelay::retriable);
        if (!brokerDown && !failures.isEmpty()) {
            recordFailures(connection, rows, failures);
        }
        sentCounter.increment(sent.size());
        if (!sent.isEmpty()) {
            LOG.debugf("Outbox relay sent %d row(s) up to row %d.", sent.size(), sent.get(sent.size() - 1));
        }
        return new Round(rows.size(), sent.size(), brokerDown);
    }

    private List<Row> select(Connection connection) throws SQLException {
        List<String> parkedTopics = new ArrayList<>();
        List<String> parkedKeys = new ArrayList<>();
        try (PreparedStatement parked = connection.prepareStatement(PARKED_KEYS); ResultSet result = parked.executeQuery()) {
            while (result.next()) {
                parkedTopics.add(result.getString(1));
                parkedKeys.add(result.getString(2));
            }
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(parkedKeys.isEmpty() ? SELECT : SELECT_AROUND_PARKED)) {
            if (parkedKeys.isEmpty()) {
                select.setInt(1, settings.batchSize());
            } else {
                select.setArray(1, connection.createArrayOf("varchar", parkedTopics.toArray()));
                select.setArray(2, connection.createArrayOf("varchar", parkedKeys.toArray()));
                select.setInt(3, settings.batchSize());
            }
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getLong(1), result.getObject(2, UUID.class), result.getString(3),
                            result.getString(4), result.getString(5), result.getString(6), result.getBytes(7),
                            result.getInt(8)));
                }
            }
        }
        return rows;
    }

    private ProducerRecord<String, byte[]> record(Row row) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("event-id", row.eventId().toString().getBytes(StandardCharsets.UTF_8));
        headers.add("event-type", row.eventType().getBytes(StandardCharsets.UTF_8));
        if (row.correlationId() != null) {
            headers.add("correlation-id", row.correlationId().getBytes(StandardCharsets.UTF_8));
        }
        if (Outbox.TOMBSTONE.equals(row.eventType()) && row.payload().length == 0) {
            return new ProducerRecord<>(row.topic(), null, row.key(), null, headers);
        }
        OutboxFraming.Framed framed = OutboxFraming.unframe(row.payload());
        framed.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(row.topic(), null, row.key(), wireBytes(row, framed.wire()), headers);
    }

    /**
     * Rows written before the outbox stored wire bytes hold Avro's single-object encoding (marker C3 01): decoded
     * and serialised once more here.
     */
    private byte[] wireBytes(Row row, byte[] payload) {
        if (payload.length > 1 && payload[0] == (byte) 0xC3 && payload[1] == 0x01) {
            OutboxEvent legacy = new OutboxEvent();
            legacy.id = row.id();
            legacy.topic = row.topic();
            legacy.eventType = row.eventType();
            legacy.payload = payload;
            return serde.serialize(row.topic(), OutboxCodec.decode(legacy));
        }
        return payload;
    }

    private static Throwable failureOf(Future<RecordMetadata> ack, long waitNanos) {
        try {
            ack.get(waitNanos, TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return new org.apache.kafka.common.errors.TimeoutException("not acknowledged in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private static boolean retriable(Throwable failure) {
        return failure instanceof RetriableException || failure instanceof InterruptedException;
    }

    private static void markSent(Connection connection, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        Array array = connection.createArrayOf("bigint", ids.toArray());
        try (PreparedStatement update = connection.prepareStatement(
                "update outbox_event set sent_at = ? where id = any (?)")) {
            update.setTimestamp(1, Timestamp.from(Instant.now()));
            update.setArray(2, array);
            update.executeUpdate();
        } finally {
            array.free();
        }
    }

    private void recordFailures(Connection connection, List<Row> rows, Map<Long, Throwable> failures)
            throws SQLException {
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement update = connection.prepareStatement("""
                update outbox_event set attempts = attempts + 1, last_error = ?,
                       parked_at = case when attempts + 1 >= ? then cast(? as timestamptz) else null end
                where id = ?""")) {
            for (Row row : rows) {
                Throwable failure = failures.get(row.id());
                if (failure == null) {
                    continue;
                }
                String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
                update.setString(1, error.length() > 500 ? error.substring(0, 500) : error);
                update.setInt(2, settings.maxAttempts());
                update.setTimestamp(3, now);
                update.setLong(4, row.id());
                update.addBatch();
                failedCounter.increment();
                if (row.attempts() + 1 >= settings.maxAttempts()) {
                    parkedCounter.increment();
                    LOG.warnf("Outbox event %s (row %d) to %s parked after %d attempts (%s); later events of its key "
                            + "wait until an operator releases or removes it.", row.eventId(), row.id(), row.topic(),
                            row.attempts() + 1, failure.getClass().getSimpleName());
                } else if (row.attempts() == 0) {
                    LOG.warnf("Outbox event %s (row %d) to %s could not be sent (%s); retrying.", row.eventId(),
                            row.id(), row.topic(), failure.getClass().getSimpleName());
                }
            }
            update.executeBatch();
        }
    }
}
