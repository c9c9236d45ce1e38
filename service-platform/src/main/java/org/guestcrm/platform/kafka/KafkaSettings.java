package org.guestcrm.platform.kafka;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The Kafka and schema-registry settings every service already has for its SmallRye channels, read once for the
 * platform's own clients (outbox relay producer, dead-letter producer, registry serde): {@code kafka.bootstrap.servers}
 * and every {@code mp.messaging.connector.smallrye-kafka.apicurio.*} key.
 */
public final class KafkaSettings {

    private static final String CONNECTOR_PREFIX = "mp.messaging.connector.smallrye-kafka.";

    private KafkaSettings() {
    }

    public static String bootstrapServers() {
        return ConfigProvider.getConfig().getOptionalValue("kafka.bootstrap.servers", String.class)
                .orElse("localhost:9092");
    }

    /**
     * What the platform's own Kafka clients (relay, dead letters, dead-letter ops) need to reach the cluster: the
     * bootstrap servers and every {@code kafka.security.*}, {@code kafka.sasl.*} and {@code kafka.ssl.*} key the
     * service has for its channels (TLS and SASL on a real cluster).
     */
    public static Map<String, Object> clientProperties() {
        Config config = ConfigProvider.getConfig();
        Map<String, Object> properties = new HashMap<>();
        properties.put("bootstrap.servers", bootstrapServers());
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("kafka.security.") || name.startsWith("kafka.sasl.") || name.startsWith("kafka.ssl.")) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> properties.put(name.substring("kafka.".length()), value));
            }
        }
        return properties;
    }

    /**
     * The registry serde settings ({@code apicurio.registry.*}) with {@code find-latest} forced off: a producer writes
     * with its own schema, looked up (or registered, where auto-register is on) by content, never the registry's
     * latest, so registering a newer schema never changes what an old producer writes.
     */
    public static Map<String, Object> registrySerdeProperties() {
        Config config = ConfigProvider.getConfig();
        Map<String, Object> properties = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(CONNECTOR_PREFIX + "apicurio.")) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> properties.put(name.substring(CONNECTOR_PREFIX.length()), value));
            }
        }
        properties.put("apicurio.registry.find-latest", "false");
        properties.putIfAbsent("apicurio.registry.artifact-resolver-strategy",
                "io.apicurio.registry.serde.avro.strategy.RecordIdStrategy");
        properties.putIfAbsent("apicurio.registry.use-specific-avro-reader", "true");
        // The class itself, not its name: the serde resolves a name with its own class loader, which in a Quarkus
        // (test) application need not see the platform's classes.
        properties.putIfAbsent("apicurio.registry.avro-datum-provider", CachingAvroDatumProvider.class);
        return properties;
    }

    /** Extra producer properties under {@code prefix} (e.g. {@code guestcrm.outbox.producer.linger.ms=5}). */
    public static Map<String, Object> withPrefix(String prefix) {
        Config config = ConfigProvider.getConfig();
        Map<String, Object> properties = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(prefix)) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> properties.put(name.substring(prefix.length()), value));
            }
        }
        return properties;
    }
}
