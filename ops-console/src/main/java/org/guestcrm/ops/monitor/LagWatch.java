package org.guestcrm.ops.monitor;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.guestcrm.deploy.lag.LagMonitor;
import org.guestcrm.deploy.lag.LagReport;
import org.guestcrm.ops.config.OpsConfig;
import org.guestcrm.platform.kafka.KafkaSettings;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Reads the lag of every consumer group of the cluster every {@code ops.lag-every} with {@link LagMonitor} (the same
 * class and judgement as {@code ./crm lag}) and exports it: {@code guestcrm_consumer_lag_state{group,topic}} (0 OK,
 * 1 WARNING, 2 STALLED, 3 STOPPED, 4 ERROR), {@code guestcrm_consumer_lag_records{group,topic}} and
 * {@code guestcrm_consumer_lag_seconds{group,topic}}.
 */
@ApplicationScoped
public class LagWatch {

    private static final Logger LOG = Logger.getLogger(LagWatch.class);

    @Inject
    OpsConfig config;
    @Inject
    MeterRegistry meters;

    private volatile LagReport latest = new LagReport(Instant.now(), List.of(), "no reading yet");
    private ScheduledExecutorService executor;
    private LagMonitor monitor;
    private LiveRows states;
    private LiveRows records;
    private LiveRows seconds;
    private volatile boolean failing;

    void start(@Observes StartupEvent startup) {
        states = new LiveRows(MultiGauge.builder("guestcrm.consumer.lag.state")
                .description("Judged lag per group and topic: 0 OK, 1 WARNING, 2 STALLED, 3 STOPPED, 4 ERROR")
                .register(meters));
        records = new LiveRows(MultiGauge.builder("guestcrm.consumer.lag.records")
                .description("Records not yet consumed per group and topic").register(meters));
        seconds = new LiveRows(MultiGauge.builder("guestcrm.consumer.lag.seconds")
                .description("Age of the oldest unconsumed record per group and topic").register(meters));
        java.util.Map<String, Object> security = new java.util.HashMap<>(KafkaSettings.clientProperties());
        String bootstrap = String.valueOf(security.remove("bootstrap.servers"));
        monitor = new LagMonitor(bootstrap, security, config.lagWindow());
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ops-lag-watch");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::sample, 0, config.lagEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (monitor != null) {
            monitor.close();
        }
    }

    /** The last judged reading. */
    public LagReport latest() {
        return latest;
    }

    private void sample() {
        try {
            LagReport report = monitor.sample();
            latest = report;
            if (report.error() != null) {
                if (!failing) {
                    LOG.warnf("Cannot read consumer lag: %s", report.error());
                    failing = true;
                }
                return;
            }
            if (failing) {
                LOG.info("Consumer lag can be read again.");
                failing = false;
            }
            java.util.Map<Tags, Double> stateRows = new java.util.HashMap<>();
            java.util.Map<Tags, Double> recordRows = new java.util.HashMap<>();
            java.util.Map<Tags, Double> secondRows = new java.util.HashMap<>();
            for (LagReport.GroupLag group : report.groups()) {
                for (LagReport.TopicLag topic : group.topics()) {
                    Tags tags = Tags.of("group", group.group(), "topic", topic.topic());
                    stateRows.put(tags, (double) topic.state().code());
                    recordRows.put(tags, (double) topic.lag());
                    secondRows.put(tags, topic.secondsBehind());
                }
            }
            states.update(stateRows);
            records.update(recordRows);
            seconds.update(secondRows);
        } catch (RuntimeException e) {
            // One failed pass must not end the schedule.
            LOG.warnf("Consumer lag pass failed: %s", e.getClass().getSimpleName());
        }
    }
}
