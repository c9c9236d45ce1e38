package org.guestcrm.connector.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;

/**
 * Measures the outbox backlog (unsent events and the age of the oldest) every few seconds, for the
 * gauges {@code connector.outbox.backlog} / {@code connector.outbox.backlog.age} and the health check.
 */
@Startup
@ApplicationScoped
public class OutboxBacklog {

    private static final Logger LOG = Logger.getLogger(OutboxBacklog.class);

    private final AtomicLong unsent = new AtomicLong();
    private final AtomicReference<Instant> oldestUnsentCreatedAt = new AtomicReference<>();
    private final AtomicReference<Instant> measuredAt = new AtomicReference<>();

    @Inject
    EntityManager entityManager;

    @Inject
    OutboxBacklog(MeterRegistry registry) {
        Gauge.builder("connector.outbox.backlog", unsent, AtomicLong::get)
                .description("Events in the outbox not yet acknowledged by Kafka")
                .register(registry);
        Gauge.builder("connector.outbox.backlog.age", this, backlog -> backlog.oldestAge().toMillis() / 1000.0)
                .description("Age in seconds of the oldest unsent outbox event (0 when none)")
                .baseUnit("seconds")
                .register(registry);
    }

    @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void measure() {
        try {
            Object[] row = QuarkusTransaction.requiringNew().call(() -> (Object[]) entityManager
                    .createNativeQuery("select count(*), min(created_at) from outbox_event where sent_at is null")
                    .getSingleResult());
            unsent.set(((Number) row[0]).longValue());
            oldestUnsentCreatedAt.set(toInstant(row[1]));
            measuredAt.set(Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf("Could not measure the outbox backlog: %s", e.getMessage());
        }
    }

    public long unsentEvents() {
        return unsent.get();
    }

    public Duration oldestAge() {
        Instant oldest = oldestUnsentCreatedAt.get();
        return oldest == null ? Duration.ZERO : Duration.between(oldest, Instant.now());
    }

    public Instant measuredAt() {
        return measuredAt.get();
    }

    private static Instant toInstant(Object value) {
        return switch (value) {
            case null -> null;
            case Instant instant -> instant;
            case java.time.OffsetDateTime offset -> offset.toInstant();
            case java.sql.Timestamp timestamp -> timestamp.toInstant();
            default -> throw new IllegalStateException("Unexpected timestamp type " + value.getClass());
        };
    }
}
