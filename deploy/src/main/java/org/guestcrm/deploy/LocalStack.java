package org.guestcrm.deploy;

import static org.guestcrm.deploy.StackConfig.Port.CONNECTOR;
import static org.guestcrm.deploy.StackConfig.Port.DESK;
import static org.guestcrm.deploy.StackConfig.Port.IMAP;
import static org.guestcrm.deploy.StackConfig.Port.JOURNEY;
import static org.guestcrm.deploy.StackConfig.Port.KAFKA;
import static org.guestcrm.deploy.StackConfig.Port.OPS;
import static org.guestcrm.deploy.StackConfig.Port.OPTOUT;
import static org.guestcrm.deploy.StackConfig.Port.PMS_SIM;
import static org.guestcrm.deploy.StackConfig.Port.POSTGRES;
import static org.guestcrm.deploy.StackConfig.Port.PROFILE;
import static org.guestcrm.deploy.StackConfig.Port.REGISTRY;
import static org.guestcrm.deploy.StackConfig.Port.SMS;
import static org.guestcrm.deploy.StackConfig.Port.SMTP;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.guestcrm.testsupport.KafkaBroker;
import org.guestcrm.testsupport.LocalIdentity;
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
            new Service("optout-service", "optout-service", "optout", OPTOUT),
            new Service("desk-service", "desk-service", "desk", DESK));

    /**
     * The ops console (page and ops API over every consumer group, feed, outbox and dead-letter topic). A part of the
     * stack once its fast-jar is built ({@code ./mvnw -pl ops-console -am package}); until then {@code up} says so and
     * runs without it, so a checkout whose launcher does not build it yet still comes up.
     */
    static final Service OPS_CONSOLE = new Service("ops-console", "ops-console", "ops", OPS);

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
     * Starts whatever part of the infrastructure (and, when {@code withServices}, of the four services) is not
     * running, leaves running parts alone, and waits until all of it is healthy. Without services, a developer
     * runs one service from the IDE or {@code quarkus:dev} against it. On failure stops what this call started.
     */
    public void up(boolean withServices) {
        List<StackPart> wanted = withServices ? allParts() : infrastructureParts();
        List<StackPart> toStart = wanted.stream().filter(p -> !isRunning(p)).toList();
        if (toStart.isEmpty() && wanted.stream().allMatch(p -> p.health().problem() == null)) {
            out.println("The stack is already up (state in " + config.stateDirectory() + ").");
            printWelcome(withServices);
            return;
        }
        List<String> running = wanted.stream().filter(this::isRunning).map(StackPart::name).toList();
        if (!running.isEmpty()) {
            out.println("Already running, left alone: " + String.join(", ", running) + ".");
        }
        List<StackPart> startInfrastructure = toStart.stream().filter(p -> !isService(p) && !isDemo(p)).toList();
        List<StackPart> startServices = toStart.stream().filter(LocalStack::isService).toList();
        if (startInfrastructure.stream().anyMatch(p -> p.name().equals("postgres"))) {
            stopStrayPostmaster();
        }
        checkPortsFree(toStart);
        if (!startServices.isEmpty()) {
            requireServiceJars(startServices);
        }
        createDirectories();
        LocalIdentity.loadOrCreate(config.keyDirectory());
        List<StackPart> started = new ArrayList<>();
        try {
            if (!startInfrastructure.isEmpty()) {
                out.println("Starting " + String.join(", ", startInfrastructure.stream().map(StackPart::name).toList()) + " ...");
                startInfrastructure.forEach(part -> {
                    start(part);
                    started.add(part);
                });
            }
            awaitHealthy(infrastructureParts(), INFRASTRUCTURE_TIMEOUT);
            setUp();
            if (withServices) {
                if (!startServices.isEmpty()) {
                    out.println("Starting the services " + String.join(", ", startServices.stream().map(StackPart::name).toList()) + " ...");
                    startServices.forEach(part -> {
                        start(part);
                        started.add(part);
                    });
                }
                awaitHealthy(serviceParts(), SERVICE_TIMEOUT);
                StackPart simulator = simulatorPart();
                if (!isRunning(simulator)) {
                    // The demo webhook feed is created through the connector's admin API, then the simulated PMS
                    // starts with its credential and calls the feed's webhook for every change.
                    DemoPms.provision(config, "http://localhost:" + config.port(CONNECTOR), simulatorUrl(),
                            adminToken(Duration.ofMinutes(10)));
                    simulator = simulatorPart();
                    start(simulator);
                    started.add(simulator);
                }
                awaitHealthy(List.of(simulator), INFRASTRUCTURE_TIMEOUT);
            }
        } catch (RuntimeException e) {
            out.println("The stack did not come up; stopping what this run started ("
                    + String.join(", ", started.stream().map(StackPart::name).toList()) + ").");
            List<StackPart> reversed = new ArrayList<>(started);
            Collections.reverse(reversed);
            reversed.forEach(this::stop);
            throw e;
        }
        printWelcome(withServices);
    }

    /** Databases, topics and schemas: each created only where missing, so running it again changes nothing. */
    private void setUp() {
        List<String> databases = new ArrayList<>(SERVICES.stream().map(Service::database).toList());
        databases.add(OPS_CONSOLE.database());
        StackSetup.createDatabases(config, databases);
        List<String> topics = StackSetup.createTopics(config);
        int schemas = StackSetup.registerSchemas(config);
        out.println("  databases, " + (topics.isEmpty() ? "topics" : topics.size() + " new topics") + " and " + schemas
                + " schemas (global BACKWARD rule) are in place; PostgreSQL " + durability());
    }

    /**
     * Restarts one part ({@code connector|profile|journey|optout|kafka|registry|postgres|mail}) and waits until
     * it is healthy; the other parts keep running (and reconnect on their own).
     */
    public void restart(String name) {
        String partName = StackParts.partName(name);
        StackPart part = allParts().stream().filter(p -> p.name().equals(partName)).findFirst().orElseThrow();
        if (isService(part)) {
            requireServiceJars(List.of(part));
        }
        if (stop(part)) {
            out.println("Stopped " + part.name() + ".");
        }
        if (part.name().equals("postgres")) {
            stopStrayPostmaster();
        }
        checkPortsFree(List.of(part));
        createDirectories();
        LocalIdentity.loadOrCreate(config.keyDirectory());
        start(part);
        awaitHealthy(List.of(part), isService(part) ? SERVICE_TIMEOUT : INFRASTRUCTURE_TIMEOUT);
        if (!isService(part)) {
            setUp();
        }
        out.println("Restarted " + part.name() + ".");
    }

    /**
     * Stops one part (its whole process group and, for PostgreSQL, the server in its own session) and removes
     * its pid file. Returns whether anything of it was running.
     */
    private boolean stop(StackPart part) {
        boolean stopped = false;
        Path pidFile = pidFile(part);
        Optional<ProcessHandle> process = DetachedProcess.running(pidFile);
        if (process.isPresent()) {
            List<Long> left = DetachedProcess.stopGroup(process.get().pid(), Duration.ofSeconds(20));
            if (!left.isEmpty()) {
                throw new StackException("Could not stop " + part.name() + ": processes " + left + " still run");
            }
            stopped = true;
        }
        if (part.name().equals("postgres")) {
            stopped |= stopStrayPostmaster();
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new StackException("Cannot remove " + pidFile + ": " + e.getMessage(), e);
        }
        return stopped;
    }

    private boolean isRunning(StackPart part) {
        return DetachedProcess.running(pidFile(part)).isPresent();
    }

    private static boolean isService(StackPart part) {
        return serviceOf(part.name()).isPresent();
    }

    /** The four services and the ops console. */
    static List<Service> stackServices() {
        List<Service> services = new ArrayList<>(SERVICES);
        services.add(OPS_CONSOLE);
        return services;
    }

    /**
     * Stops one part ({@code connector|...|mail}) and leaves it stopped; {@link #up()} starts it again. Returns whether
     * it was running.
     */
    public boolean stopPart(String name) {
        String partName = StackParts.partName(name);
        StackPart part = allParts().stream().filter(p -> p.name().equals(partName)).findFirst().orElseThrow();
        boolean stopped = stop(part);
        if (stopped) {
            out.println("Stopped " + part.name() + ".");
        }
        return stopped;
    }

    /**
     * SIGKILLs one part's whole process group, no SIGTERM first (a crash: no shutdown hook runs) and leaves its pid
     * file, so {@code up} sees it gone and starts just that part. Returns the pid it killed, or -1 if it was not running.
     */
    public long kill(String name) {
        String partName = StackParts.partName(name);
        StackPart part = allParts().stream().filter(p -> p.name().equals(partName)).findFirst().orElseThrow();
        Optional<ProcessHandle> process = DetachedProcess.running(pidFile(part));
        if (process.isEmpty()) {
            return -1;
        }
        DetachedProcess.killGroup(process.get().pid(), Duration.ofSeconds(10));
        out.println("Killed " + part.name() + " (SIGKILL, pid " + process.get().pid() + ").");
        return process.get().pid();
    }

    /** The mail catcher's journal of deliveries ({@link MailJournal}); it outlives mail catcher restarts. */
    public Path mailJournal() {
        return config.dataDirectory().resolve("mail").resolve("journal.tsv");
    }

    /** Stops every process this stack started (per pid file). Returns the names it stopped. */
    public List<String> down() {
        List<String> stopped = new ArrayList<>();
        List<StackPart> parts = new ArrayList<>(allParts());
        // Replicas of a larger CRM_REPLICAS than this call's stop first, as the services do.
        parts.addAll(strayReplicas(parts));
        Collections.reverse(parts);
        for (StackPart part : parts) {
            if (stop(part)) {
                stopped.add(part.name());
                out.println("Stopped " + part.name() + ".");
            }
        }
        if (stopped.isEmpty()) {
            out.println("Nothing of the stack was running.");
        }
        return stopped;
    }

    /**
     * Replicas started by an {@code up} with a larger {@code CRM_REPLICAS} than this call's: known by their pid files,
     * so {@code down} stops them too. Only the name matters to {@link #stop}.
     */
    private List<StackPart> strayReplicas(List<StackPart> known) {
        List<StackPart> stray = new ArrayList<>();
        for (Service service : SERVICES) {
            for (int replica = config.replicas() + 1; replica <= StackConfig.MAX_REPLICAS; replica++) {
                StackPart part = new StackPart(replicaName(service.name(), replica), List.of(), Map.of(), () -> null);
                if (Files.exists(pidFile(part)) && known.stream().noneMatch(p -> p.name().equals(part.name()))) {
                    stray.add(part);
                }
            }
        }
        return stray;
    }

    /** The PostgreSQL server of the stack's data directory, when one runs (from its postmaster.pid). */
    Optional<ProcessHandle> postmaster() {
        Path postmasterPid = config.dataDirectory().resolve("postgres/postmaster.pid");
        if (!Files.isRegularFile(postmasterPid)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(postmasterPid).get(0).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * PostgreSQL runs in a session of its own (pg_ctl detaches it), so stopping the launcher's group does not
     * reach it when the launcher died without its shutdown hook: its postmaster.pid still names it.
     */
    private boolean stopStrayPostmaster() {
        Optional<ProcessHandle> postmaster = postmaster();
        if (postmaster.isEmpty()) {
            return false;
        }
        DetachedProcess.stopGroup(postmaster.get().pid(), Duration.ofSeconds(20));
        out.println("Stopped PostgreSQL server " + postmaster.get().pid() + " that outlived its launcher.");
        return true;
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

    /**
     * The parts still unhealthy after asking again for up to {@code patience}: one probe that times out on a loaded
     * machine (a Kafka admin call right after {@code up}, seen once with the load average at 11) is not a stack down.
     */
    List<String> unhealthyPartsWithin(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        List<String> unhealthy = unhealthyParts();
        while (!unhealthy.isEmpty() && System.nanoTime() < deadline) {
            DetachedProcess.pause(Duration.ofSeconds(2));
            unhealthy = unhealthyParts();
        }
        return unhealthy;
    }

    /** Health of every part and the lag of every consumer group. */
    public boolean status() {
        boolean allHealthy = true;
        out.printf("%-18s %-8s %-8s %s%n", "PART", "PID", "HEALTH", "DETAIL");
        for (StackPart part : allParts()) {
            Optional<ProcessHandle> process = DetachedProcess.running(pidFile(part));
            String problem = part.health().problem();
            allHealthy &= process.isPresent() && problem == null;
            out.printf("%-18s %-8s %-8s %s%n", part.name(), process.map(p -> Long.toString(p.pid())).orElse("-"),
                    problem == null ? "UP" : "DOWN", problem == null ? endpoint(part) : problem);
        }
        if (postgresPart().health().problem() == null) {
            out.println();
            out.println("PostgreSQL durability: " + durability());
        }
        if (DetachedProcess.running(pidFile(kafkaPart())).isPresent() && kafkaPart().health().problem() == null) {
            out.println();
            // Judged over a short window of readings (LagCommand's defaults), the same judgement as ./crm lag.
            try (org.guestcrm.deploy.lag.LagMonitor monitor = new org.guestcrm.deploy.lag.LagMonitor(
                    config.kafkaBootstrapServers(), Map.of(), 4)) {
                org.guestcrm.deploy.lag.LagTable.print(LagCommand.readWindow(monitor, 4, Duration.ofMillis(2500)),
                        false, out);
            }
        }
        return allHealthy;
    }

    private String endpoint(StackPart part) {
        return switch (part.name()) {
            case "kafka" -> config.kafkaBootstrapServers();
            case "postgres" -> "localhost:" + config.port(POSTGRES);
            case "mail" -> "smtp localhost:" + config.port(SMTP) + ", imap localhost:" + config.port(IMAP);
            case "sms" -> "http://localhost:" + config.port(SMS) + "/messages  (texts the journey-service sent)";
            case "registry" -> "http://localhost:" + config.port(REGISTRY) + "/ui";
            case "ops-console" -> "http://localhost:" + config.port(OPS) + "/  (the ops page; ./crm token --role ops --tenant '*')";
            case SIMULATOR -> simulatorUrl() + "/simulator/status  (simulated apaleo/Mews PMS, webhooks to demo-apaleo)";
            default -> "http://localhost:" + servicePort(part) + "/q/health";
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
            out.println("  desk-service    http://localhost:" + config.port(DESK) + "  (leads, call-back tasks, quotes)");
            out.println("  SMS catcher     http://localhost:" + config.port(SMS) + "/messages?to=+41...  (texts sent, Twilio API shape)");
            out.println("  PMS simulator   " + simulatorUrl() + "  (apaleo API + webhooks to feed demo-apaleo, hotel "
                    + DemoPms.FEEDS.get(0).hotelCode() + "; PUT /simulator/reservations/{id} books)");
            if (Files.isRegularFile(serviceJar(OPS_CONSOLE))) {
                out.println("  ops console     http://localhost:" + config.port(OPS) + "/  (token: ./crm token --role ops --tenant '*')");
            }
        }
        out.println("  schema registry http://localhost:" + config.port(REGISTRY) + "/apis/registry/v3");
        out.println("  Kafka           " + config.kafkaBootstrapServers());
        out.println("  PostgreSQL      localhost:" + config.port(POSTGRES) + " (user postgres; databases connector, profile, journey, optout, desk, ops)");
        out.println("  Mail catcher    SMTP localhost:" + config.port(SMTP) + ", IMAP localhost:" + config.port(IMAP)
                + " (login and password: the recipient's e-mail address)");
        out.println("  Logs            " + config.logDirectory());
        out.println("Stop it with ./crm down; see its health and consumer lag with ./crm status.");
    }

    /** The ports a part listens on. */
    List<StackConfig.Port> ports(StackPart part) {
        return switch (part.name()) {
            case "kafka" -> List.of(KAFKA);
            case "postgres" -> List.of(POSTGRES);
            case "mail" -> List.of(SMTP, IMAP);
            case "sms" -> List.of(SMS);
            case "registry" -> List.of(REGISTRY);
            case SIMULATOR -> List.of(PMS_SIM);
            default -> List.of(serviceOf(part.name()).orElseThrow().port());
        };
    }

    /** The HTTP port of a service's process, replicas included (the service's port + 100 per replica after the first). */
    private int servicePort(StackPart part) {
        Service service = serviceOf(part.name()).orElseThrow();
        java.util.regex.Matcher replica = java.util.regex.Pattern.compile("-([2-9])$").matcher(part.name());
        return config.port(service.port(), part.name().equals(service.name()) || !replica.find() ? 1
                : Integer.parseInt(replica.group(1)));
    }

    private void checkPortsFree(List<StackPart> parts) {
        List<String> taken = new ArrayList<>();
        for (StackPart part : parts) {
            for (StackConfig.Port port : ports(part)) {
                int number = isService(part) ? servicePort(part) : config.port(port);
                if (HealthChecks.portInUse(number)) {
                    taken.add("port " + number + " (" + port.name().toLowerCase() + (isService(part) && number != config.port(port)
                            ? " " + part.name() : "") + ", set " + port.environmentVariable()
                            + (number == config.port(port) ? "" : " or CRM_REPLICAS") + " to use another)");
                }
            }
        }
        if (!taken.isEmpty()) {
            throw new StackException("Cannot start the stack: already taken: " + String.join("; ", taken));
        }
    }

    private void requireServiceJars(List<StackPart> parts) {
        for (Service service : stackServices()) {
            if (parts.stream().anyMatch(p -> p.name().equals(service.name())) && !Files.isRegularFile(serviceJar(service))) {
                throw new StackException(serviceJar(service) + " is missing: build first (./crm up builds what is missing,"
                        + " or run ./mvnw -DskipTests package)");
            }
        }
    }

    /** PostgreSQL's durability settings as the server reports them, e.g. {@code fsync=on, synchronous_commit=on}. */
    String durability() {
        Properties properties = new Properties();
        properties.put("user", "postgres");
        properties.put("connectTimeout", "3");
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl("postgres"), properties);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select name, setting from pg_settings where name in"
                        + " ('fsync', 'synchronous_commit', 'full_page_writes') order by name")) {
            List<String> settings = new ArrayList<>();
            while (rows.next()) {
                settings.add(rows.getString(1) + "=" + rows.getString(2));
            }
            return String.join(", ", settings);
        } catch (SQLException e) {
            return "(settings unknown: " + e.getSQLState() + ")";
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
        // Own threads, not the common pool: on two cores that pool has one thread, which made these waits sequential.
        try (java.util.concurrent.ExecutorService waiters = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Void>> waits = parts.stream()
                    .map(part -> CompletableFuture.runAsync(() -> awaitHealthy(part, timeout), waiters))
                    .toList();
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
        parts.add(simulatorPart());
        return parts;
    }

    static final String SIMULATOR = "pms-simulator";

    /** A hotel of the demo tenant without quiet hours, for the end-to-end test of text messages. */
    static final String E2E_SMS_HOTEL = "E2E-SMS";

    /**
     * The time zone of {@link #E2E_SMS_HOTEL}: a fixed offset chosen when the journey-service starts so that it is
     * early afternoon there (14:00 plus the minutes of the hour), whatever the hour of the run. A pre-check-in of
     * tomorrow's arrival is then already due (its 10:00 has passed) and goes at once, so the end-to-end test of text
     * messages does not depend on when it runs; the hotel's country stays CH for reading its national numbers.
     */
    static java.time.ZoneId e2eSmsZone() {
        int utcHour = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour();
        return java.time.ZoneOffset.ofHours(14 - utcHour);
    }

    private static boolean isDemo(StackPart part) {
        return part.name().equals(SIMULATOR);
    }

    String simulatorUrl() {
        return "http://localhost:" + config.port(PMS_SIM);
    }

    /**
     * The simulated PMS (module pms-simulator: apaleo and Mews API shapes, thin webhooks) on {@code CRM_PMS_SIM_PORT},
     * sending apaleo webhooks to the demo feed {@code demo-apaleo}; its credential comes from the environment (never
     * the command line, which ps shows). Data is put with its control API ({@code PUT /simulator/reservations/{id}}).
     */
    StackPart simulatorPart() {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable);
        command.addAll(StackParts.jvmOptions(config, SIMULATOR));
        command.addAll(List.of("-Dguestcrm.stack.part=" + SIMULATOR, "-cp", config.classpath(),
                "org.guestcrm.simulator.PmsSimulatorMain", "--port", port(PMS_SIM),
                "--apaleo-webhook-url", "http://localhost:" + config.port(CONNECTOR) + "/api/v1/feeds/"
                        + DemoPms.FEEDS.get(0).feedId() + "/" + DemoPms.FEEDS.get(0).webhookPath(),
                "--apaleo-token", DemoPms.APALEO_ACCESS_TOKEN,
                "--mews-access-token", DemoPms.MEWS_ACCESS_TOKEN,
                "--mews-client-token", DemoPms.MEWS_CLIENT_TOKEN));
        Map<String, String> environment = new LinkedHashMap<>();
        String token = DemoPms.webhookToken(config);
        if (token != null) {
            environment.put("PMS_SIM_WEBHOOK_TOKEN", token);
        }
        return new StackPart(SIMULATOR, command, environment,
                () -> HealthChecks.http(simulatorUrl() + "/simulator/status"));
    }

    private StackPart kafkaPart() {
        return infrastructureParts().get(0);
    }

    private StackPart postgresPart() {
        return infrastructureParts().get(1);
    }

    List<StackPart> infrastructureParts() {
        return List.of(
                infrastructurePart("kafka", KafkaBroker.class,
                        List.of("--port", port(KAFKA), "--data-dir", data("kafka"), "--no-auto-create-topics"),
                        () -> HealthChecks.kafka(config.kafkaBootstrapServers())),
                infrastructurePart("postgres", Postgres.class,
                        List.of("--port", port(POSTGRES), "--data-dir", data("postgres")),
                        () -> HealthChecks.postgres(config.jdbcUrl("postgres"))),
                // test-support's MailServer with a journal of every delivery on disk (JournaledMailServer)
                infrastructurePart("mail", JournaledMailServer.class,
                        List.of("--smtp-port", port(SMTP), "--imap-port", port(IMAP), "--journal", mailJournal().toString()),
                        () -> HealthChecks.smtp(config.port(SMTP))),
                infrastructurePart("registry", SchemaRegistry.class,
                        List.of("--port", port(REGISTRY), "--work-dir", data("registry")),
                        () -> HealthChecks.http(config.registryApiUrl() + "/system/info")),
                // The SMS gateway of the journey-service: a Twilio-shaped catcher with a journal on disk (SmsCatcher).
                withEnvironment(infrastructurePart("sms", SmsCatcher.class,
                        List.of("--port", port(SMS), "--journal", smsJournal().toString()),
                        () -> HealthChecks.http("http://localhost:" + config.port(SMS) + "/health")),
                        Map.of("SMS_CATCHER_AUTH_TOKEN", SmsGateway.authToken(config))));
    }

    private static StackPart withEnvironment(StackPart part, Map<String, String> environment) {
        return new StackPart(part.name(), part.command(), environment, part.health());
    }

    Path smsJournal() {
        return config.dataDirectory().resolve("sms").resolve("journal.tsv");
    }

    /** Infrastructure runs from this launcher's classpath, through the test-support servers' own main methods. */
    private StackPart infrastructurePart(String name, Class<?> mainClass,
            List<String> arguments, StackPart.HealthCheck health) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable);
        command.addAll(StackParts.jvmOptions(config, name));
        command.addAll(List.of("-Dguestcrm.stack.part=" + name, "-cp", config.classpath(), mainClass.getName()));
        command.addAll(arguments);
        return new StackPart(name, command, Map.of(), health);
    }

    List<StackPart> serviceParts() {
        List<StackPart> parts = new ArrayList<>(SERVICES.stream().map(this::servicePart).toList());
        for (int replica = 2; replica <= config.replicas(); replica++) {
            for (Service service : SERVICES) {
                parts.add(servicePart(service, replica));
            }
        }
        StackPart ops = servicePart(OPS_CONSOLE);
        if (Files.isRegularFile(serviceJar(OPS_CONSOLE)) || isRunning(ops)) {
            parts.add(ops);
        } else if (!opsConsoleNoted) {
            opsConsoleNoted = true;
            out.println("(ops-console is not built, so not part of this stack: ./mvnw -DskipTests package -pl ops-console -am)");
        }
        return parts;
    }

    private boolean opsConsoleNoted;

    private StackPart servicePart(Service service) {
        return servicePart(service, 1);
    }

    /**
     * Process {@code replica} of a service ({@code CRM_REPLICAS}): the same database, consumer groups and settings as
     * the first, its own HTTP port ({@link StackConfig#port(StackConfig.Port, int)}) and part name
     * ({@code journey-service-2}). Kafka shares the partitions among the replicas of a group.
     */
    private StackPart servicePart(Service service, int replica) {
        String name = replicaName(service.name(), replica);
        int httpPort = config.port(service.port(), replica);
        List<String> command = new ArrayList<>();
        command.add(javaExecutable);
        command.addAll(StackParts.jvmOptions(config, service.name()));
        command.addAll(List.of(
                "-Dguestcrm.stack.part=" + name,
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.datasource.jdbc.url=" + config.jdbcUrl(service.database()),
                "-Dquarkus.datasource.username=postgres",
                "-Dkafka.bootstrap.servers=" + config.kafkaBootstrapServers(),
                "-Dmp.messaging.connector.smallrye-kafka.apicurio.registry.url=" + config.registryApiUrl(),
                // Producers write with their own schema, found by content; the serializer's content names nested
                // records by reference, which the inlined copies registered by StackSetup do not match, so in the
                // local stack a producer registers its own form where it is missing (BACKWARD-checked like any).
                "-Dmp.messaging.connector.smallrye-kafka.apicurio.registry.auto-register=true",
                "-Dquarkus.mailer.host=localhost",
                "-Dquarkus.mailer.port=" + config.port(SMTP),
                "-Dquarkus.mailer.from=" + MAIL_FROM));
        if (service.port() == JOURNEY) {
            // National phone numbers are read with the hotel's country; the end-to-end test's hotel E2E-SMS (a Swiss
            // number plan, in a time zone where it is early afternoon: e2eSmsZone) has no quiet hours, so its texts go
            // at any hour of the test run.
            command.addAll(List.of("-Djourney.hotel-countries." + DemoPms.FEEDS.get(0).hotelCode() + "=DE",
                    "-Djourney.hotel-countries." + E2E_SMS_HOTEL + "=CH",
                    "-Djourney.hotel-zones." + E2E_SMS_HOTEL + "=" + e2eSmsZone().getId(),
                    "-Djourney.hotel-quiet-hours." + E2E_SMS_HOTEL + "=none"));
        }
        if (service == OPS_CONSOLE) {
            // What the console watches: the stack's four services on their ports.
            command.add("-Dops.services=" + String.join(",", SERVICES.stream()
                    .map(w -> w.name() + "=http://localhost:" + config.port(w.port())).toList()));
        }
        command.addAll(List.of("-jar", serviceJar(service).toString()));
        return new StackPart(name, command, serviceEnvironment(service),
                () -> HealthChecks.http("http://localhost:" + httpPort + "/q/health/ready"));
    }

    /** {@code journey-service} for the first process, {@code journey-service-2} for the second, and so on. */
    static String replicaName(String serviceName, int replica) {
        return replica == 1 ? serviceName : serviceName + "-" + replica;
    }

    /** The service a part name stands for, replicas included ({@code journey-service-2} -> journey-service). */
    static Optional<Service> serviceOf(String partName) {
        return stackServices().stream().filter(s -> partName.equals(s.name())
                || partName.matches(java.util.regex.Pattern.quote(s.name()) + "-[2-9]")).findFirst();
    }

    /** Every service verifies staff tokens against the local issuer's key; the connector creates the demo feeds. */
    Map<String, String> serviceEnvironment(Service service) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                config.keyDirectory().resolve(LocalIdentity.VERIFY_KEY_FILE).toString());
        environment.put("MP_JWT_VERIFY_ISSUER", LocalIdentity.LOCAL_ISSUER);
        // Guests' signed links: the journey-service signs unsubscribe links, the optout-service verifies them.
        environment.put("GUESTCRM_SIGNED_LINKS_KEYS", LocalIdentity.signedLinksKeys(config.keyDirectory()));
        environment.put("GUESTCRM_SIGNED_LINKS_CURRENT_KEY", LocalIdentity.SIGNED_LINKS_KEY_ID);
        if (service.port() == CONNECTOR) {
            environment.put("CONNECTOR_DEMO_FEEDS_ENABLED", "true");
            // PMS API credentials of webhook and polling feeds are stored encrypted under this key (.crm/keys).
            environment.put("CONNECTOR_CREDENTIALS_ENCRYPTION_KEY", DemoPms.credentialsEncryptionKey(config));
        }
        if (service.port() == DESK) {
            // The desk's usage audit reads every service's audit trail with a token of its own (role admin).
            environment.put("DESK_AUDIT_SERVICES", String.join(",", SERVICES.stream()
                    .map(w -> w.name() + "=http://localhost:" + config.port(w.port())).toList()));
            environment.put("DESK_AUDIT_SERVICE_TOKEN", LocalIdentity.loadOrCreate(config.keyDirectory())
                    .mint(Set.of("*"), Set.of("admin"), Duration.ofDays(30), "desk-usage-audit"));
        }
        if (service.port() == OPTOUT) {
            // Erased guests are kept only as a keyed HMAC of their contact points (a key of the stack's own).
            environment.put("GUESTCRM_SUPPRESSION_KEYS", "local1:" + StackSecrets.base64(config, "suppression.key", 32));
            environment.put("GUESTCRM_SUPPRESSION_CURRENT_KEY", "local1");
        }
        if (service.port() == JOURNEY) {
            // Text messages go to the stack's SMS catcher (Twilio Messages API shape); the secret from the environment.
            environment.put("JOURNEY_SMS_GATEWAY_URL", "http://localhost:" + config.port(SMS));
            environment.put("JOURNEY_SMS_ACCOUNT_SID", SmsGateway.ACCOUNT_SID);
            environment.put("JOURNEY_SMS_FROM", SmsGateway.FROM);
            environment.put("JOURNEY_SMS_AUTH_TOKEN", SmsGateway.authToken(config));
        }
        if (service == OPS_CONSOLE) {
            // The console reads the services' /q/metrics with a token of its own (role ops, every tenant), from the
            // environment (never the command line, which ps shows).
            environment.put("OPS_SERVICE_TOKEN", LocalIdentity.loadOrCreate(config.keyDirectory())
                    .mint(Set.of("*"), Set.of("ops"), Duration.ofDays(30), "ops-console"));
        }
        return environment;
    }

    /** A token for the stack's staff APIs and metrics: every tenant, every role, for {@code ttl}. */
    public String adminToken(Duration ttl) {
        return LocalIdentity.loadOrCreate(config.keyDirectory()).mint(Set.of("*"), LocalIdentity.ALL_ROLES, ttl, "crm-launcher");
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
