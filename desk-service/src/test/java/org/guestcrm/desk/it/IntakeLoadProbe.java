package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.guestcrm.testsupport.RawCeilings;
import org.junit.jupiter.api.AfterAll;

/**
 * Not part of the suite (no *Test name): the desk's cost per booking (issue 5). Two phases through the real broker,
 * registry and PostgreSQL:
 * <ol>
 *   <li>N tentative reservations of one tenant on pms.reservations, timed until every one is a lead with its
 *   call-back task (and its TaskChanged OPENED committed to the outbox);</li>
 *   <li>N bookings as the journey reports them ({@code ./crm bench}'s shape): the reservation CONFIRMED on
 *   pms.reservations and six CommunicationEvents on crm.communications (SCHEDULED for five steps, the confirmation
 *   SENT), each with the {@code communication-status} header the journey sets, and the booking's golden guest on
 *   crm.guests ({@code -Dprobe.guest-versions}, default 2 versions listing its PMS profile); counted until every
 *   confirmation document is SENT and every guest linked: rows written per booking (pg_stat_user_tables, per table), commits per booking
 *   (pg_stat_database.xact_commit, also net of the idle rate of the sweep and relay measured before), and the
 *   intake's record outcomes.</li>
 * </ol>
 * Run with {@code -Dtest=IntakeLoadProbe -Dsurefire.failIfNoSpecifiedTests=false -Dprobe.requests=2000
 * -Dprobe.bookings=1000} ({@code -Dprobe.requests=0}: the bookings only; {@code -Dprobe.jfr=/tmp/desk.jfr}: a JFR
 * recording, settings "profile", of the bookings phase). The bookings phase also prints JDBC statements per booking
 * (Hibernate statistics, switched on for that phase). It waits 11 s around each reading (PostgreSQL flushes a backend's table statistics within
 * 10 s): a probe that prints figures, not a test with a bound.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class IntakeLoadProbe {

    /** The raw ceilings of the same servers, measured after the probe's runs, to read its figures against. */
    @AfterAll
    static void printCeilings() {
        RawCeilings.printForProbe("PROBE", "desk");
    }

    static final List<String> STEPS = List.of("CONFIRMATION", "PRE_STAY", "PRE_CHECK_IN", "IN_STAY", "POST_STAY_SURVEY");
    private static final Duration STATS_FLUSH = Duration.ofSeconds(11);

    @Inject
    EntityManager entityManager;
    @Inject
    MeterRegistry meters;

    @Inject
    jakarta.persistence.EntityManagerFactory entityManagerFactory;

    @Test
    void requestsBecomeLeadsAndTasks() throws Exception {
        int n = Integer.getInteger("probe.requests", 500);
        if (n == 0) {
            bookingsAsTheJourneyReportsThem();
            return;
        }
        String tenant = "probe-" + UUID.randomUUID().toString().substring(0, 8);
        Stay base = Stay.unique("BERLIN").inTenant(tenant);
        Instant now = Instant.now();
        long start;
        long sent;
        try (var producer = new KafkaProducer<String, Object>(DocumentLockOrderTest.producerProps())) {
            // Warm the serde's schema look-up before timing.
            Stay first = base.withReservation("P-warm");
            producer.send(new ProducerRecord<>(Topic.PMS_RESERVATIONS.topicName(),
                    first.key(), first.snapshot(1, ReservationStatus.CONFIRMED, now))).get();
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Stay stay = base.withReservation("P" + i);
                producer.send(new ProducerRecord<>(Topic.PMS_RESERVATIONS.topicName(),
                        stay.key(), stay.snapshot(1, ReservationStatus.TENTATIVE, now)));
            }
            producer.flush();
            sent = System.nanoTime();
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() -> tasks(tenant) == n);
        long done = System.nanoTime();
        assertEquals(n, tasks(tenant));
        System.out.printf("PROBE desk intake: %d requests sent in %d ms; all leads + call-back tasks after %d ms: %.0f requests/s%n",
                n, (sent - start) / 1_000_000, (done - start) / 1_000_000, n / ((done - start) / 1e9));

        bookingsAsTheJourneyReportsThem();
    }

    private void bookingsAsTheJourneyReportsThem() throws Exception {
        int n = Integer.getInteger("probe.bookings", 500);
        String tenant = "probe-" + UUID.randomUUID().toString().substring(0, 8);
        Stay base = Stay.unique("BERLIN").inTenant(tenant);
        Instant booked = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // -Dprobe.guest-versions=V (default 2): each booking's golden guest on crm.guests, V versions listing the
        // booking's PMS profile (the profile-service publishes the guest when the profile arrives and again when its
        // stays change); 0: no crm.guests records (the shape before issue 5's guest-link measurement).
        int guestVersions = Integer.getInteger("probe.guest-versions", 2);
        int perBooking = 7 + guestVersions;
        List<ProducerRecord<String, Object>> records = new ArrayList<>(n * perBooking);
        for (int i = 0; i < n; i++) {
            Stay stay = base.withReservation("B" + i);
            records.add(new ProducerRecord<>(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                    stay.snapshot(1, ReservationStatus.CONFIRMED, booked)));
            String guestId = "G-" + tenant + "-" + i;
            for (int v = 1; v <= guestVersions; v++) {
                records.add(new ProducerRecord<>(Topic.CRM_GUESTS.topicName(), guestId,
                        GuestLinkTest.guest(tenant, guestId, v, "P-" + stay.reservationId())));
            }
            UUID confirmation = UUID.randomUUID();
            for (String step : STEPS) {
                CommunicationEvent scheduled = CommunicationEvent.newBuilder(DocumentLockOrderTest.sent(stay, step,
                        step.equals("CONFIRMATION") ? confirmation : UUID.randomUUID()))
                        .setStatus(CommunicationStatus.SCHEDULED).build();
                records.add(communication(stay, scheduled));
            }
            records.add(communication(stay, DocumentLockOrderTest.sent(stay, "CONFIRMATION", confirmation)));
        }

        // The idle rate first: the sweep and the relay commit on their own, bookings or not.
        Thread.sleep(STATS_FLUSH.toMillis());
        Reading idleStart = read();
        Thread.sleep(STATS_FLUSH.toMillis());
        Reading before = read();
        double idleCommitsPerSecond = (before.commits - idleStart.commits) / ((before.at - idleStart.at) / 1e9);

        // Statements: Hibernate's statistics (switched on for the probe only), JDBC statements prepared and executed
        // by the desk (every native and JPQL query, entity insert, update, lock) over the phase.
        org.hibernate.stat.Statistics statistics = entityManagerFactory.unwrap(org.hibernate.SessionFactory.class)
                .getStatistics();
        statistics.setStatisticsEnabled(true);
        statistics.clear();
        // A JFR recording of the phase (-Dprobe.jfr=path): where the desk's CPU goes.
        String jfrPath = System.getProperty("probe.jfr");
        jdk.jfr.Recording recording = null;
        if (jfrPath != null) {
            recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            recording.setToDisk(true);
            recording.setDestination(java.nio.file.Path.of(jfrPath));
            recording.start();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Object[]> threadCpuBefore = threadCpu(threads);
        long mainCpuBefore = threads.getCurrentThreadCpuTime();
        long processCpuBefore = processCpu();
        Map<String, Double> countsBefore = intakeCounts();
        double jdbcBefore = jdbcStatements();
        long start = System.nanoTime();
        long producerThreadCpu;
        // -Dprobe.rate=R: the bookings at R per second (the bench's steady shape: each poll finds a few records),
        // else all at once (a backlog: full polls).
        int rate = Integer.getInteger("probe.rate", 0);
        try (var producer = new KafkaProducer<String, Object>(DocumentLockOrderTest.producerProps())) {
            for (int i = 0; i < records.size(); i++) {
                producer.send(records.get(i));
                if (rate > 0 && i % perBooking == perBooking - 1) {
                    long due = start + (long) ((i / perBooking + 1) * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
            producer.flush();
            producerThreadCpu = cpuOfThreadsNamed(threads, "kafka-producer-network-thread");
        }
        long mainCpu = threads.getCurrentThreadCpuTime() - mainCpuBefore;
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> confirmationsSent(tenant) == n && reservations(tenant) == n
                        && guestsLinked(tenant, guestVersions) == (guestVersions == 0 ? 0 : n));
        long done = System.nanoTime();
        long processCpu = processCpu() - processCpuBefore;
        Map<String, Long> byGroup = threadCpuDelta(threadCpuBefore, threadCpu(threads));
        long deskThreadsCpu = byGroup.entrySet().stream().filter(e -> deskThread(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        if (recording != null) {
            recording.stop();
            recording.close();
        }
        long prepared = statistics.getPrepareStatementCount();
        long queries = statistics.getQueryExecutionCount();
        long inserts = statistics.getEntityInsertCount();
        long updates = statistics.getEntityUpdateCount();
        long loads = statistics.getEntityLoadCount();
        long flushes = statistics.getFlushCount();
        long transactions = statistics.getSuccessfulTransactionCount();
        statistics.setStatisticsEnabled(false);
        double jdbc = jdbcStatements() - jdbcBefore;
        Map<String, Double> countsAfter = intakeCounts();
        Thread.sleep(STATS_FLUSH.toMillis());
        Reading after = read();

        double seconds = (after.at - before.at) / 1e9;
        long commits = after.commits - before.commits;
        StringBuilder tables = new StringBuilder();
        long rows = 0;
        for (Map.Entry<String, long[]> table : after.tables.entrySet()) {
            long[] was = before.tables.getOrDefault(table.getKey(), new long[3]);
            long ins = table.getValue()[0] - was[0];
            long upd = table.getValue()[1] - was[1];
            long del = table.getValue()[2] - was[2];
            if (ins + upd + del == 0) {
                continue;
            }
            rows += ins + upd + del;
            tables.append(String.format("  %-22s ins %.2f upd %.2f del %.2f%n", table.getKey(), ins / (double) n,
                    upd / (double) n, del / (double) n));
        }
        StringBuilder intake = new StringBuilder();
        for (Map.Entry<String, Double> count : countsAfter.entrySet()) {
            double delta = count.getValue() - countsBefore.getOrDefault(count.getKey(), 0.0);
            if (delta > 0) {
                intake.append(String.format("  %-44s %.0f%n", count.getKey(), delta));
            }
        }
        System.out.printf("""
                PROBE desk bookings: %d bookings (1 ReservationChanged CONFIRMED + 5 SCHEDULED + 1 SENT + %d GuestUpdated each, \
                status header set, %s), all reservations held, confirmations SENT and guests linked after %d ms
                PROBE per booking: %.2f rows written, %.3f commits (%.3f net of the idle %.2f commits/s over %.1f s), \
                desk CPU %.2f ms (process %.2f ms minus the probe's producing %.2f ms)
                PROBE desk threads' CPU per booking: %.2f ms (the service's own threads: intake executors, Kafka consumer \
                and outbox producer threads, vert.x, sweep and relay; not the broker embedded in this JVM, not the probe, \
                not JIT or GC); CPU per booking of every thread group:
                %sPROBE statements per booking (Hibernate statistics, the desk's whole JVM): %.2f JDBC statements prepared, \
                %.2f queries (JPQL/native selects), %.2f entity inserts, %.2f entity updates, %.2f entities loaded, \
                %.3f flushes, %.3f transactions; %.2f plain JDBC statements (desk_jdbc_statements_total: \
                documents, reservation_state, leads, links, tallies), %.2f statements in all
                PROBE rows per booking by table:
                %sPROBE intake records (consumer/outcome):
                %s""", n, guestVersions, rate > 0 ? rate + " bookings/s" : "all at once", (done - start) / 1_000_000, rows / (double) n, commits / (double) n,
                (commits - idleCommitsPerSecond * seconds) / n, idleCommitsPerSecond, seconds,
                (processCpu - mainCpu - producerThreadCpu) / 1e6 / n, processCpu / 1e6 / n,
                (mainCpu + producerThreadCpu) / 1e6 / n, deskThreadsCpu / 1e6 / n, groups(byGroup, n), prepared / (double) n, queries / (double) n,
                inserts / (double) n, updates / (double) n, loads / (double) n, flushes / (double) n,
                transactions / (double) n, jdbc / n, (prepared + jdbc) / n, tables, intake);
        assertEquals(n, confirmationsSent(tenant));
    }

    private static ProducerRecord<String, Object> communication(Stay stay, CommunicationEvent event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("event-id", event.getMetadata().getEventId().toString().getBytes(StandardCharsets.UTF_8));
        headers.add("event-type", "CommunicationEvent".getBytes(StandardCharsets.UTF_8));
        headers.add("communication-status", event.getStatus().name().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(Topic.CRM_COMMUNICATIONS.topicName(), null, stay.key(), event, headers);
    }

    private record Reading(long at, long commits, Map<String, long[]> tables) {
    }

    private Reading read() {
        return QuarkusTransaction.requiringNew().call(() -> {
            entityManager.createNativeQuery("select pg_stat_clear_snapshot()").getSingleResult();
            long commits = ((Number) entityManager.createNativeQuery(
                    "select xact_commit from pg_stat_database where datname = current_database()").getSingleResult())
                    .longValue();
            Map<String, long[]> tables = new LinkedHashMap<>();
            for (Object row : entityManager.createNativeQuery(
                    "select relname, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables order by relname")
                    .getResultList()) {
                Object[] r = (Object[]) row;
                tables.put((String) r[0], new long[] { ((Number) r[1]).longValue(), ((Number) r[2]).longValue(),
                        ((Number) r[3]).longValue() });
            }
            return new Reading(System.nanoTime(), commits, tables);
        });
    }

    /** Statements the desk ran with plain JDBC (not in Hibernate's statistics). */
    private double jdbcStatements() {
        return meters.find("desk.jdbc.statements").counters().stream().mapToDouble(Counter::count).sum();
    }

    private Map<String, Double> intakeCounts() {
        Map<String, Double> counts = new java.util.TreeMap<>();
        for (Counter counter : meters.find("guestcrm.intake.records").counters()) {
            counts.put(counter.getId().getTag("consumer") + "/" + counter.getId().getTag("outcome"), counter.count());
        }
        for (Counter counter : meters.find("desk.communications.unread").counters()) {
            counts.put("desk-communications/unread (headers only)", counter.count());
        }
        return counts;
    }

    /** Thread id -> [name, CPU ns] of every live thread. */
    private static Map<Long, Object[]> threadCpu(ThreadMXBean threads) {
        Map<Long, Object[]> cpu = new java.util.HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                cpu.put(info.getThreadId(), new Object[] {info.getThreadName(),
                        Math.max(0, threads.getThreadCpuTime(info.getThreadId()))});
            }
        }
        return cpu;
    }

    /** CPU used between two readings per thread group (the name without its numbers), most first. */
    private static Map<String, Long> threadCpuDelta(Map<Long, Object[]> before, Map<Long, Object[]> after) {
        Map<String, Long> groups = new java.util.HashMap<>();
        after.forEach((id, now) -> {
            Object[] was = before.get(id);
            long delta = (Long) now[1] - (was == null ? 0L : (Long) was[1]);
            groups.merge(((String) now[0]).replaceAll("[0-9]+", "N"), delta, Long::sum);
        });
        return groups;
    }

    /** The desk service's own threads (the rest of this JVM is the embedded broker and the probe). */
    static boolean deskThread(String group) {
        return group.startsWith("executor-thread") || group.startsWith("smallrye-kafka-consumer-thread")
                || group.startsWith("vert.x-") || group.startsWith("kafka-coordinator-heartbeat-thread | desk")
                || group.startsWith("kafka-producer-network-thread | desk") || group.startsWith("desk")
                || group.startsWith("outbox") || group.startsWith("agroal") || group.startsWith("Agroal");
    }

    private static String groups(Map<String, Long> byGroup, int n) {
        StringBuilder out = new StringBuilder();
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() > 0).limit(25)
                .forEach(e -> out.append(String.format("  %s %-60s %.3f ms%n", deskThread(e.getKey()) ? "desk " : "other",
                        e.getKey(), e.getValue() / 1e6 / n)));
        return out.toString();
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long cpuOfThreadsNamed(ThreadMXBean threads, String prefix) {
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                sum += Math.max(0, cpu);
            }
        }
        return sum;
    }

    private long confirmationsSent(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(*) from document where tenant = ?1 and kind = 'CONFIRMATION' and state = 'SENT'")
                .setParameter(1, tenant).getSingleResult()).longValue());
    }

    /** Guests of the tenant at their last version whose profile's link is held. */
    private long guestsLinked(String tenant, int version) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(*) from guest_seen s join guest_link l on l.guest_id = s.guest_id"
                        + " where s.tenant = ?1 and s.version = ?2")
                .setParameter(1, tenant).setParameter(2, (long) version).getSingleResult()).longValue());
    }

    private long reservations(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(*) from reservation_state where tenant = ?1").setParameter(1, tenant)
                .getSingleResult()).longValue());
    }

    private long tasks(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(*) from task where tenant = ?1 and kind = 'CALL_BACK'")
                .setParameter(1, tenant).getSingleResult()).longValue());
    }
}
