package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.guestcrm.testsupport.RawCeilings;
import org.junit.jupiter.api.AfterAll;

/**
 * History import probe, file to Kafka, run like a command:
 * <pre>
 * ./mvnw -B -ntp -o -q -pl pms-connector verify -Dquarkus.bootstrap.workspace-discovery=false \
 *   -Dtest=HistoryImportBenchmarkTest -Dguestcrm.bench.import=100000 -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none
 * </pre>
 * N reservation lines (each with its guest: 2 events a line), one line in 1,000 malformed (refused with its line and
 * reason), posted as one file; measured from the POST until the job is DONE (file to outbox) and until every event of
 * the job is acknowledged by the broker (file to Kafka). Prints one line of figures: rows/s, events/s, and the work per
 * row: PostgreSQL commits, rows inserted/updated, rows fetched, WAL bytes (pg_stat_database and the WAL position of the
 * connector's database, so the relay's reads and marks count too), Kafka records and the durability settings the
 * figures were taken with. Skipped unless {@code -Dguestcrm.bench.import=N}. Asserts what the import must keep (every
 * line accepted or refused with its line number, every event on Kafka), never a time.
 */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(HistoryImportBenchmarkTest.BenchDirectory.class)
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
@EnabledIfSystemProperty(named = "guestcrm.bench.import", matches = "[0-9]+")
class HistoryImportBenchmarkTest {

    /**
     * With {@code -Dguestcrm.bench.import.source=directory} the file is written to the import directory (default
     * {@code target/import-bench}, {@code -Dguestcrm.bench.import.dir}) and imported from there
     * ({@code POST .../imports/from-directory}) instead of uploaded; {@code -Dguestcrm.bench.import.profiles=P} puts P
     * profile lines (one event each) before the N reservation lines.
     */
    public static class BenchDirectory implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connector.imports.directory", benchDirectory().toString());
        }
    }

    static java.nio.file.Path benchDirectory() {
        return java.nio.file.Path.of(System.getProperty("guestcrm.bench.import.dir", "target/import-bench"))
                .toAbsolutePath();
    }

    /** The raw ceilings of the same servers, measured after the probe's runs, to read its figures against. */
    @AfterAll
    static void printCeilings() {
        RawCeilings.printForProbe("PROBE", "connector");
    }

    private static final int MALFORMED_EVERY = 1000;

    @Inject
    DataSource dataSource;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URI base;

    @Test
    void importThroughputFromFileToKafka() throws Exception {
        int reservations = Integer.parseInt(System.getProperty("guestcrm.bench.import"));
        int profiles = Integer.getInteger("guestcrm.bench.import.profiles", 0);
        boolean fromDirectory = "directory".equals(System.getProperty("guestcrm.bench.import.source"));
        int rows = profiles + reservations;
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Long> malformedLines = new ArrayList<>();
        for (int i = MALFORMED_EVERY - 1; i < reservations; i += MALFORMED_EVERY) {
            malformedLines.add(profiles + i + 1L);
        }
        // generated while it is sent (the upload streams): no file in the test's heap either
        java.util.function.IntFunction<byte[]> line = n -> {
            if (n < profiles) {
                return (HistoryImportTest.profileLine("BP-" + run + "-" + n) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            int i = n - profiles;
            String text = HistoryImportTest.reservationLine("B-" + run + "-" + i, 1);
            if (i % MALFORMED_EVERY == MALFORMED_EVERY - 1) {
                // what identifies the booking is unusable: refused alone, named by its line
                text = text.replace("\"arrival\": \"2019-07-01\"", "\"arrival\": \"2019-02-30\"");
            }
            return (text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        };
        long expectedEvents = profiles + 2L * (reservations - malformedLines.size());
        java.nio.file.Path file = null;
        if (fromDirectory) {
            java.nio.file.Files.createDirectories(benchDirectory());
            file = benchDirectory().resolve("bench-" + run + ".ndjson");
            long writing = System.nanoTime();
            try (java.io.InputStream in = ImportUploads.lines(rows, line).get();
                 java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file), 1 << 20)) {
                in.transferTo(out);
            }
            System.out.printf("History import probe: %d lines (%d profiles, %d reservations) written to %s, %d bytes, in %.2f s%n",
                    rows, profiles, reservations, file, java.nio.file.Files.size(file), (System.nanoTime() - writing) / 1e9);
        }
        Map<String, String> durability = durability();
        Work before = work();
        java.lang.management.MemoryPoolMXBean[] heapPools = java.lang.management.ManagementFactory.getMemoryPoolMXBeans()
                .stream().filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
                .toArray(java.lang.management.MemoryPoolMXBean[]::new);
        for (var pool : heapPools) {
            pool.resetPeakUsage();
        }
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        String jobId;
        if (fromDirectory) {
            jobId = org.guestcrm.connector.Staff.admin("demo").contentType("application/json")
                    .body("{\"file\": \"" + file.getFileName() + "\"}")
                    .post("/api/v1/feeds/{feedId}/imports/from-directory", "demo-json").then().statusCode(202)
                    .extract().path("jobId");
        } else {
            java.net.http.HttpResponse<String> answer = ImportUploads.post(base, "api/v1/feeds/demo-json/imports", "demo",
                    ImportUploads.lines(rows, line), -1, false);
            assertEquals(202, answer.statusCode(), answer.body());
            jobId = JsonPath.from(answer.body()).getString("jobId");
        }
        long uploaded = System.nanoTime();
        // the state is read from the job's row (one indexed select): polling GET /api/v1/imports/{jobId} every 250 ms
        // cost this JVM 189 JFR samples of rest-assured's Groovy JSON parsing per run (2026-12-04), inside the CPU figure
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> !"RUNNING".equals(state(jobId)));
        long committed = System.nanoTime();
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> unsent("import:" + jobId) == 0);
        long sent = System.nanoTime();
        long cpuNanos = processCpuNanos() - cpuBefore;
        // read once, after the clocks and the CPU figure (its first rest-assured call warms Groovy up: ~1 s)
        JsonPath job = org.guestcrm.connector.Staff.admin("demo").get("/api/v1/imports/{jobId}", jobId).then()
                .extract().jsonPath();
        assertEquals("DONE", job.getString("state"));
        assertEquals(rows, job.getLong("rowsRead"));
        assertEquals(rows - malformedLines.size(), job.getLong("rowsAccepted"));
        assertEquals(malformedLines.size(), job.getLong("rowsRejected"));
        assertEquals(malformedLines.subList(0, Math.min(100, malformedLines.size())),
                job.getList("rejections.line", Long.class).stream().distinct().toList(),
                "every refused line named, in order");
        assertEquals(expectedEvents, job.getLong("eventsEmitted"));
        long peakHeap = 0;
        for (var pool : heapPools) {
            peakHeap += pool.getPeakUsage().getUsed();
        }
        if (file != null) {
            java.nio.file.Files.delete(file);
        }
        System.out.printf("History import probe: " + (fromDirectory ? "job from the directory (count and hash)" : "upload")
                        + " %.2f s; test JVM (connector, in-process broker and registry"
                        + " client) CPU %.1f s = %.1f us per row; peak heap (sum of the pools' peaks) %d MiB of max %d MiB%n",
                (uploaded - start) / 1e9, cpuNanos / 1e9, cpuNanos / 1e3 / rows, peakHeap >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
        // PostgreSQL's statistics trail (each backend flushes its counters at most once a second, an idle one later):
        // read them once they show at least the outbox rows the job wrote
        Work after = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(this::work, w -> w.inserted - before.inserted >= expectedEvents);
        assertEquals(expectedEvents, after.kafkaRecords - before.kafkaRecords, "every event on Kafka, once");

        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        double outboxSeconds = (committed - start) / 1e9;
        double kafkaSeconds = (sent - start) / 1e9;
        System.out.printf("History import probe: %d rows (%d refused), %d events; file to DONE (outbox or acknowledged) %.2f s = %.0f rows/s "
                        + "(job's own rate %.0f rows/s); file to Kafka %.2f s = %.0f rows/s, %.0f events/s; per row: "
                        + "%.3f commits, %.2f rows inserted, %.2f updated, %.2f fetched, %.0f WAL bytes, %.2f Kafka "
                        + "records; path: %s, batch %s lines; durability: %s, producer acks=all idempotent, broker "
                        + "flush by the OS (Kafka default), Kafka replication factor 1%n",
                rows, malformedLines.size(), job.getLong("eventsEmitted"), outboxSeconds, rows / outboxSeconds,
                job.getDouble("rowsPerSecond"), kafkaSeconds, rows / kafkaSeconds, expectedEvents / kafkaSeconds,
                (after.commits - before.commits) / (double) rows, (after.inserted - before.inserted) / (double) rows,
                (after.updated - before.updated) / (double) rows, (after.fetched - before.fetched) / (double) rows,
                (after.walBytes - before.walBytes) / (double) rows,
                (after.kafkaRecords - before.kafkaRecords) / (double) rows,
                config.getOptionalValue("connector.imports.to-kafka", Boolean.class).orElse(true) ? "straight to Kafka" : "outbox and relay",
                config.getOptionalValue("connector.imports.batch-size", String.class).orElse("5000 (default)"), durability);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Counters of the connector's database and the records on the connector's topics. */
    record Work(long commits, long inserted, long updated, long fetched, long walBytes, long kafkaRecords) {
    }

    Work work() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            long walBytes;
            try (ResultSet rs = statement.executeQuery("select pg_current_wal_lsn() - '0/0'::pg_lsn")) {
                rs.next();
                walBytes = rs.getLong(1);
            }
            try (ResultSet rs = statement.executeQuery("""
                    select xact_commit, tup_inserted, tup_updated, tup_fetched from pg_stat_database
                    where datname = current_database()""")) {
                rs.next();
                return new Work(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), walBytes, kafkaRecords());
            }
        }
    }

    private static long kafkaRecords() throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestClients.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            // a topic the relay has not created yet holds no record
            java.util.Set<String> existing = admin.listTopics().names().get();
            List<String> topics = java.util.stream.Stream.of(Topic.PMS_RESERVATIONS.topicName(),
                    Topic.PMS_PROFILES.topicName()).filter(existing::contains).toList();
            if (topics.isEmpty()) {
                return 0;
            }
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((name, description) -> description.partitions()
                    .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            long total = 0;
            for (var offset : admin.listOffsets(latest).all().get().values()) {
                total += offset.offset();
            }
            return total;
        }
    }

    private Map<String, String> durability() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String name : List.of("synchronous_commit", "fsync", "full_page_writes", "wal_level")) {
                try (ResultSet rs = statement.executeQuery("show " + name)) {
                    rs.next();
                    settings.put(name, rs.getString(1));
                }
            }
        }
        return settings;
    }

    String state(String jobId) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
                "select state from import_job where job_id = ?")) {
            statement.setObject(1, UUID.fromString(jobId));
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : "MISSING";
            }
        }
    }

    long unsent(String correlationId) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
                "select count(*) from outbox_event where correlation_id = ? and sent_at is null")) {
            statement.setString(1, correlationId);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
