package org.guestcrm.optout.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.ContactPoint;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.testsupport.KafkaTestClients;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.guestcrm.testsupport.RawCeilings;
import org.junit.jupiter.api.AfterAll;

/**
 * Not part of the suite (no *Test name): the opt-out service's cost per booking (issue 5), through the real broker,
 * registry and PostgreSQL. A booking in {@code ./crm bench}'s shape reaches this service as one new PMS profile on
 * pms.profiles (an e-mail, names, hotel BENCH1; no marketing flags, as the bench's OTA message has none, unless
 * {@code -Dprobe.opt-in=true}), one GuestUpdated on crm.guests (the golden guest with that e-mail), and six
 * CommunicationEvents on crm.communications (five SCHEDULED, the confirmation SENT) with the relay's
 * {@code event-id}/{@code event-type} headers and the {@code communication-status} header the journey sets
 * (since 3ca6a8a; {@code -Dprobe.status-header=false} for a producer without it: every record decoded). pms.reservations is not consumed here.
 * <p>
 * The records are serialised before the clock starts, then sent (all at once, or {@code -Dprobe.rates=0,50}: one measured round per rate, 0 unpaced, else bookings/s,
 * which includes the service's idle work of those seconds, as in {@code ./crm bench});
 * measured until every profile and guest is held and every communication counted by the intake. Printed: records/s
 * and bookings/s; CPU ms per booking of this JVM's threads grouped by name (the service's own, the in-JVM broker's,
 * the probe's producer), and of the PostgreSQL server's processes (/proc); commits and rows per booking
 * ({@code pg_stat_database}, read 11 s after the run so the backends' statistics are flushed); statements Hibernate
 * prepared per booking ({@link StatementCounter}, every thread: plain-JDBC statements through {@code doWork} are not
 * seen). A warm-up round of {@code probe.warmup} bookings (another tenant) runs first. {@code -Dprobe.jfr=<file>}
 * records the measured round with JFR's {@code profile} settings.
 * <p>
 * Run: {@code -Dtest=IntakeCostProbe -Dprobe.bookings=2000}.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class IntakeCostProbe {

    /** The raw ceilings of the same servers, measured after the probe's runs, to read its figures against. */
    @AfterAll
    static void printCeilings() {
        RawCeilings.printForProbe("PROBE", "optout");
    }

    private static final Duration STATS_FLUSH = Duration.ofSeconds(11);
    private static final List<String> STEPS = List.of("CONFIRMATION", "PRE_STAY", "PRE_CHECK_IN", "IN_STAY", "POST_STAY_SURVEY");

    @Inject
    AgroalDataSource dataSource;
    @Inject
    MeterRegistry meters;

    @Test
    void bookingsCostPerBooking() throws Exception {
        int n = Integer.getInteger("probe.bookings", 1000);
        int warmup = Integer.getInteger("probe.warmup", Math.min(n, 1000));
        if (warmup > 0) {
            round("warm-up", warmup, null);
        }
        String jfr = System.getProperty("probe.jfr");
        for (String r : System.getProperty("probe.rates", System.getProperty("probe.rate", "0")).split(",")) {
            double rate = Double.parseDouble(r.trim());
            round("measured", n, rate, jfr == null || jfr.isBlank() ? null
                    : Path.of(jfr.replace(".jfr", "") + "-rate" + (int) rate + ".jfr"));
        }
    }

    private void round(String name, int n, Path jfrFile) throws Exception {
        round(name, n, 0, jfrFile);
    }

    private void round(String name, int n, double rate, Path jfrFile) throws Exception {
        boolean statusHeader = Boolean.parseBoolean(System.getProperty("probe.status-header", "true"));
        boolean optIn = Boolean.getBoolean("probe.opt-in");
        String tenant = "probe-" + UUID.randomUUID().toString().substring(0, 8);
        List<List<ProducerRecord<String, byte[]>>> bookings = bookings(tenant, n, statusHeader, optIn);
        int records = bookings.stream().mapToInt(List::size).sum();

        Thread.sleep(STATS_FLUSH.toMillis());
        Db dbBefore = db();
        long pgBefore = postgresCpuTicks();
        Map<String, Long> threadsBefore = threadCpu();
        long processBefore = processCpu();
        long statementsBefore = StatementCounter.all();
        Map<String, Double> countsBefore = intakeCounts();
        Recording recording = null;
        if (jfrFile != null) {
            recording = new Recording(Configuration.getConfiguration("profile"));
            recording.start();
        }
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps())) {
            for (int i = 0; i < bookings.size(); i++) {
                for (ProducerRecord<String, byte[]> record : bookings.get(i)) {
                    producer.send(record);
                }
                if (rate > 0) {
                    long due = start + (long) ((i + 1) / rate * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            }
            producer.flush();
        }
        long sent = System.nanoTime();
        double wantedCommunications = 6.0 * n;
        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(100)).until(() ->
                count("select count(*) from source_profile where tenant = '" + tenant + "'") == n
                        && count("select count(*) from guest where tenant = '" + tenant + "'") == n
                        && communicationsCounted(countsBefore) >= wantedCommunications);
        long done = System.nanoTime();
        if (recording != null) {
            recording.stop();
            Files.createDirectories(jfrFile.toAbsolutePath().getParent());
            recording.dump(jfrFile);
            recording.close();
        }
        long processCpu = processCpu() - processBefore;
        Map<String, Long> threadsAfter = threadCpu();
        long statements = StatementCounter.all() - statementsBefore;
        Map<String, Double> countsAfter = intakeCounts();
        Thread.sleep(STATS_FLUSH.toMillis());
        long pgTicks = postgresCpuTicks() - pgBefore;
        Db dbAfter = db();

        double seconds = (done - start) / 1e9;
        Map<String, Long> byGroup = new TreeMap<>();
        threadsAfter.forEach((thread, cpu) -> byGroup.merge(group(thread), cpu - threadsBefore.getOrDefault(thread, 0L), Long::sum));
        long service = 0;
        long broker = 0;
        long probe = 0;
        StringBuilder groups = new StringBuilder();
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byGroup.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (Map.Entry<String, Long> g : sorted) {
            String kind = kind(g.getKey());
            switch (kind) {
                case "broker" -> broker += g.getValue();
                case "probe" -> probe += g.getValue();
                default -> service += g.getValue();
            }
            if (g.getValue() / 1e6 / n >= 0.005) {
                groups.append(String.format("PROBE   %-8s %-60s %.3f ms/booking%n", kind, g.getKey(), g.getValue() / 1e6 / n));
            }
        }
        StringBuilder intake = new StringBuilder();
        countsAfter.forEach((k, v) -> {
            double d = v - countsBefore.getOrDefault(k, 0.0);
            if (d > 0) {
                intake.append(String.format("PROBE   %-50s %.0f%n", k, d));
            }
        });
        System.out.printf("""
                PROBE optout %s: %d bookings (%d records: 1 profile, 1 guest, 6 communications each; status header %s, \
                opt-in %s, rate %s), sent in %d ms, all applied after %d ms: %.0f records/s, %.0f bookings/s
                PROBE per booking: service threads %.3f ms CPU, broker threads %.3f ms, probe producer %.3f ms \
                (process %.3f ms); PostgreSQL server %.3f ms
                PROBE per booking: %.3f commits, %.3f rows inserted, %.3f updated, %.3f deleted, %.3f returned, %.3f fetched; \
                %.3f statements prepared by Hibernate (plain JDBC not counted)
                PROBE CPU by thread group:
                %sPROBE intake records (consumer/outcome):
                %s""", name, n, records, statusHeader, optIn, rate > 0 ? rate + "/s" : "unpaced",
                (sent - start) / 1_000_000, (done - start) / 1_000_000, records / seconds, n / seconds,
                service / 1e6 / n, broker / 1e6 / n, probe / 1e6 / n, processCpu / 1e6 / n, pgTicks * 10.0 / n,
                (dbAfter.commits - dbBefore.commits) / (double) n, (dbAfter.inserted - dbBefore.inserted) / (double) n,
                (dbAfter.updated - dbBefore.updated) / (double) n, (dbAfter.deleted - dbBefore.deleted) / (double) n,
                (dbAfter.returned - dbBefore.returned) / (double) n, (dbAfter.fetched - dbBefore.fetched) / (double) n,
                statements / (double) n, groups, intake);
        assertEquals(n, count("select count(*) from source_profile where tenant = '" + tenant + "'"));
        assertEquals(n, count("select count(*) from guest_contact_point where tenant = '" + tenant + "'"));
    }

    /** Thread names without their numbers, so a pool is one group. */
    private static String group(String thread) {
        return thread.replaceAll("\\d+", "#");
    }

    private static String kind(String group) {
        if (group.contains("probe-producer") || group.startsWith("main ") || group.startsWith("JFR ")
                || group.startsWith("surefire-")) {
            return "probe";
        }
        // The service's Kafka clients (consumers' heartbeats, the relay's and the dead letters' producers).
        if (group.startsWith("kafka-coordinator-heartbeat") || group.startsWith("kafka-producer-network-thread")
                || group.startsWith("smallrye-kafka")) {
            return "service";
        }
        if (group.startsWith("data-plane-kafka") || group.startsWith("kafka-request-handler") || group.startsWith("broker-#")
                || group.startsWith("quorum-controller") || group.startsWith("raft") || group.startsWith("kafka-log-cleaner")
                || group.startsWith("kafka-scheduler") || group.startsWith("ExpirationReaper") || group.startsWith("group-coordinator")
                || group.startsWith("controller-") || group.startsWith("LogDirFailureHandler") || group.startsWith("kafka-")
                || group.startsWith("share-coordinator") || group.startsWith("transaction-log-manager")
                || group.startsWith("executor-") && group.contains("Fetch") || group.contains("ReplicaFetcher")
                || group.startsWith("metrics-meter-tick") || group.startsWith("TxnMarkerSenderThread")) {
            return "broker";
        }
        return "service";
    }

    private List<List<ProducerRecord<String, byte[]>>> bookings(String tenant, int n, boolean statusHeader, boolean optIn) {
        List<List<ProducerRecord<String, byte[]>>> bookings = new ArrayList<>(n);
        Map<String, Object> registry = Map.of("apicurio.registry.url", KafkaTestClients.registryUrl(),
                "apicurio.registry.auto-register", "true",
                "apicurio.registry.artifact-resolver-strategy", "io.apicurio.registry.serde.avro.strategy.RecordIdStrategy");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(registry, false);
            for (int i = 0; i < n; i++) {
                String address = tenant + "-guest-" + i + "@bench.example";
                String guestId = UUID.randomUUID().toString();
                List<ProducerRecord<String, byte[]>> booking = new ArrayList<>(8);
                GuestProfileChanged.Builder p = profile(tenant, "ota", "BENCH1-P" + i, null)
                        .setHotelCode("BENCH1").setFirstName("Bench").setLastName("Guest" + i).setLanguage("en")
                        .setEmails(List.of(email(address, true))).setPmsUpdatedAt(now);
                if (optIn) {
                    p.setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).build());
                }
                GuestProfileChanged changed = p.build();
                booking.add(record("pms.profiles", tenant + ":ota:BENCH1-P" + i, changed, serializer, null));
                GuestUpdated guest = GuestUpdated.newBuilder().setMetadata(metadata(tenant, "GuestUpdated", "profile-service"))
                        .setGuestId(guestId).setVersion(1).setFirstName("Bench").setLastName("Guest" + i).setLanguage("en")
                        .setEmails(List.of(ContactPoint.newBuilder().setValue(address).build())).build();
                booking.add(record("crm.guests", guestId, guest, serializer, null));
                UUID confirmation = UUID.randomUUID();
                for (String step : STEPS) {
                    booking.add(communication(tenant, guestId, address, step,
                            step.equals("CONFIRMATION") ? confirmation : UUID.randomUUID(), CommunicationStatus.SCHEDULED,
                            serializer, statusHeader));
                }
                booking.add(communication(tenant, guestId, address, "CONFIRMATION", confirmation, CommunicationStatus.SENT,
                        serializer, statusHeader));
                bookings.add(booking);
            }
        }
        return bookings;
    }

    private static ProducerRecord<String, byte[]> communication(String tenant, String guestId, String address, String step,
            UUID communicationId, CommunicationStatus status, AvroKafkaSerializer<Object> serializer, boolean statusHeader) {
        CommunicationEvent event = CommunicationEvent.newBuilder().setMetadata(metadata(tenant, "CommunicationEvent", "journey-service"))
                .setCommunicationId(communicationId).setGuestId(guestId).setStep(step).setChannel(CommunicationChannel.EMAIL)
                .setStatus(status).setTenantId(tenant).setContactPoint(address).build();
        return record("crm.communications", guestId, event, serializer, statusHeader ? status.name() : null);
    }

    private static EventMetadata metadata(String tenant, String type, String source) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType(type)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setSource(source).setTenantId(tenant)
                .setCorrelationId(UUID.randomUUID().toString()).setSchemaVersion(1).build();
    }

    /** A record as the platform's relay writes it: the registry's wire format and its event headers. */
    private static ProducerRecord<String, byte[]> record(String topic, String key, SpecificRecord value,
            AvroKafkaSerializer<Object> serializer, String status) {
        RecordHeaders headers = new RecordHeaders();
        EventMetadata metadata = (EventMetadata) value.get(value.getSchema().getField("metadata").pos());
        headers.add("event-id", metadata.getEventId().toString().getBytes(StandardCharsets.UTF_8));
        headers.add("event-type", value.getSchema().getName().getBytes(StandardCharsets.UTF_8));
        if (status != null) {
            headers.add("communication-status", status.getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = serializer.serialize(topic, headers, value);
        return new ProducerRecord<>(topic, null, key, bytes, headers);
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestClients.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "probe-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    private double communicationsCounted(Map<String, Double> before) {
        Map<String, Double> now = intakeCounts();
        double sum = 0;
        for (Map.Entry<String, Double> e : now.entrySet()) {
            if (e.getKey().startsWith("optout-service-communications/") || e.getKey().startsWith("unread")) {
                sum += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            }
        }
        return sum;
    }

    private Map<String, Double> intakeCounts() {
        Map<String, Double> counts = new TreeMap<>();
        for (Counter counter : meters.find("guestcrm.intake.records").counters()) {
            counts.put(counter.getId().getTag("consumer") + "/" + counter.getId().getTag("outcome"), counter.count());
        }
        Counter unread = meters.find("optout.communications.unread").counter();
        if (unread != null) {
            counts.put("unread/communications (headers only)", unread.count());
        }
        return counts;
    }

    private record Db(long commits, long inserted, long updated, long deleted, long returned, long fetched) {
    }

    private Db db() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("select pg_stat_clear_snapshot()");
            try (ResultSet r = s.executeQuery("select xact_commit, tup_inserted, tup_updated, tup_deleted, tup_returned, tup_fetched"
                    + " from pg_stat_database where datname = current_database()")) {
                r.next();
                return new Db(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6));
            }
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** utime + stime (clock ticks) of the PostgreSQL postmaster and its children, from /proc. */
    private long postgresCpuTicks() throws Exception {
        String dataDirectory;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("show data_directory")) {
            r.next();
            dataDirectory = r.getString(1);
        }
        long postmaster = Long.parseLong(Files.readAllLines(Path.of(dataDirectory, "postmaster.pid")).get(0).trim());
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (java.io.IOException gone) {
                    continue;
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long pid = Long.parseLong(proc.getFileName().toString());
                long ppid = Long.parseLong(f[1]);
                if (pid == postmaster || ppid == postmaster) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        }
        return ticks;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static Map<String, Long> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    cpu.merge(info.getThreadName() + " #" + info.getThreadId(), t, Long::sum);
                }
            }
        }
        return cpu;
    }
}
