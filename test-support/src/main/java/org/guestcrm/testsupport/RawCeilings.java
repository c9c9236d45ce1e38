package org.guestcrm.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The raw rates of the real servers a measurement runs on, taken for a few seconds with nothing of ours in between:
 * single-row INSERT transactions on PostgreSQL, 500 B records with acks=all on Kafka, small mails accepted over SMTP.
 * A figure of our code means little without the ceiling of the same machine in the same minutes (a shared machine
 * halves both), so {@code ./crm bench} and the modules' probes print these beside their own figures.
 *
 * <p>Every method answers a {@link Ceiling}; a server that cannot be reached gives {@code NaN} with the reason, never
 * an exception, so a probe still prints its own figures.
 */
public final class RawCeilings {

    /** One ceiling: what was measured, its rate, and how (or why it could not be measured). */
    public record Ceiling(String what, double perSecond, String unit, String how) {

        public boolean measured() {
            return !Double.isNaN(perSecond);
        }

        /** One printable line, e.g. {@code ceiling  PostgreSQL ...: 8,677 tx/s (JDBC loop, ...)}. */
        public String line() {
            String rate = measured() ? String.format(Locale.ROOT, "%,.0f %s", perSecond, unit) : "not measured";
            return "ceiling  " + what + ": " + rate + " (" + how + ")";
        }
    }

    private RawCeilings() {
    }

    /**
     * Single-row INSERT transactions (autocommit) from {@code clients} connections for {@code duration} into a
     * scratch table of {@code jdbcUrl}'s database, created and dropped by the measurement.
     */
    public static Ceiling postgresInserts(String jdbcUrl, Properties login, int clients, Duration duration) {
        String what = "PostgreSQL single-row INSERT transactions, " + clients + " clients";
        String table = "ceiling_insert_" + Long.toHexString(System.nanoTime());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            String settings;
            try (Connection connection = DriverManager.getConnection(jdbcUrl, login);
                    Statement statement = connection.createStatement()) {
                statement.execute("create table " + table + " (id bigserial primary key, client int not null,"
                        + " written_at timestamptz not null default now(), payload text not null)");
                try (ResultSet rows = statement.executeQuery(
                        "select current_setting('fsync'), current_setting('synchronous_commit')")) {
                    rows.next();
                    settings = "fsync=" + rows.getString(1) + ", synchronous_commit=" + rows.getString(2);
                }
            }
            long deadline = System.nanoTime() + duration.toNanos();
            long started = System.nanoTime();
            List<Future<Long>> counts = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                counts.add(pool.submit(() -> {
                    long done = 0;
                    try (Connection connection = DriverManager.getConnection(jdbcUrl, login);
                            PreparedStatement insert = connection.prepareStatement(
                                    "insert into " + table + " (client, payload) values (?, ?)")) {
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
                total += count.get(duration.toSeconds() + 30, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            try (Connection connection = DriverManager.getConnection(jdbcUrl, login);
                    Statement statement = connection.createStatement()) {
                statement.execute("drop table if exists " + table);
            }
            return new Ceiling(what, total / seconds, "tx/s", "JDBC loop, " + total + " transactions in "
                    + String.format(Locale.ROOT, "%.1f s", seconds) + ", " + settings);
        } catch (SQLException | RuntimeException | ExecutionException | TimeoutException e) {
            return new Ceiling(what, Double.NaN, "tx/s", "not measured: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ceiling(what, Double.NaN, "tx/s", "interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Small mails over raw SMTP, {@code connections} sessions at once, {@code mails} in all or until {@code limit}.
     * Every mail goes to a recipient of its own ({@code ceiling-<connection>-<n>@bench.example}), as every booking of
     * {@code ./crm bench} has a guest of its own (a catcher's cost per mail grows with the recipients it holds: few
     * recipients flattered this ceiling); a test that counts mails resets the server afterwards.
     */
    public static Ceiling smtpAccept(String host, int port, int connections, int mails, Duration limit) {
        String what = "mail catcher SMTP accept, " + connections + " connections";
        ExecutorService senders = Executors.newFixedThreadPool(connections);
        try {
            long deadline = System.nanoTime() + limit.toNanos();
            long started = System.nanoTime();
            List<Future<Integer>> sent = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int connection = c;
                sent.add(senders.submit(() -> sendMails(host, port, connection, mails / connections, deadline)));
            }
            int total = 0;
            for (Future<Integer> count : sent) {
                total += count.get(limit.toSeconds() + 20, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Ceiling(what, total / seconds, "mails/s", total + " mails of ~300 B in "
                    + String.format(Locale.ROOT, "%.1f s", seconds) + " (raw SMTP, one session per connection, a recipient per mail)");
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            return new Ceiling(what, Double.NaN, "mails/s", "not measured: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ceiling(what, Double.NaN, "mails/s", "interrupted");
        } finally {
            senders.shutdownNow();
        }
    }

    /**
     * 500 B records with acks=all from one in-process producer (linger 5 ms, 64 KiB batches, at most 10,000 records
     * unacknowledged) to a scratch topic of 3 partitions, {@code records} in all or until {@code limit}; the topic is
     * deleted afterwards. In the probe's own JVM, so its client CPU is the probe's too, as the services' is theirs.
     */
    public static Ceiling kafkaProducer(String bootstrapServers, int records, Duration limit) {
        String what = "Kafka producer, 500 B records, acks=all";
        String topic = "ceiling." + Long.toHexString(System.nanoTime());
        Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(adminConfig)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            config.put(ProducerConfig.BATCH_SIZE_CONFIG, 65_536);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            byte[] value = new byte[500];
            java.util.Arrays.fill(value, (byte) 'x');
            Semaphore window = new Semaphore(10_000);
            AtomicLong acknowledged = new AtomicLong();
            AtomicReference<Exception> failure = new AtomicReference<>();
            long deadline = System.nanoTime() + limit.toNanos();
            long started = System.nanoTime();
            int handed = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
                while (handed < records && System.nanoTime() < deadline && failure.get() == null) {
                    window.acquire();
                    producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        } else {
                            acknowledged.incrementAndGet();
                        }
                        window.release();
                    });
                    handed++;
                }
                producer.flush();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            if (failure.get() != null) {
                return new Ceiling(what, Double.NaN, "records/s", "not measured: " + failure.get().getMessage());
            }
            return new Ceiling(what, acknowledged.get() / seconds, "records/s", "in-process producer, "
                    + acknowledged.get() + " records in " + String.format(Locale.ROOT, "%.1f s", seconds)
                    + ", scratch topic of 3 partitions");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return new Ceiling(what, Double.NaN, "records/s", "not measured: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ceiling(what, Double.NaN, "records/s", "interrupted");
        }
    }

    /**
     * The three ceilings of the servers a module's tests share ({@link Postgres#shared()} in {@code database},
     * {@link KafkaBroker#shared()}, {@link MailServer#shared()}), about 5 s each, for a probe to print beside its
     * figures. Leaves the mail server empty.
     */
    public static List<Ceiling> ofSharedServers(String database) {
        Postgres postgres = Postgres.shared();
        postgres.createDatabaseIfMissing(database);
        Properties login = new Properties();
        login.put("user", postgres.username());
        login.put("password", postgres.password());
        login.put("connectTimeout", "5");
        List<Ceiling> ceilings = new ArrayList<>();
        ceilings.add(kafkaProducer(KafkaBroker.shared().bootstrapServers(), 300_000, Duration.ofSeconds(5)));
        ceilings.add(postgresInserts(postgres.jdbcUrl(database), login, 4, Duration.ofSeconds(5)));
        MailServer mail = MailServer.shared();
        ceilings.add(smtpAccept(mail.host(), mail.smtpPort(), 4, 2_000, Duration.ofSeconds(5)));
        mail.reset();
        return ceilings;
    }

    /**
     * Measures {@link #ofSharedServers(String)} and prints one line per ceiling, prefixed with {@code probe}, for a
     * probe to call after its own figures (the ceilings run after the measured window, never inside it).
     */
    public static void printForProbe(String probe, String database) {
        for (Ceiling ceiling : ofSharedServers(database)) {
            System.out.println(probe + " " + ceiling.line());
        }
    }

    private static int sendMails(String host, int port, int connection, int mails, long deadline) throws IOException {
        String tag = "ceiling-" + connection;
        return sendMails(host, port, tag, mails, n -> tag + "-" + n + "@bench.example", deadline);
    }

    /**
     * Sends up to {@code mails} small mails over one raw SMTP session (until {@code deadlineNanos} of
     * {@link System#nanoTime()}), mail {@code n} to {@code recipientOf.apply(n)}, each with a Message-ID made of
     * {@code tag}; returns how many the server accepted with 250.
     */
    public static int sendMails(String host, int port, String tag, int mails, java.util.function.IntFunction<String> recipientOf,
                                long deadlineNanos) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            command(out, "EHLO bench.localhost");
            expect(in, "250");
            int sent = 0;
            while (sent < mails && System.nanoTime() < deadlineNanos) {
                String recipient = recipientOf.apply(sent);
                command(out, "MAIL FROM:<bench@bench.example>");
                expect(in, "250");
                command(out, "RCPT TO:<" + recipient + ">");
                expect(in, "250");
                command(out, "DATA");
                expect(in, "354");
                out.write(("From: bench@bench.example\r\nTo: " + recipient + "\r\nSubject: ceiling " + sent
                        + "\r\nMessage-ID: <" + tag + "-" + sent + "-" + System.nanoTime() + "@bench.example>"
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

    /** Reads one reply (with its continuation lines) and fails unless it carries {@code code}. */
    private static void expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed while waiting for " + code);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new IOException("expected " + code + ", got " + line);
        }
    }
}
