package org.guestcrm.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The raw ceilings of the stack's own servers, each measured for a few seconds on localhost only: what Kafka,
 * PostgreSQL and the mail catcher take when nothing of ours stands in between. {@code ./crm bench} prints them
 * beside the pipeline's figures, so a reader sees how far the pipeline is from the servers' limits.
 */
final class Ceilings {

    /** One ceiling: what was measured, its rate, and how (or why it could not be measured). */
    record Ceiling(String what, double perSecond, String unit, String how) {
    }

    static final String SCRATCH_TOPIC = "bench.ceiling";
    static final String SCRATCH_DATABASE = "bench_ceiling";

    private final StackConfig config;
    private final String javaExecutable;

    Ceilings(StackConfig config, String javaExecutable) {
        this.config = config;
        this.javaExecutable = javaExecutable;
    }

    List<Ceiling> measure() {
        return List.of(kafkaProducer(), postgresTransactions(), mailCatcher());
    }

    /**
     * Kafka's ProducerPerformance (kafka-tools) in its own JVM: 500 B records, acks=all, as fast as it can, to a
     * scratch topic of 3 partitions (recreated each run), at most {@value #KAFKA_RECORDS} records or 20 s.
     */
    static final int KAFKA_RECORDS = 300_000;

    Ceiling kafkaProducer() {
        String what = "Kafka producer, 500 B records, acks=all";
        try {
            recreateScratchTopic();
            Path log = Files.createTempFile("crm-bench-producer-", ".log");
            Process process = new ProcessBuilder(javaExecutable, "-Xmx256m", "-XX:+UseSerialGC",
                    "-cp", config.classpath(), "org.apache.kafka.tools.ProducerPerformance",
                    "--topic", SCRATCH_TOPIC, "--num-records", Integer.toString(KAFKA_RECORDS), "--record-size", "500",
                    "--throughput", "-1", "--producer-props", "bootstrap.servers=" + config.kafkaBootstrapServers(),
                    "acks=all", "linger.ms=5", "batch.size=65536")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = process.waitFor(20, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            String output = Files.readString(log);
            Files.deleteIfExists(log);
            deleteScratchTopic();
            double rate = producerRate(output);
            if (Double.isNaN(rate)) {
                return new Ceiling(what, Double.NaN, "records/s", finished
                        ? "ProducerPerformance printed no summary: " + lastLine(output) : "ProducerPerformance did not finish in 20 s");
            }
            return new Ceiling(what, rate, "records/s", "kafka-tools ProducerPerformance, " + KAFKA_RECORDS + " records, scratch topic of 3 partitions");
        } catch (IOException | RuntimeException e) {
            return new Ceiling(what, Double.NaN, "records/s", "not measured: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ceiling(what, Double.NaN, "records/s", "interrupted");
        }
    }

    private static final Pattern PRODUCER_SUMMARY = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");

    /** The records/s of ProducerPerformance's final summary line (the last match), or NaN. */
    static double producerRate(String output) {
        Matcher matcher = PRODUCER_SUMMARY.matcher(output);
        double rate = Double.NaN;
        long records = 0;
        while (matcher.find()) {
            long sent = Long.parseLong(matcher.group(1));
            if (sent >= records) {
                records = sent;
                rate = Double.parseDouble(matcher.group(2));
            }
        }
        return rate;
    }

    private Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return Admin.create(properties);
    }

    private void recreateScratchTopic() {
        deleteScratchTopic();
        try (Admin admin = admin()) {
            for (int attempt = 0; ; attempt++) {
                try {
                    admin.createTopics(List.of(new NewTopic(SCRATCH_TOPIC, 3, (short) 1))).all().get(10, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    // a deletion still in progress: the topic exists for a moment longer
                    if (attempt >= 20) {
                        throw new StackException("Cannot create " + SCRATCH_TOPIC + ": " + e.getCause().getMessage(), e);
                    }
                    DetachedProcess.pause(Duration.ofMillis(250));
                }
            }
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new StackException("Cannot create " + SCRATCH_TOPIC + ": " + e, e);
        }
    }

    private void deleteScratchTopic() {
        try (Admin admin = admin()) {
            if (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(SCRATCH_TOPIC)) {
                admin.deleteTopics(Set.of(SCRATCH_TOPIC)).all().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // best effort: the next run recreates it
        }
    }

    /** Single-row INSERT transactions (autocommit) from 4 threads for 5 s into a scratch table of a scratch database. */
    static final int POSTGRES_THREADS = 4;
    static final Duration POSTGRES_DURATION = Duration.ofSeconds(5);

    Ceiling postgresTransactions() {
        String what = "PostgreSQL single-row INSERT transactions, " + POSTGRES_THREADS + " clients";
        Properties properties = new Properties();
        properties.put("user", "postgres");
        properties.put("connectTimeout", "5");
        try {
            StackSetup.createDatabases(config, List.of(SCRATCH_DATABASE));
            try (Connection connection = DriverManager.getConnection(config.jdbcUrl(SCRATCH_DATABASE), properties);
                    Statement statement = connection.createStatement()) {
                statement.execute("drop table if exists ceiling_insert");
                statement.execute("create table ceiling_insert (id bigserial primary key, client int not null,"
                        + " written_at timestamptz not null default now(), payload text not null)");
            }
            String settings = settings(properties);
            ExecutorService clients = Executors.newFixedThreadPool(POSTGRES_THREADS);
            long deadline = System.nanoTime() + POSTGRES_DURATION.toNanos();
            long started = System.nanoTime();
            List<Future<Long>> counts = new ArrayList<>();
            for (int c = 0; c < POSTGRES_THREADS; c++) {
                int client = c;
                counts.add(clients.submit(() -> {
                    long done = 0;
                    try (Connection connection = DriverManager.getConnection(config.jdbcUrl(SCRATCH_DATABASE), properties);
                            PreparedStatement insert = connection.prepareStatement(
                                    "insert into ceiling_insert (client, payload) values (?, ?)")) {
                        connection.setAutoCommit(true);
                        while (System.nanoTime() < deadline) {
                            insert.setInt(1, client);
                            insert.setString(2, "ceiling row " + done);
                            insert.executeUpdate();
                            done++;
                        }
                    }
                    return done;
                }));
            }
            long total = 0;
            for (Future<Long> count : counts) {
                total += count.get(POSTGRES_DURATION.toSeconds() + 30, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            clients.shutdown();
            try (Connection connection = DriverManager.getConnection(config.jdbcUrl(SCRATCH_DATABASE), properties);
                    Statement statement = connection.createStatement()) {
                statement.execute("drop table if exists ceiling_insert");
            }
            return new Ceiling(what, total / seconds, "tx/s", "JDBC loop, " + total + " transactions in "
                    + String.format("%.1f s", seconds) + ", scratch database " + SCRATCH_DATABASE + ", " + settings);
        } catch (SQLException | RuntimeException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            return new Ceiling(what, Double.NaN, "tx/s", "not measured: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ceiling(what, Double.NaN, "tx/s", "interrupted");
        }
    }

    private String settings(Properties properties) throws SQLException {
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(SCRATCH_DATABASE), properties);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select current_setting('fsync'), current_setting('synchronous_commit')")) {
            rows.next();
            return "fsync=" + rows.getString(1) + ", synchronous_commit=" + rows.getString(2);
        }
    }

    /** Small mails to the mail catcher over {@value #SMTP_CONNECTIONS} connections, at most 10 s. */
    static final int SMTP_MAILS = 2_000;
    static final int SMTP_CONNECTIONS = 4;

    Ceiling mailCatcher() {
        String what = "mail catcher SMTP accept, " + SMTP_CONNECTIONS + " connections";
        ExecutorService senders = Executors.newFixedThreadPool(SMTP_CONNECTIONS);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long started = System.nanoTime();
            List<Future<Integer>> sent = new ArrayList<>();
            for (int c = 0; c < SMTP_CONNECTIONS; c++) {
                int connection = c;
                Callable<Integer> sender = () -> sendMails(connection, SMTP_MAILS / SMTP_CONNECTIONS, deadline);
                sent.add(senders.submit(sender));
            }
            int total = 0;
            for (Future<Integer> count : sent) {
                total += count.get(30, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Ceiling(what, total / seconds, "mails/s", total + " mails of ~300 B in " + String.format("%.1f s", seconds)
                    + " (raw SMTP, one session per connection)");
        } catch (RuntimeException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Ceiling(what, Double.NaN, "mails/s", "not measured: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ceiling(what, Double.NaN, "mails/s", "interrupted");
        } finally {
            senders.shutdownNow();
        }
    }

    private int sendMails(int connection, int mails, long deadline) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", config.port(StackConfig.Port.SMTP)), 5_000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            command(out, "EHLO bench.localhost");
            expect(in, "250");
            int sent = 0;
            while (sent < mails && System.nanoTime() < deadline) {
                String recipient = "ceiling-" + connection + "@bench.example";
                command(out, "MAIL FROM:<bench@bench.example>");
                expect(in, "250");
                command(out, "RCPT TO:<" + recipient + ">");
                expect(in, "250");
                command(out, "DATA");
                expect(in, "354");
                out.write(("From: bench@bench.example\r\nTo: " + recipient + "\r\nSubject: ceiling " + sent
                        + "\r\nMessage-ID: <ceiling-" + connection + "-" + sent + "-" + System.nanoTime() + "@bench.example>"
                        + "\r\n\r\nA small mail of the mail catcher's ceiling measurement.\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, "250");
                sent++;
            }
            command(out, "QUIT");
            return sent;
        }
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one (possibly multi-line) SMTP reply and checks its code. */
    private static void expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("the SMTP server closed the connection");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new IOException("SMTP answered '" + line + "', expected " + code);
        }
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
