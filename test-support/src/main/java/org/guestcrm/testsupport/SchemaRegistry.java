package org.guestcrm.testsupport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * A real Apicurio Registry 3 (the Quarkus fast-jar {@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}
 * from Maven Central) running as a child process.
 *
 * <p>The tar.gz is taken from the local Maven repository ({@code -Dmaven.repo.local}, else
 * {@code ~/.m2/repository}; a dependency on {@code test-support} makes Maven download it) and
 * unpacked once into {@code ~/.cache/guest-crm/apicurio-registry-<version>} (override the parent
 * with {@code -Dguestcrm.cache.dir}). It runs on the Java of this JVM when that is 21+, else on
 * {@code $JAVA_HOME} if that is 21+.
 *
 * <ul>
 *   <li>{@link #shared()}: one per JVM, free port, in-memory storage (H2 in memory), stopped at JVM exit.</li>
 *   <li>{@link #start(int, Path)}: storage in an H2 database file under {@code workDir}, so artifacts and
 *   rules survive restarts (the local stack).</li>
 * </ul>
 * The registry's own log goes to {@code <workDir>/registry.log}, never to the test output; its
 * HTTP access log is off.
 *
 * <p>As a process: {@code java -cp ... org.guestcrm.testsupport.SchemaRegistry --port 8081 --work-dir .crm/registry}.
 */
public final class SchemaRegistry implements AutoCloseable {

    public static final String VERSION = loadVersion();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(Long.getLong("guestcrm.registry.ready-timeout-seconds", 180));

    private static SchemaRegistry shared;

    private final Process process;
    private final int port;
    private final Path workDir;
    private final Path logFile;
    private Thread exitHook;
    private boolean closed;

    private SchemaRegistry(Process process, int port, Path workDir, Path logFile) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
        this.logFile = logFile;
    }

    /** The registry of this JVM: free port, in-memory storage, stopped at JVM exit. */
    public static synchronized SchemaRegistry shared() {
        if (shared == null) {
            Class<?> systemCopy = JvmWide.systemCopy(SchemaRegistry.class);
            if (systemCopy != null) {
                Map<String, String> d = JvmWide.callStatic(systemCopy, "sharedDescriptor");
                shared = new SchemaRegistry(null, Integer.parseInt(d.get("port")), Path.of(d.get("workDir")), Path.of(d.get("logFile")));
            } else {
                Path dir = Servers.tempDir("guest-crm-registry-");
                SchemaRegistry registry = start(0, dir, false);
                Servers.onShutdown("registry", () -> {
                    registry.close();
                    Servers.deleteRecursively(dir);
                });
                shared = registry;
            }
        }
        return shared;
    }

    /** Internal: the shared registry's coordinates, for copies of this class in other class loaders. */
    public static Map<String, String> sharedDescriptor() {
        SchemaRegistry registry = shared();
        return Map.of("port", String.valueOf(registry.port), "workDir", registry.workDir.toString(),
                "logFile", registry.logFile.toString());
    }

    /**
     * Starts a registry whose storage is an H2 file in {@code workDir} (kept across restarts); the
     * caller owns it and must {@link #close()} it.
     *
     * @param port HTTP port, 0 for a free one
     */
    public static SchemaRegistry start(int port, Path workDir) {
        return start(port, workDir, true);
    }

    private static SchemaRegistry start(int requestedPort, Path workDir, boolean persistent) {
        Path dir = Servers.createDirectories(workDir.toAbsolutePath());
        Path home = distribution();
        Path java = javaExecutable();
        int port = Servers.portOrFree(requestedPort);
        Path logFile = dir.resolve("registry.log");

        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + Servers.createDirectories(dir.resolve("tmp")),
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                // The registry is built with the management interface on (build-time setting, so
                // quarkus.management.enabled=false is ignored at run time): move it off port 9000.
                "-Dquarkus.management.enabled=false",
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + Servers.freePort(),
                "-Dquarkus.http.access-log.enabled=false",
                "-Dquarkus.otel.sdk.disabled=true",
                "-Dquarkus.log.console.color=false",
                "-Dapicurio.storage.snapshot.location=" + dir.resolve("tmp"),
                "-Dapicurio.datasource.jdbc.initial-size=2",
                "-Dapicurio.datasource.jdbc.min-size=2",
                "-Dapicurio.datasource.jdbc.max-size=20"));
        if (persistent) {
            command.add("-Dapicurio.datasource.url=jdbc:h2:file:" + dir.resolve("registry-db") + ";DB_CLOSE_ON_EXIT=FALSE");
        }
        command.addAll(List.of("-jar", home.resolve("quarkus-run.jar").toString()));

        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Apicurio Registry with " + java, e);
        }
        SchemaRegistry registry = new SchemaRegistry(process, port, dir, logFile);
        // Never leave an orphan: destroy the process if this JVM exits, even while still starting.
        registry.exitHook = new Thread(registry::destroyProcessTree, "guest-crm-stop-registry-process");
        Runtime.getRuntime().addShutdownHook(registry.exitHook);
        try {
            registry.awaitReady();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl() + "/system/info")).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                        + " before becoming ready. Last lines of " + logFile + ":\n" + logTail(40));
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
        }
        throw new IllegalStateException("Apicurio Registry not ready on port " + port + " within " + READY_TIMEOUT
                + ". Last lines of " + logFile + ":\n" + logTail(40));
    }

    /** The v3 REST API base, e.g. {@code http://localhost:8081/apis/registry/v3}. */
    public String apiUrl() {
        return "http://localhost:" + port + "/apis/registry/v3";
    }

    /** {@code http://localhost:<port>}. */
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** The last {@code lines} lines of the registry's log. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * Stops the registry process and its descendants (SIGTERM, then SIGKILL after 20 s). No-op on
     * the shared registry seen from another class loader.
     */
    @Override
    public synchronized void close() {
        if (closed || process == null) {
            return;
        }
        closed = true;
        if (exitHook != null && Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
        destroyProcessTree();
    }

    private void destroyProcessTree() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    // --- distribution -------------------------------------------------------------------------

    /** The unpacked distribution directory (contains {@code quarkus-run.jar}), unpacking it if needed. */
    static synchronized Path distribution() {
        Path target = cacheDir().resolve("apicurio-registry-" + VERSION);
        if (Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
            return target;
        }
        Path archive = archive();
        Servers.createDirectories(target.getParent());
        Path staging = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            untar(archive, staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException raced) {
                // another JVM finished first (or a stale partial copy): use theirs if complete
                if (!Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
                    throw new IllegalStateException("Incomplete Apicurio Registry copy in " + target + ": delete it and retry", raced);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack " + archive + " into " + target, e);
        } finally {
            Servers.deleteRecursively(staging);
        }
        return target;
    }

    private static Path cacheDir() {
        String configured = System.getProperty("guestcrm.cache.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "guest-crm");
    }

    private static Path archive() {
        String repo = System.getProperty("maven.repo.local");
        Path repository = repo != null && !repo.isBlank()
                ? Path.of(repo)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path archive = repository.resolve(Path.of("io", "apicurio", "apicurio-registry-app", VERSION,
                "apicurio-registry-app-" + VERSION + "-all.tar.gz"));
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Apicurio Registry distribution not found at " + archive
                    + ". Build through Maven with a dependency on org.guestcrm:test-support (it declares "
                    + "io.apicurio:apicurio-registry-app:" + VERSION + ":tar.gz:all), or run "
                    + "./mvnw dependency:get -Dartifact=io.apicurio:apicurio-registry-app:" + VERSION + ":tar.gz:all");
        }
        return archive;
    }

    private static void untar(Path archive, Path destination) throws IOException {
        Files.createDirectories(destination);
        Path root = destination.toAbsolutePath().normalize();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("Archive entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** A {@code java} of version 21 or newer: this JVM's, else {@code $JAVA_HOME}'s. */
    static Path javaExecutable() {
        if (Runtime.version().feature() >= 21) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && javaFeatureVersion(Path.of(javaHome)) >= 21) {
            return Path.of(javaHome, "bin", "java");
        }
        throw new IllegalStateException("Apicurio Registry " + VERSION + " needs Java 21+, but this JVM is "
                + Runtime.version() + " (" + System.getProperty("java.home") + ") and JAVA_HOME does not point to a JDK 21+. "
                + "Run the build with JAVA_HOME set to a JDK 21 or newer.");
    }

    private static int javaFeatureVersion(Path javaHome) {
        try {
            Properties release = new Properties();
            try (InputStream in = Files.newInputStream(javaHome.resolve("release"))) {
                release.load(in);
            }
            String version = release.getProperty("JAVA_VERSION", "").replace("\"", "");
            return Integer.parseInt(version.split("[.+-]")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String loadVersion() {
        try (InputStream in = SchemaRegistry.class.getResourceAsStream("versions.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("apicurio-registry-app.version");
        } catch (IOException | NullPointerException e) {
            throw new ExceptionInInitializerError("versions.properties missing from test-support");
        }
    }

    /** {@code --port 8081 --work-dir .crm/registry}: runs until SIGTERM. */
    public static void main(String[] args) {
        Servers.useJBossLogManager();
        Map<String, String> options = Servers.parseArgs(args, "Usage: SchemaRegistry --port <port, 0 = free> --work-dir <dir>");
        int port = Servers.intOption(options, "port", 8081);
        Path workDir = Path.of(options.getOrDefault("work-dir", ".crm/registry"));
        Servers.runUntilTerminated("registry", () -> start(port, workDir),
                registry -> "api=" + ((SchemaRegistry) registry).apiUrl() + " work-dir=" + workDir.toAbsolutePath());
    }
}
