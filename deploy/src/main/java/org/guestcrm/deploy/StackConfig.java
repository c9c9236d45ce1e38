package org.guestcrm.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the local stack lives and which ports it uses. Every port has a default and an environment
 * variable that overrides it; tests pass free ports instead.
 *
 * @param repositoryRoot the checkout (service fast-jars are under {@code <module>/target/quarkus-app})
 * @param stateDirectory state, data and logs of the running stack ({@code .crm/})
 * @param classpath      the classpath of this launcher; the infrastructure processes run with it
 * @param ports          port per {@link Port}
 * @param jvmOptions     JVM options replacing a part's defaults, by the part's short name
 *                       ({@code CRM_JVM_OPTIONS_<PART>}, e.g. {@code CRM_JVM_OPTIONS_JOURNEY="-Xmx256m -XX:+UseParallelGC"})
 * @param partitions     partitions of each topic the stack creates ({@code CRM_PARTITIONS}, default
 *                       {@value #DEFAULT_PARTITIONS}; a topic that exists with fewer is given more, never fewer)
 * @param replicas       processes of each of the five services ({@code CRM_REPLICAS}, 1 to {@value #MAX_REPLICAS},
 *                       default 1); replica {@code n > 1} listens on the service's port + 100 x (n - 1) and is the
 *                       part {@code <service>-<n>}
 */
public record StackConfig(Path repositoryRoot, Path stateDirectory, String classpath, Map<Port, Integer> ports,
        Map<String, String> jvmOptions, int partitions, int replicas) {

    static final int DEFAULT_PARTITIONS = 3;
    static final int MAX_PARTITIONS = 64;
    static final int MAX_REPLICAS = 4;
    /** Replica {@code n} of a service listens on the service's port + this x (n - 1). */
    static final int REPLICA_PORT_STEP = 100;

    /** The ports of the stack, with their defaults and the environment variables that override them. */
    public enum Port {
        REGISTRY("CRM_REGISTRY_PORT", 8080),
        CONNECTOR("CRM_CONNECTOR_PORT", 8081),
        PROFILE("CRM_PROFILE_PORT", 8082),
        JOURNEY("CRM_JOURNEY_PORT", 8083),
        OPTOUT("CRM_OPTOUT_PORT", 8084),
        DESK("CRM_DESK_PORT", 8085),
        OPS("CRM_OPS_PORT", 8086),
        PMS_SIM("CRM_PMS_SIM_PORT", 8090),
        SMS("CRM_SMS_PORT", 8091),
        KAFKA("CRM_KAFKA_PORT", 9092),
        POSTGRES("CRM_POSTGRES_PORT", 55432),
        SMTP("CRM_SMTP_PORT", 3025),
        IMAP("CRM_IMAP_PORT", 3143);

        private final String environmentVariable;
        private final int defaultPort;

        Port(String environmentVariable, int defaultPort) {
            this.environmentVariable = environmentVariable;
            this.defaultPort = defaultPort;
        }

        public String environmentVariable() {
            return environmentVariable;
        }

        public int defaultPort() {
            return defaultPort;
        }
    }

    /** The JVM options of each part are its measured defaults. */
    public StackConfig(Path repositoryRoot, Path stateDirectory, String classpath, Map<Port, Integer> ports) {
        this(repositoryRoot, stateDirectory, classpath, ports, Map.of());
    }

    /** {@value #DEFAULT_PARTITIONS} partitions per topic, one process per service. */
    public StackConfig(Path repositoryRoot, Path stateDirectory, String classpath, Map<Port, Integer> ports,
            Map<String, String> jvmOptions) {
        this(repositoryRoot, stateDirectory, classpath, ports, jvmOptions, DEFAULT_PARTITIONS, 1);
    }

    public StackConfig {
        ports = Map.copyOf(ports);
        jvmOptions = Map.copyOf(jvmOptions);
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new StackException("CRM_PARTITIONS=" + partitions + ": a topic takes 1 to " + MAX_PARTITIONS + " partitions here");
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new StackException("CRM_REPLICAS=" + replicas + ": 1 to " + MAX_REPLICAS + " processes per service");
        }
        for (Port port : Port.values()) {
            if (!ports.containsKey(port)) {
                throw new IllegalArgumentException("No port configured for " + port);
            }
        }
    }

    public int port(Port port) {
        return ports.get(port);
    }

    /** The HTTP port of replica {@code replica} (1 = the service's own port) of the service on {@code port}. */
    public int port(Port port, int replica) {
        return ports.get(port) + REPLICA_PORT_STEP * (replica - 1);
    }

    public Path logDirectory() {
        return stateDirectory.resolve("logs");
    }

    public Path runDirectory() {
        return stateDirectory.resolve("run");
    }

    public Path dataDirectory() {
        return stateDirectory.resolve("data");
    }

    /** Where the local token issuer keeps its key pair ({@code .crm/keys}). */
    public Path keyDirectory() {
        return stateDirectory.resolve("keys");
    }

    public String kafkaBootstrapServers() {
        return "localhost:" + port(Port.KAFKA);
    }

    public String registryApiUrl() {
        return "http://localhost:" + port(Port.REGISTRY) + "/apis/registry/v3";
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port(Port.POSTGRES) + "/" + database;
    }

    /** Ports from the environment (or their defaults), state under {@code <root>/.crm} unless CRM_HOME says otherwise. */
    public static StackConfig fromEnvironment(Path repositoryRoot, Function<String, String> environment) {
        Map<Port, Integer> ports = new LinkedHashMap<>();
        for (Port port : Port.values()) {
            String value = environment.apply(port.environmentVariable());
            ports.put(port, value == null || value.isBlank() ? port.defaultPort() : parsePort(port, value));
        }
        String home = environment.apply("CRM_HOME");
        Path state = home == null || home.isBlank() ? repositoryRoot.resolve(".crm") : Path.of(home);
        Map<String, String> jvmOptions = new LinkedHashMap<>();
        for (String part : StackParts.SHORT_NAMES) {
            String value = environment.apply("CRM_JVM_OPTIONS_" + part.toUpperCase(java.util.Locale.ROOT));
            if (value != null && !value.isBlank()) {
                jvmOptions.put(part, value.trim());
            }
        }
        return new StackConfig(repositoryRoot, state.toAbsolutePath(), System.getProperty("java.class.path"), ports, jvmOptions,
                count(environment, "CRM_PARTITIONS", DEFAULT_PARTITIONS), count(environment, "CRM_REPLICAS", 1));
    }

    private static int count(Function<String, String> environment, String variable, int fallback) {
        String value = environment.apply(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new StackException(variable + "=" + value + " is not a whole number");
        }
    }

    private static int parsePort(Port port, String value) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 1 || parsed > 65535) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new StackException(port.environmentVariable() + "=" + value + " is not a TCP port (1-65535)");
        }
    }
}
