package org.guestcrm.ops.monitor;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.guestcrm.ops.config.OpsConfig;
import org.guestcrm.platform.ops.DeadLetterActions;
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
 * Every {@code ops.probe-every}: each configured service's readiness and, with the console's service token, its
 * {@code /q/metrics} (outbox backlog, oldest unsent age, parked rows, send failures, SMTP outcomes, and the
 * connector's per-feed counters); and the dead-letter topics of the cluster. A feed's freshness is the connector's
 * time of its last accepted message ({@code connector_feed_last_message_timestamp_seconds{feed}}) where the connector
 * exports it; else when the console last saw its count of accepted messages grow
 * ({@code connector_inbound_messages_total}), which before the first change after the console started is "not since
 * then".
 * Exports {@code guestcrm_feed_silence_seconds{feed}} and {@code guestcrm_dead_letters_pending{topic}}.
 */
@ApplicationScoped
public class ServiceWatch {

    private static final Logger LOG = Logger.getLogger(ServiceWatch.class);

    /** One service as last probed. */
    public record ServiceState(String name, String url, boolean ready, String healthDetail, boolean metricsRead,
            String metricsDetail, Double outboxBacklog, Double outboxOldestUnsentSeconds, Double outboxParked,
            Double outboxSendFailures, Map<String, Double> mailDeliveries, Instant probedAt) {
    }

    /** One PMS feed as seen in the connector's counters. */
    public record FeedState(String feed, String service, long accepted, long duplicates, long rejected,
            String lastRejectReason, long authFailures, Instant lastMessageSeenAt, double silentSeconds,
            boolean silent) {
    }

    @Inject
    OpsConfig config;
    @Inject
    MeterRegistry meters;
    @Inject
    DeadLetterActions actions;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Instant started = Instant.now();
    private final Map<String, ServiceState> services = new ConcurrentHashMap<>();
    private final Map<String, FeedMemory> feeds = new ConcurrentHashMap<>();
    private volatile List<DeadLetterWatch.Queue> deadLetters = List.of();
    private volatile String deadLetterError = "no reading yet";
    private ScheduledExecutorService executor;
    private LiveRows feedSilence;
    private LiveRows pendingDeadLetters;

    /** What the console remembers of a feed between probes. */
    private static final class FeedMemory {
        String service;
        long accepted = -1;
        long duplicates;
        long rejected = -1;
        long authFailures;
        Map<String, Double> rejectedByReason = new HashMap<>();
        String lastRejectReason;
        Instant lastMessageSeenAt;
    }

    void start(@Observes StartupEvent startup) {
        feedSilence = new LiveRows(MultiGauge.builder("guestcrm.feed.silence").baseUnit("seconds")
                .description("Time since the console last saw a feed's accepted count grow (or since it started)")
                .register(meters));
        pendingDeadLetters = new LiveRows(MultiGauge.builder("guestcrm.dead.letters.pending")
                .description("Dead letters neither replayed nor discarded, per dead-letter topic").register(meters));
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ops-service-watch");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::probe, 0, config.probeEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    public List<ServiceState> services() {
        return new ArrayList<>(new TreeMap<>(services).values());
    }

    public List<FeedState> feeds() {
        Instant now = Instant.now();
        List<FeedState> states = new ArrayList<>();
        new TreeMap<>(feeds).forEach((feed, m) -> {
            double silent = Duration.between(m.lastMessageSeenAt != null ? m.lastMessageSeenAt : started, now)
                    .toMillis() / 1000.0;
            states.add(new FeedState(feed, m.service, Math.max(0, m.accepted), m.duplicates, Math.max(0, m.rejected),
                    m.lastRejectReason, m.authFailures, m.lastMessageSeenAt, silent,
                    silent > config.feedSilentAfter().toSeconds()));
        });
        return states;
    }

    public List<DeadLetterWatch.Queue> deadLetters() {
        return deadLetters;
    }

    /** Why the dead-letter topics could not be read last time, or null. */
    public String deadLetterError() {
        return deadLetterError;
    }

    /** When the console started watching (feeds not seen since then say so). */
    public Instant started() {
        return started;
    }

    private void probe() {
        try {
            config.serviceUrls().forEach((name, url) -> services.put(name, probe(name, url)));
            Map<Tags, Double> silence = new HashMap<>();
            feeds().forEach(f -> silence.put(Tags.of("feed", f.feed()), f.silentSeconds()));
            feedSilence.update(silence);
            try {
                deadLetters = DeadLetterWatch.read(actions.all());
                deadLetterError = null;
                Map<Tags, Double> pending = new HashMap<>();
                deadLetters.forEach(q -> pending.put(Tags.of("topic", q.topic()), (double) q.pending()));
                pendingDeadLetters.update(pending);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                deadLetterError = "cannot read the dead-letter topics: " + e.getClass().getSimpleName();
            }
        } catch (RuntimeException e) {
            LOG.warnf("Service probe pass failed: %s", e.getClass().getSimpleName());
        }
    }

    private ServiceState probe(String name, String url) {
        Instant now = Instant.now();
        boolean ready;
        String healthDetail;
        try {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            ready = health.statusCode() == 200;
            healthDetail = ready ? "UP" : "DOWN (HTTP " + health.statusCode() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ServiceState(name, url, false, "interrupted", false, null, null, null, null, null, Map.of(), now);
        } catch (Exception e) {
            ready = false;
            healthDetail = "unreachable (" + e.getClass().getSimpleName() + ")";
        }
        if (config.serviceToken().isEmpty()) {
            return new ServiceState(name, url, ready, healthDetail, false, "no OPS_SERVICE_TOKEN set", null, null, null,
                    null, Map.of(), now);
        }
        List<PrometheusText.Sample> samples;
        try {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(url + "/q/metrics"))
                    .header("Authorization", "Bearer " + config.serviceToken().get()).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (metrics.statusCode() != 200) {
                return new ServiceState(name, url, ready, healthDetail, false, "metrics: HTTP " + metrics.statusCode(),
                        null, null, null, null, Map.of(), now);
            }
            samples = PrometheusText.parse(metrics.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ServiceState(name, url, ready, healthDetail, false, "interrupted", null, null, null, null,
                    Map.of(), now);
        } catch (Exception e) {
            return new ServiceState(name, url, ready, healthDetail, false, "metrics unreachable ("
                    + e.getClass().getSimpleName() + ")", null, null, null, null, Map.of(), now);
        }
        Map<String, Double> mail = new TreeMap<>();
        samples.stream().filter(s -> s.name().equals("guestcrm_journey_mail_deliveries_total"))
                .forEach(s -> mail.merge(s.label("outcome"), s.value(), Double::sum));
        rememberFeeds(name, samples, now);
        return new ServiceState(name, url, ready, healthDetail, true, null, sum(samples, "guestcrm_outbox_backlog"),
                max(samples, "guestcrm_outbox_oldest_unsent_age_seconds"), sum(samples, "guestcrm_outbox_parked"),
                sum(samples, "guestcrm_outbox_send_failures_total"), mail, now);
    }

    /** The pms-connector's gauge of the time of each feed's last accepted message, in epoch seconds. */
    static final String LAST_MESSAGE_GAUGE = "connector_feed_last_message_timestamp_seconds";

    private void rememberFeeds(String service, List<PrometheusText.Sample> samples, Instant now) {
        Map<String, long[]> counts = new LinkedHashMap<>(); // accepted, duplicates, rejected, auth failures
        Map<String, Map<String, Double>> reasons = new HashMap<>();
        // The connector's own record of each feed's last accepted message (epoch seconds), exact across restarts of
        // the console; where it is not exported, freshness is when the console saw the counters grow.
        Map<String, Instant> lastAccepted = new HashMap<>();
        for (PrometheusText.Sample s : samples) {
            if (s.name().equals(LAST_MESSAGE_GAUGE) && s.value() > 0 && s.label("feed") != null) {
                counts.computeIfAbsent(s.label("feed"), f -> new long[4]);
                lastAccepted.merge(s.label("feed"), Instant.ofEpochMilli((long) (s.value() * 1000)),
                        (x, y) -> x.isAfter(y) ? x : y);
            } else if (s.name().equals("connector_inbound_messages_total")) {
                long[] c = counts.computeIfAbsent(s.label("feed"), f -> new long[4]);
                switch (s.label("outcome")) {
                    case "accepted" -> c[0] += (long) s.value();
                    case "duplicate" -> c[1] += (long) s.value();
                    case "rejected" -> {
                        c[2] += (long) s.value();
                        reasons.computeIfAbsent(s.label("feed"), f -> new HashMap<>()).merge(s.label("reason"), s.value(),
                                Double::sum);
                    }
                    default -> {
                    }
                }
            } else if (s.name().equals("connector_feed_auth_failures_total")) {
                counts.computeIfAbsent(s.label("feed"), f -> new long[4])[3] += (long) s.value();
            }
        }
        counts.forEach((feed, c) -> {
            FeedMemory m = feeds.computeIfAbsent(feed, f -> new FeedMemory());
            m.service = service;
            Instant exact = lastAccepted.get(feed);
            if (exact != null) {
                m.lastMessageSeenAt = exact;
            } else if (m.accepted >= 0 && c[0] + c[1] > m.accepted + m.duplicates) {
                m.lastMessageSeenAt = now;
            }
            Map<String, Double> byReason = reasons.getOrDefault(feed, Map.of());
            if (m.rejected >= 0) {
                byReason.forEach((reason, value) -> {
                    if (value > m.rejectedByReason.getOrDefault(reason, 0.0)) {
                        m.lastRejectReason = reason;
                    }
                });
            }
            m.rejectedByReason = new HashMap<>(byReason);
            m.accepted = c[0];
            m.duplicates = c[1];
            m.rejected = c[2];
            m.authFailures = c[3];
        });
    }

    private static Double sum(List<PrometheusText.Sample> samples, String name) {
        List<PrometheusText.Sample> matching = samples.stream().filter(s -> s.name().equals(name)).toList();
        return matching.isEmpty() ? null : matching.stream().mapToDouble(PrometheusText.Sample::value).sum();
    }

    private static Double max(List<PrometheusText.Sample> samples, String name) {
        List<PrometheusText.Sample> matching = samples.stream().filter(s -> s.name().equals(name)).toList();
        return matching.isEmpty() ? null : matching.stream().mapToDouble(PrometheusText.Sample::value).max().orElse(0);
    }
}
