package org.guestcrm.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.internals.FetchMetricsRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.MetricNameTemplate;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/**
 * The metric names the services export on /q/metrics, found the way they come about:
 * <ul>
 *   <li>the meters the code registers ({@code Counter.builder}, {@code Gauge.builder}, {@code Timer.builder},
 *   {@code registry.counter(...)}, {@code @Counted}/{@code @Timed}) in the sources of every module beside this one,
 *   each registered again, with its base unit, in a Micrometer Prometheus registry of the kind the services run
 *   (quarkus-micrometer-registry-prometheus: the simpleclient registry), whose scrape gives the exported names;</li>
 *   <li>the Kafka clients' metrics as Micrometer's Kafka binder (quarkus.micrometer.binder.kafka.enabled) exports them:
 *   a real consumer and producer bound with {@link KafkaClientMetrics}, plus every per-topic and per-partition fetch
 *   metric template of the consumer (records-lag appears only once a partition is fetched), bound the same way.</li>
 * </ul>
 * Each name maps to the source file that registers it (or "kafka-clients").
 */
final class ExportedMetrics {

    private static final Pattern BUILDER = Pattern.compile(
            "(Counter|Gauge|Timer|DistributionSummary)\\.builder\\(\\s*\"([a-z0-9_.]+)\"");
    private static final Pattern REGISTRY_CALL = Pattern.compile("\\.(counter|timer|summary)\\(\\s*\"([a-z0-9_.]+)\"");
    private static final Pattern ANNOTATION = Pattern.compile("@(Counted|Timed)\\(\\s*(?:value\\s*=\\s*)?\"([a-z0-9_.]+)\"");
    private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"([a-z]+)\"");

    private ExportedMetrics() {
    }

    /** Exported Prometheus name (and series suffixes: _count, _sum, _max, _bucket) to where it comes from. */
    static Map<String, String> all() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Map<String, String> origins = new HashMap<>();
        Map<String, String> registeredAt = registerCodeMeters(registry);
        String before = registry.scrape();
        for (String name : seriesNames(before)) {
            origins.put(name, registeredAt.getOrDefault(baseOf(name), "the services' code"));
        }
        for (String name : seriesNames(scrapeWithKafkaClients(registry))) {
            if (!origins.containsKey(name) && name.startsWith("kafka_")) {
                origins.put(name, "kafka-clients (Micrometer's Kafka binder)");
            }
        }
        registry.close();
        return origins;
    }

    private static String baseOf(String series) {
        return series.replaceAll("_(count|sum|max|bucket)$", "");
    }

    private static Set<String> seriesNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = line.indexOf('{');
                if (end < 0) {
                    end = line.indexOf(' ');
                }
                names.add(line.substring(0, end));
            } else if (line.startsWith("# TYPE ")) {
                names.add(line.split(" ")[2]);
            }
        }
        return names;
    }

    /** Registers one meter per name found in the sources; returns Prometheus base name -> source file. */
    static Map<String, String> registerCodeMeters(PrometheusMeterRegistry registry) {
        Map<String, String> where = new LinkedHashMap<>();
        for (Path source : serviceSources()) {
            String code;
            try {
                code = Files.readString(source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String at = Manifests.REPOSITORY.relativize(source).toString();
            Matcher builder = BUILDER.matcher(code);
            while (builder.find()) {
                String statement = code.substring(builder.end(), statementEnd(code, builder.end()));
                Matcher unit = BASE_UNIT.matcher(statement);
                String baseUnit = unit.find() ? unit.group(1) : null;
                register(registry, builder.group(1), builder.group(2), baseUnit);
                where.put(prometheusBase(builder.group(1), builder.group(2), baseUnit), at);
            }
            Matcher call = REGISTRY_CALL.matcher(code);
            while (call.find()) {
                String type = switch (call.group(1)) {
                    case "counter" -> "Counter";
                    case "timer" -> "Timer";
                    default -> "DistributionSummary";
                };
                register(registry, type, call.group(2), null);
                where.put(prometheusBase(type, call.group(2), null), at);
            }
            Matcher annotation = ANNOTATION.matcher(code);
            while (annotation.find()) {
                String type = annotation.group(1).equals("Counted") ? "Counter" : "Timer";
                register(registry, type, annotation.group(2), null);
                where.put(prometheusBase(type, annotation.group(2), null), at);
            }
        }
        return where;
    }

    private static int statementEnd(String code, int from) {
        int register = code.indexOf(".register(", from);
        int semicolon = code.indexOf(';', from);
        return Math.max(from, Math.min(register < 0 ? code.length() : register, semicolon < 0 ? code.length() : semicolon));
    }

    private static void register(PrometheusMeterRegistry registry, String type, String name, String baseUnit) {
        switch (type) {
            case "Counter" -> Counter.builder(name).baseUnit(baseUnit).register(registry);
            case "Gauge" -> Gauge.builder(name, () -> 0).baseUnit(baseUnit).register(registry);
            case "Timer" -> Timer.builder(name).register(registry);
            default -> io.micrometer.core.instrument.DistributionSummary.builder(name).baseUnit(baseUnit).register(registry);
        }
    }

    private static String prometheusBase(String type, String name, String baseUnit) {
        String base = name.replace('.', '_');
        if (type.equals("Timer")) {
            return base + "_seconds";
        }
        if (baseUnit != null) {
            base += "_" + baseUnit;
        }
        return type.equals("Counter") ? base + "_total" : base;
    }

    /** Main sources of every module of the repository but this one and the test infrastructure. */
    static Set<Path> serviceSources() {
        Set<Path> sources = new TreeSet<>();
        try (Stream<Path> modules = Files.list(Manifests.REPOSITORY)) {
            for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
                String name = module.getFileName().toString();
                if (name.equals("kubernetes") || name.equals("test-support") || name.equals("deploy")) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }

    private static String scrapeWithKafkaClients(PrometheusMeterRegistry registry) {
        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "metric-names");
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "metric-names-consumer");
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "metric-names-producer");
        // Constructing the clients opens no connection; their metrics exist from the start.
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new StringDeserializer());
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                        new StringSerializer());
                Metrics fetchTemplates = new Metrics()) {
            try (KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
                    KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer)) {
                consumerMetrics.bindTo(registry);
                producerMetrics.bindTo(registry);
                // The per-topic and per-partition fetch metrics (records-lag, records-consumed-total of a topic...),
                // which a consumer registers only when it fetches, from the client's own templates.
                FetchMetricsRegistry templates = new FetchMetricsRegistry(Set.of("client-id"), "consumer");
                for (MetricNameTemplate template : templates.getAllTemplates()) {
                    Map<String, String> tags = new LinkedHashMap<>();
                    for (String tag : template.tags()) {
                        tags.put(tag, switch (tag) {
                            case "topic" -> "metric-names";
                            case "partition" -> "0";
                            default -> "metric-names-consumer";
                        });
                    }
                    MetricName metricName = new MetricName(template.name(), template.group(), template.description(), tags);
                    fetchTemplates.addMetric(metricName, (Measurable) (config, now) -> 0.0);
                }
                @SuppressWarnings("unchecked")
                Consumer<String, String> fake = (Consumer<String, String>) Proxy.newProxyInstance(
                        ExportedMetrics.class.getClassLoader(), new Class<?>[] {Consumer.class},
                        (proxy, method, args) -> switch (method.getName()) {
                            case "metrics" -> fetchTemplates.metrics();
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            case "toString" -> "fetch metric templates";
                            default -> null;
                        });
                try (KafkaClientMetrics templateMetrics = new KafkaClientMetrics(fake)) {
                    templateMetrics.bindTo(registry);
                    // Scraped while bound: closing a binder removes its meters.
                    return registry.scrape();
                }
            }
        }
    }
}
