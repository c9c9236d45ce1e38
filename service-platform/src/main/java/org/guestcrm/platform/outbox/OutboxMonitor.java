package org.guestcrm.platform.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
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
 * Measures the outbox every few seconds (one query on the unsent rows' partial index): unsent rows waiting, the age of
 * the oldest, parked rows. Gauges {@code guestcrm.outbox.backlog}, {@code guestcrm.outbox.oldest.unsent.age}
 * (seconds), {@code guestcrm.outbox.parked}; and the readiness check {@code outbox}: DOWN when the oldest unsent row
 * is older than {@code guestcrm.outbox.readiness.max-age} (default 2 min: events are not leaving) or the outbox
 * cannot be measured. Parked rows are reported, but do not make the service unready: they wait for an operator and
 * block nothing but their own key.
 */
@ApplicationScoped
public class OutboxMonitor {

    private static final Logger LOG = Logger.getLogger(OutboxMonitor.class);

    @Inject
    Instance<OutboxChannel> channels;
    @Inject
    EntityManager entityManager;
    @Inject
    MeterRegistry meters;
    @ConfigProperty(name = "guestcrm.outbox.readiness.max-age", defaultValue = "2m")
    Duration maxAge;
    @ConfigProperty(name = "guestcrm.outbox.measure-every", defaultValue = "2s")
    Duration every;

    private volatile Snapshot snapshot;
    private volatile String measureError;
    private ScheduledExecutorService executor;

    /** One measurement. */
    public record Snapshot(long backlog, Instant oldestUnsentAt, long parked, Instant measuredAt) {
        public Duration oldestAge(Instant now) {
            return oldestUnsentAt == null ? Duration.ZERO : Duration.between(oldestUnsentAt, now);
        }
    }

    void start(@Observes StartupEvent startup) {
        if (!channels.isResolvable()) {
            return;
        }
        Gauge.builder("guestcrm.outbox.backlog", this, m -> m.snapshot == null ? 0 : m.snapshot.backlog())
                .description("Outbox rows not yet acknowledged by Kafka (parked rows excluded)").register(meters);
        Gauge.builder("guestcrm.outbox.oldest.unsent.age", this,
                m -> m.snapshot == null ? 0 : m.snapshot.oldestAge(Instant.now()).toMillis() / 1000.0)
                .baseUnit("seconds").description("Age of the oldest unsent, unparked outbox row (0 when none)")
                .register(meters);
        Gauge.builder("guestcrm.outbox.parked", this, m -> m.snapshot == null ? 0 : m.snapshot.parked())
                .description("Outbox rows parked after their last attempt, waiting for an operator").register(meters);
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbox-monitor");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::measure, 0, Math.max(100, every.toMillis()), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /**
     * Measures now. Both parts match the relay's partial indexes ({@code outbox_event_relay} for the waiting rows,
     * {@code outbox_event_parked} for the parked), so a service needs no third index over every unsent row.
     */
    public Snapshot measure() {
        try {
            Object[] row = QuarkusTransaction.requiringNew().call(() -> (Object[]) entityManager.createNativeQuery("""
                    select count(*), min(created_at),
                           (select count(*) from outbox_event where sent_at is null and parked_at is not null)
                    from outbox_event where sent_at is null and parked_at is null""").getSingleResult());
            snapshot = new Snapshot(((Number) row[0]).longValue(), toInstant(row[1]), ((Number) row[2]).longValue(),
                    Instant.now());
            measureError = null;
        } catch (RuntimeException e) {
            if (measureError == null) {
                LOG.warnf("Cannot measure the outbox: %s", org.guestcrm.platform.intake.Failures.describe(e));
            }
            measureError = org.guestcrm.platform.intake.Failures.describe(e);
        }
        return snapshot;
    }

    public Snapshot lastSnapshot() {
        return snapshot;
    }

    /** The readiness answer for the check {@code outbox}. */
    public HealthCheckResponse readiness() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("outbox");
        Snapshot current = snapshot;
        if (!channels.isResolvable()) {
            return response.up().build();
        }
        if (current == null || measureError != null) {
            return response.down().withData("error", measureError == null ? "not measured yet" : measureError).build();
        }
        Duration age = current.oldestAge(Instant.now());
        response.withData("backlog", current.backlog())
                .withData("oldestUnsentAgeSeconds", age.toSeconds())
                .withData("parked", current.parked());
        return (age.compareTo(maxAge) > 0 ? response.down() : response.up()).build();
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
