package org.guestcrm.deploy;

import static org.guestcrm.deploy.StackConfig.Port.CONNECTOR;
import static org.guestcrm.deploy.StackConfig.Port.IMAP;
import static org.guestcrm.deploy.StackConfig.Port.JOURNEY;
import static org.guestcrm.deploy.StackConfig.Port.KAFKA;
import static org.guestcrm.deploy.StackConfig.Port.OPTOUT;
import static org.guestcrm.deploy.StackConfig.Port.POSTGRES;
import static org.guestcrm.deploy.StackConfig.Port.PROFILE;
import static org.guestcrm.deploy.StackConfig.Port.REGISTRY;
import static org.guestcrm.deploy.StackConfig.Port.SMTP;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.guestcrm.testsupport.KafkaBroker;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.Postgres;
import org.guestcrm.testsupport.SchemaRegistry;

/**
 * The whole CRM on one machine, each part its own process: Kafka, the schema registry, PostgreSQL
 * (one database per service), the SMTP/IMAP mail catcher, then the four services. {@link #up()} waits
 * until every part is healthy; {@link #down()} stops exactly the processes it started.
 */
public final class LocalStack {

    /** A service of the CRM: its Maven module, its own database and its port. */
    record Service(String name, String module, String database, StackConfig.Port port) {
    }

    static final List<Service> SERVICES = List.of(
            new Service("pms-connector", "pms-connector", "connector", CONNECTOR),
            new Service("profile-service", "profile-service", "profile", PROFILE),
            new Service("journey-service", "journey-service", "journey", JOURNEY),
            new Service("optout-service", "optout-service", "optout", OPTOUT));

    static final String MAIL_FROM = "reservations@guestcrm.local";

    private static final Duration INFRASTRUCTURE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(180);

    private final StackConfig config;
    private final PrintStream out;
    private final String javaExecutable;

    public LocalStack(StackConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
        this.javaExecutable = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public StackConfig config() {
        return config;
    }

    /** Starts everything and waits until all of it is healthy; on failure stops what it started and throws. */
    public void up() {
        up(true);
    }

    /**
     * Starts the infrastructure (and, when {@code withServices}, the four services) and waits until all of it
     * is healthy. Without services, a developer runs one service from the IDE or {@code quarkus:dev} against it.
     */
    public void up(boolean withServices) {
        List<String> alreadyRunning = runningParts();
        if (!alreadyRunning.isEmpty()) {
            List<StackPart> wanted = withServices ? allParts() : infrastructureParts();
            boolean allHealthy = wanted.stream().allMatch(p -> p.health().problem() == null);
            if (alreadyRunning.size() == wanted.size() && allHealthy) {
                out.println("The stack is already up (state in " + config.stateDirectory() + ").");
                printWelcome(withServices);
                return;
            }
            throw new StackException("Part of the stack is already running (" + String.join(", ", alreadyRunning)
                    + "): run ./crm down first");
        }
        checkPortsFree();
        if (withServices) {
            requireServiceJars();
        }
        createDirectories();
        try {
            out.println("Starting Kafka, the schema registry, PostgreSQL and the mail catcher ...");
            List<StackPart> infrastructure = infrastructureParts();
            infrastructure.forEach(this::start);
            awaitHealthy(infrastructure, INFRASTRUCTURE_TIMEOUT);

            out.println("Creating databases, topics and registering schemas ...");
            StackSetup.createDatabases(config, SERVICES.stream().map(Service::database).toList());
            StackSetup.createTopics(config);
            int schemas = StackSetup.registerSchemas(config);
            out.println("  " + schemas + " schemas registered with a BACKWARD compatibility rule.");

            if (withServices) {
                out.println("Starting the services ...");
                List<StackPart> services = serviceParts();
                services.forEach(this::start);
                awaitHealthy(services, SERVICE_TIMEOUT);
            }
        } catch (RuntimeException e) {
            out.println("The stack did not come up; stopping what was started.");
            down();
            throw e;
        }
        printWelcome(withServices);
    }

    /** Stops every process this stack started (per pid file). Returns the names it stopped. */
    public List<String> down() {
        List<String> stopped = new ArrayList<>();
        List<StackPart> parts = new ArrayList<>(allParts());
        Collections.reverse(parts);
        for (StackPart part : parts) {
            Path pidFile = pidFile(part);
            Optional<ProcessHandle> process = DetachedProcess.running(pidFile);
            if (process.isPresent()) {
                List<Long> left = DetachedProcess.stopGroup(process.get().pid(), Duration.ofSeconds(20));
                if (!left.isEmpty()) {
                    throw new StackException("Could not stop " + part.name() + ": processes " + left + " still run");
                }
                stopped.add(part.name());
                out.println("Stopped " + part.name() + ".");
            }
            if (part.name().equals("postgres")) {
                stopStrayPostmaster(config.dataDirectory().resolve("postgres/postmaster.pid")).ifPresent(pid -> {
                    stopped.add("postgres (pid " + pid + ")");
                    out.println("Stopped PostgreSQL server " + pid + " that outlived its launcher.");
                });
            }
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                throw new StackException("Cannot remove " + pidFile + ": " + e.getMessage(), e);
            }
        }
        if (stopped.isEmpty()) {
            out.println("Nothing of the stack was running.");
        }
        return stopped;
    }

    /**
     * PostgreSQL runs in a session of its own (pg_ctl detaches it), so stopping the launcher's group does not
     * reach it when the launcher died without its shutdown hook: its postmaster.pid still names it.
     */
    private static Optional<Long> stopStrayPostmaster(Path postmasterPid) {
        if (!Files.isRegularFile(postmasterPid)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(postmasterPid).get(0).trim());
            Optional<ProcessHandle> postmaster = ProcessHandle.of(pid)
                    .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
            if (postmaster.isEmpty()) {
                return Optional.empty();
            }
            DetachedProcess.stopGroup(pid, Duration.ofSeconds(20));
            return Optional.of(pid);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Names of the parts whose process runs. */
    public List<String> runningParts() {
        return allParts().stream().filter(p -> DetachedProcess.running(pidFile(p)).isPresent()).map(StackPart::name).toList();
    }

    /** Pid of each started part's group leader, from the pid files (for checks after down()). */
    public Map<String, Long> groupLeaders() {
        Map<String, Long> leaders = new LinkedHashMap<>();
        for (StackPart part : allParts()) {
            DetachedProcess.running(pidFile(part)).ifPresent(h -> leaders.put(part.name(), h.pid()));
        }
        return leaders;
    }

    List<String> unhealthyParts() {
        return allParts().stream().filter(p -> p.health().problem() != null).map(StackPart::name).toList();
    }

    /** Health of every part and the lag of every consumer group. */
    public boolean status() {
        boolean allHealthy = true;
        out.printf("%-16s %-8s %-8s %s%n", "PART", "PID", "HEALTH", "DETAIL");
        for (StackPart part : allParts()) {
            Optional<ProcessHandle> process = DetachedProcess.running(pidFile(part));
            String problem = part.health().problem();
            allHealthy &= process.isPresent() && problem == null;
            out.printf("%-16s %-8s %-8s %s%n", part.name(), process.map(p -> Long.toString(p.pid())).orElse("-"),
                    problem == null ? "UP" : "DOWN", problem == null ? endpoint(part) : problem);
        }
        if (DetachedProcess.running(pidFile(kafkaPart())).isPresent() && kafkaPart().health().problem() == null) {
            out.println();
            out.printf("%-28s %-24s %8s%n", "CONSUMER GROUP", "TOPIC", "LAG");
            List<ConsumerLag.GroupLag> lags = ConsumerLag.read(config.kafkaBootstrapServers());
            if (lags.isEmpty()) {
                out.println("(no consumer groups yet)");
            }
            for (ConsumerLag.GroupLag lag : lags) {
                out.printf("%-28s %-24s %8s%n", lag.group(), lag.topic(), lag.lag() < 0 ? "-" : Long.toString(lag.lag()));
            }
        }
        return allHealthy;
    }

    private String endpoint(StackPart part) {
        return switch (part.name()) {
            case "kafka" -> config.kafkaBootstrapServers();
            case "postgres" -> "localhost:" + config.port(POSTGRES);
            case "mail" -> "smtp localhost:" + config.port(SMTP) + ", imap localhost:" + config.port(IMAP);
            case "registry" -> "http://localhost:" + config.port(REGISTRY) + "/ui";
            default -> "http://localhost:" + config.port(SERVICES.stream().filter(s -> s.name().equals(part.name()))
                    .findFirst().orElseThrow().port()) + "/q/health";
        };
    }

    private void printWelcome(boolean withServices) {
        out.println();
        out.println(withServices ? "Guest CRM is up." : "The infrastructure of Guest CRM is up (no services started).");
        if (withServices) {
            out.println("  pms-connector   http://localhost:" + config.port(CONNECTOR) + "  (push feeds demo-ota and demo-json, token: demo)");
            out.println("  profile-service http://localhost:" + config.port(PROFILE));
            out.println("  journey-service http://localhost:" + config.port(JOURNEY));
            out.println("  optout-service  http://localhost:" + config.port(OPTOUT));
        }
        out.println("  schema registry http://localhost:" + config.port(REGISTRY) + "/apis/registry/v3");
        out.println("  Kafka           " + config.kafkaBootstrapServers());
        out.println("  PostgreSQL      localhost:" + config.port(POSTGRES) + " (user postgres; databases connector, profile, journey, optout)");
        out.println("  Mail catcher    SMTP localhost:" + config.port(SMTP) + ", IMAP localhost:" + config.port(IMAP)
                + " (login and password: the recipient's e-mail address)");
        out.println("  Logs            " + config.logDirectory());
        out.println("Stop it with ./crm down; see its health and consumer lag with ./crm status.");
    }

    private void checkPortsFree() {
        List<String> taken = new ArrayList<>();
        for (StackConfig.Port port : StackConfig.Port.values()) {
            if (HealthChecks.portInUse(config.port(port))) {
                taken.add("port " + config.port(port) + " (" + port.name().toLowerCase() + ", set "
                        + port.environmentVariable() + " to use another)");
            }
        }
        if (!taken.isEmpty()) {
            throw new StackException("Cannot start the stack: already taken: " + String.join("; ", taken));
        }
    }

    private void requireServiceJars() {
        for (Service service : SERVICES) {
            if (!Files.isRegularFile(serviceJar(service))) {
                throw new StackException(serviceJar(service) + " is missing: build first (./crm up builds what is missing,"
                        + " or run ./mvnw -DskipTests package)");
            }
        }
    }

    private void createDirectories() {
        try {
            Files.createDirectories(config.logDirectory());
            Files.createDirectories(config.runDirectory());
            Files.createDirectories(config.dataDirectory());
        } catch (IOException e) {
            throw new StackException("Cannot create " + config.stateDirectory() + ": " + e.getMessage(), e);
        }
    }

    private void start(StackPart part) {
        out.println("  starting " + part.name() + " (log: " + logFile(part) + ")");
        DetachedProcess.start(part.command(), part.environment(), config.repositoryRoot(), logFile(part), pidFile(part));
    }

    private void awaitHealthy(List<StackPart> parts, Duration timeout) {
        List<CompletableFuture<Void>> waits = parts.stream()
                .map(part -> CompletableFuture.runAsync(() -> awaitHealthy(part, timeout)))
                .toList();
        try {
            CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StackException stackException) {
                throw stackException;
            }
            throw e;
        }
    }

    private void awaitHealthy(StackPart part, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Instant started = Instant.now();
        String problem = part.health().problem();
        while (problem != null) {
            if (DetachedProcess.running(pidFile(part)).isEmpty()) {
                throw new StackException(part.name() + " exited while starting. Last lines of " + logFile(part) + ":\n" + tail(logFile(part)));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new StackException(part.name() + " is not healthy after " + timeout.toSeconds() + " s: " + problem
                        + ". Last lines of " + logFile(part) + ":\n" + tail(logFile(part)));
            }
            DetachedProcess.pause(Duration.ofMillis(500));
            problem = part.health().problem();
        }
        out.printf("  %s is healthy (%.1f s)%n", part.name(), Duration.between(started, Instant.now()).toMillis() / 1000.0);
    }

    static String tail(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log)";
        }
    }

    List<StackPart> allParts() {
        List<StackPart> parts = new ArrayList<>(infrastructureParts());
        parts.addAll(serviceParts());
        return parts;
    }

    private StackPart kafkaPart() {
        return infrastructureParts().get(0);
    }

    List<StackPart> infrastructureParts() {
        return List.of(
                infrastructurePart("kafka", "-Xmx512m", KafkaBroker.class,
                        List.of("--port", port(KAFKA), "--data-dir", data("kafka"), "--no-auto-create-topics"),
                        () -> HealthChecks.kafka(config.kafkaBootstrapServers())),
                infrastructurePart("postgres", "-Xmx128m", Postgres.class,
                        List.of("--port", port(POSTGRES), "--data-dir", data("postgres")),
                        () -> HealthChecks.postgres(config.jdbcUrl("postgres"))),
                infrastructurePart("mail", "-Xmx192m", MailServer.class,
                        List.of("--smtp-port", port(SMTP), "--imap-port", port(IMAP)),
                        () -> HealthChecks.smtp(config.port(SMTP))),
                infrastructurePart("registry", "-Xmx64m", SchemaRegistry.class,
                        List.of("--port", port(REGISTRY), "--work-dir", data("registry")),
                        () -> HealthChecks.http(config.registryApiUrl() + "/system/info")));
    }

    /** Infrastructure runs from this launcher's classpath, through the test-support servers' own main methods. */
    private StackPart infrastructurePart(String name, String heap, Class<?> mainClass,
            List<String> arguments, StackPart.HealthCheck health) {
        List<String> command = new ArrayList<>(List.of(javaExecutable, heap, "-XX:+UseSerialGC", "-Dguestcrm.stack.part=" + name,
                "-cp", config.classpath(), mainClass.getName()));
        command.addAll(arguments);
        return new StackPart(name, command, Map.of(), health);
    }

    List<StackPart> serviceParts() {
        return SERVICES.stream().map(this::servicePart).toList();
    }

    private StackPart servicePart(Service service) {
        List<String> command = List.of(javaExecutable, "-Xmx384m", "-XX:+UseSerialGC",
                "-Dguestcrm.stack.part=" + service.name(),
                "-Dquarkus.http.port=" + config.port(service.port()),
                "-Dquarkus.datasource.jdbc.url=" + config.jdbcUrl(service.database()),
                "-Dquarkus.datasource.username=postgres",
                "-Dkafka.bootstrap.servers=" + config.kafkaBootstrapServers(),
                "-Dmp.messaging.connector.smallrye-kafka.apicurio.registry.url=" + config.registryApiUrl(),
                "-Dquarkus.mailer.host=localhost",
                "-Dquarkus.mailer.port=" + config.port(SMTP),
                "-Dquarkus.mailer.from=" + MAIL_FROM,
                "-jar", serviceJar(service).toString());
        return new StackPart(service.name(), command, Map.of(),
                () -> HealthChecks.http("http://localhost:" + config.port(service.port()) + "/q/health/ready"));
    }

    Path serviceJar(Service service) {
        return config.repositoryRoot().resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private String port(StackConfig.Port port) {
        return Integer.toString(config.port(port));
    }

    private String data(String name) {
        return config.dataDirectory().resolve(name).toString();
    }

    Path pidFile(StackPart part) {
        return config.runDirectory().resolve(part.name() + ".pid");
    }

    Path logFile(StackPart part) {
        return config.logDirectory().resolve(part.name() + ".log");
    }
}
