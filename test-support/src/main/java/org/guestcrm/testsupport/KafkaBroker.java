package org.guestcrm.testsupport;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker + controller) running inside this
 * JVM through {@link KafkaRaftServer}, the class {@code kafka-server-start.sh} runs.
 *
 * <p>Storage is formatted on first start the way {@code kafka-storage.sh format} does it (same
 * {@link Formatter}); an already formatted data directory is reused, so the local stack keeps its
 * topics across restarts. The quorum is static ({@code controller.quorum.voters}, node 1 on the
 * controller listener) rather than {@code --standalone}: a standalone (dynamic) quorum writes the
 * controller's endpoint into the formatted log, which would break restarts with a different
 * controller port; with a static voter the controller port may change freely between runs.
 *
 * <p>Internal topics use replication factor 1, consumer groups rebalance without delay.
 *
 * <pre>{@code
 * KafkaBroker kafka = KafkaBroker.shared();              // tests: one per JVM, free port, temp dir
 * KafkaBroker kafka = KafkaBroker.start(9092, Path.of(".crm/kafka"), false); // local stack
 * kafka.createTopics(Map.of("crm.guests", TopicSpec.compacted(3)));
 * }</pre>
 *
 * <p>As a process: {@code java -cp ... org.guestcrm.testsupport.KafkaBroker --port 9092 --data-dir .crm/kafka
 * [--no-auto-create-topics]}; it runs until SIGTERM/SIGINT and then shuts down cleanly.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int START_ATTEMPTS_ON_FREE_PORTS = 3;

    private static KafkaBroker shared;

    private final KafkaRaftServer server;
    private final int port;
    private final int controllerPort;
    private final Path dataDir;
    private boolean closed;

    private KafkaBroker(KafkaRaftServer server, int port, int controllerPort, Path dataDir) {
        this.server = server;
        this.port = port;
        this.controllerPort = controllerPort;
        this.dataDir = dataDir;
    }

    /**
     * The broker of this JVM: started on first call on free ports in a temporary directory, with
     * automatic topic creation on, and stopped (directory deleted) by a JVM shutdown hook.
     */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            Class<?> systemCopy = JvmWide.systemCopy(KafkaBroker.class);
            if (systemCopy != null) {
                Map<String, String> d = JvmWide.callStatic(systemCopy, "sharedDescriptor");
                shared = new KafkaBroker(null, Integer.parseInt(d.get("port")), Integer.parseInt(d.get("controllerPort")), Path.of(d.get("dataDir")));
            } else {
                Path dir = Servers.tempDir("guest-crm-kafka-");
                KafkaBroker broker = start(0, dir, true);
                Servers.onShutdown("kafka", () -> {
                    broker.close();
                    Servers.deleteRecursively(dir);
                });
                shared = broker;
            }
        }
        return shared;
    }

    /** Internal: the shared broker's coordinates, for copies of this class in other class loaders. */
    public static Map<String, String> sharedDescriptor() {
        KafkaBroker broker = shared();
        return Map.of("port", String.valueOf(broker.port), "controllerPort", String.valueOf(broker.controllerPort),
                "dataDir", broker.dataDir.toString());
    }

    /**
     * Starts a broker; the caller owns it and must {@link #close()} it.
     *
     * @param port             client port, 0 for a free one
     * @param dataDir          log directory; formatted if new, reused if already formatted
     * @param autoCreateTopics {@code auto.create.topics.enable}
     */
    public static KafkaBroker start(int port, Path dataDir, boolean autoCreateTopics) {
        Servers.createDirectories(dataDir);
        RuntimeException last = null;
        int attempts = port == 0 ? START_ATTEMPTS_ON_FREE_PORTS : 1;
        for (int attempt = 0; attempt < attempts; attempt++) {
            int brokerPort = Servers.portOrFree(port);
            int controllerPort = Servers.freePort();
            try {
                return JvmWide.withOwnClassLoader(
                        () -> startOnce(brokerPort, controllerPort, dataDir.toAbsolutePath(), autoCreateTopics));
            } catch (RuntimeException e) {
                last = e; // most likely a port taken between picking and binding: try other ports
            }
        }
        throw last;
    }

    private static KafkaBroker startOnce(int port, int controllerPort, Path dataDir, boolean autoCreateTopics) {
        QuietLogs.quietKafkaServer();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        props.put("listeners", BROKER_LISTENER + "://localhost:" + port + "," + CONTROLLER_LISTENER + "://localhost:" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://localhost:" + port);
        props.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", dataDir.toString());
        props.put("auto.create.topics.enable", String.valueOf(autoCreateTopics));
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("background.threads", "2");
        props.put("log.cleaner.threads", "1");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        props.put("delete.topic.enable", "true");
        KafkaConfig config = KafkaConfig.fromProps(props, false);

        formatIfNeeded(config, dataDir);

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            shutdownQuietly(server);
            throw new IllegalStateException("Kafka did not start on port " + port + " (controller " + controllerPort + ")", e);
        }
        KafkaBroker broker = new KafkaBroker(server, port, controllerPort, dataDir);
        try {
            broker.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private static void formatIfNeeded(KafkaConfig config, Path dataDir) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(config.nodeId())
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.toString()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka storage in " + dataDir, e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Kafka on port " + port + " not ready within " + timeout, last);
    }

    /** {@code localhost:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** A new admin client for this broker; close it after use. */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "guest-crm-test-support-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
    }

    /** How to create one topic. */
    public record TopicSpec(int partitions, boolean compacted) {

        public TopicSpec {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1");
            }
        }

        public static TopicSpec partitions(int partitions) {
            return new TopicSpec(partitions, false);
        }

        public static TopicSpec compacted(int partitions) {
            return new TopicSpec(partitions, true);
        }
    }

    /** Creates the topics that do not exist yet (replication factor 1); existing topics are left as they are. */
    public void createTopics(Map<String, TopicSpec> topics) {
        List<NewTopic> newTopics = new ArrayList<>();
        topics.forEach((name, spec) -> {
            NewTopic topic = new NewTopic(name, spec.partitions(), (short) 1);
            if (spec.compacted()) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            newTopics.add(topic);
        });
        try (Admin admin = admin()) {
            admin.createTopics(newTopics).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + name, e.getCause());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot create topic " + name, e);
                }
            });
        }
    }

    /** Creates one topic if missing. */
    public void createTopic(String name, int partitions, boolean compacted) {
        createTopics(Map.of(name, new TopicSpec(partitions, compacted)));
    }

    /** Stops the broker (controlled shutdown); the data directory is kept. No-op on the shared broker seen from another class loader. */
    @Override
    public synchronized void close() {
        if (closed || server == null) {
            return;
        }
        closed = true;
        shutdownQuietly(server);
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            System.err.println("Kafka: error during shutdown: " + e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** {@code --port 9092 --data-dir .crm/kafka [--no-auto-create-topics]}: runs until SIGTERM. */
    public static void main(String[] args) {
        Servers.useJBossLogManager();
        Map<String, String> options = Servers.parseArgs(args,
                "Usage: KafkaBroker --port <port, 0 = free> --data-dir <dir> [--no-auto-create-topics]");
        int port = Servers.intOption(options, "port", 9092);
        Path dataDir = Path.of(options.getOrDefault("data-dir", ".crm/kafka"));
        boolean autoCreate = !options.containsKey("no-auto-create-topics");
        Servers.runUntilTerminated("kafka",
                () -> start(port, dataDir, autoCreate),
                broker -> "bootstrap.servers=" + ((KafkaBroker) broker).bootstrapServers() + " data-dir=" + dataDir.toAbsolutePath());
    }

}
