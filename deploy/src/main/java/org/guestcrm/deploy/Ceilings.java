package org.guestcrm.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.guestcrm.testsupport.RawCeilings;
import org.guestcrm.testsupport.RawCeilings.Ceiling;

/**
 * The raw ceilings of the stack's own servers, each measured for a few seconds on localhost only: what Kafka,
 * PostgreSQL and the mail catcher take when nothing of ours stands in between. {@code ./crm bench} prints them
 * beside the pipeline's figures, so a reader sees how far the pipeline is from the servers' limits.
 */
final class Ceilings {

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
        Properties login = new Properties();
        login.put("user", "postgres");
        login.put("connectTimeout", "5");
        try {
            StackSetup.createDatabases(config, List.of(SCRATCH_DATABASE));
        } catch (RuntimeException e) {
            return new Ceiling("PostgreSQL single-row INSERT transactions, " + POSTGRES_THREADS + " clients", Double.NaN,
                    "tx/s", "not measured: " + e.getMessage());
        }
        Ceiling ceiling = RawCeilings.postgresInserts(config.jdbcUrl(SCRATCH_DATABASE), login, POSTGRES_THREADS,
                POSTGRES_DURATION);
        return ceiling.measured()
                ? new Ceiling(ceiling.what(), ceiling.perSecond(), ceiling.unit(), ceiling.how() + ", scratch database " + SCRATCH_DATABASE)
                : ceiling;
    }

    /** Small mails to the mail catcher over {@value #SMTP_CONNECTIONS} connections, at most 10 s. */
    static final int SMTP_MAILS = 2_000;
    static final int SMTP_CONNECTIONS = 4;

    Ceiling mailCatcher() {
        return RawCeilings.smtpAccept("localhost", config.port(StackConfig.Port.SMTP), SMTP_CONNECTIONS, SMTP_MAILS,
                Duration.ofSeconds(10));
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
