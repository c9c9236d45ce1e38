package org.guestcrm.journey.it;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.guestcrm.testsupport.RawCeilings;
import org.junit.jupiter.api.AfterAll;

/**
 * Not part of the suite (its name ends in Probe): a load probe for profiling. It posts
 * {@code probe.bookings} (default 2000) bookings of one tenant to pms.reservations, waits until every
 * confirmation is SENT, and prints the CPU the service's threads used per booking, grouped by thread name (the
 * broker and the mail catcher run in this JVM too; their threads are listed apart), the database transactions per
 * booking (pg_stat_database), the JDBC statements Hibernate prepared per booking and the dispatcher's outcome
 * transactions. {@code -Dprobe.rate=100} paces the bookings (per second). Run it with JFR:
 * <pre>
 * ./mvnw -B -ntp -o -pl journey-service verify -Dtest=IntakeLoadProbe -Dsurefire.failIfNoSpecifiedTests=false \
 *   -DargLine="-XX:StartFlightRecording=filename=target/probe.jfr,settings=profile"
 * </pre>
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class IntakeLoadProbe {

    /** The raw ceilings of the same servers, measured after the probe's runs, to read its figures against. */
    @AfterAll
    static void printCeilings() {
        RawCeilings.printForProbe("PROBE", "journey");
    }

    @Inject
    EntityManager entityManager;

    @Test
    void bookings() throws Exception {
        int n = Integer.getInteger("probe.bookings", 2000);
        // Warm-up: one booking through the whole path (registry look-ups, first SMTP connection, JIT of the cold path).
        run(Booking.unique("warm-"), 50);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        org.hibernate.stat.Statistics statistics = entityManager.getEntityManagerFactory()
                .unwrap(org.hibernate.SessionFactory.class).getStatistics();
        statistics.setStatisticsEnabled(true);
        // The idle background (dispatcher ticks, relay polls) in transactions per second, from two readings 12 s apart.
        settleDatabaseStatistics();
        Map<String, Long> idleStart = databaseCounters();
        long idleStarted = System.nanoTime();
        settleDatabaseStatistics();
        Map<String, Long> databaseBefore = databaseCounters();
        Map<String, long[]> tablesBefore = tableCounters();
        double idlePerSecond = (databaseBefore.get("xact_commit") - idleStart.get("xact_commit") - 1)
                / ((System.nanoTime() - idleStarted) / 1e9);
        statistics.clear();
        double outcomeTransactionsBefore = outcomeTransactions();
        polls = 0;
        long intakeWritesBefore = org.guestcrm.journey.persistence.IntakeWrites.STATEMENTS.get();
        Map<Long, Long> before = cpuByThread(threads);
        long started = System.nanoTime();
        String tenant = run(Booking.unique("probe-"), n);
        long wallMillis = (System.nanoTime() - started) / 1_000_000;
        Map<Long, Long> after = cpuByThread(threads);
        double outcomeTransactions = outcomeTransactions() - outcomeTransactionsBefore;
        // Wait until the outbox is empty (every CommunicationEvent relayed), then until PostgreSQL's statistics are
        // flushed (a backend reports them when idle, at the latest after 10 s).
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> unsentOutbox() == 0);
        long probePolls = polls;
        long prepared = statistics.getPrepareStatementCount();
        long flushes = statistics.getFlushCount();
        long inserts = statistics.getEntityInsertCount();
        long updates = statistics.getEntityUpdateCount();
        long loads = statistics.getEntityLoadCount();
        long intakeWrites = org.guestcrm.journey.persistence.IntakeWrites.STATEMENTS.get() - intakeWritesBefore;
        long settleStarted = System.nanoTime();
        settleDatabaseStatistics();
        Map<String, Long> databaseAfter = databaseCounters();
        Map<String, long[]> tablesAfter = tableCounters();
        double settleSeconds = (System.nanoTime() - settleStarted) / 1e9;
        statistics.setStatisticsEnabled(false);
        Map<String, Long> byGroup = new TreeMap<>();
        for (var entry : after.entrySet()) {
            var info = threads.getThreadInfo(entry.getKey());
            if (info == null) {
                continue;
            }
            long used = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
            byGroup.merge(info.getThreadName().replaceAll("[0-9]+", "#"), used, Long::sum);
        }
        System.out.printf("PROBE tenant %s: %d bookings in %d ms (%.1f bookings/s)%n", tenant, n, wallMillis,
                n * 1000.0 / wallMillis);
        // The probe's own polls (one transaction and one statement each, and the two readings of pg_stat_database)
        // are taken off the service's figures.
        long commits = databaseAfter.get("xact_commit") - databaseBefore.get("xact_commit") - probePolls - 1
                - Math.round(idlePerSecond * settleSeconds);
        System.out.printf("PROBE database: %.2f transactions committed per booking (%d in all; the probe's polls and the "
                        + "idle background of %.1f/s during the final wait taken off), %.2f rows inserted, %.2f rows "
                        + "updated per booking%n", commits / (double) n, commits, idlePerSecond,
                (databaseAfter.get("tup_inserted") - databaseBefore.get("tup_inserted")) / (double) n,
                (databaseAfter.get("tup_updated") - databaseBefore.get("tup_updated")) / (double) n);
        System.out.printf("PROBE hibernate: %.2f JDBC statements prepared per booking (%d; a JDBC batch counts once; "
                        + "the processed-event insert runs on the bare connection and is not counted), %.2f flushes, "
                        + "%.2f entity inserts, %.2f entity updates, %.2f entity loads per booking%n",
                (prepared - probePolls) / (double) n, prepared - probePolls, flushes / (double) n,
                inserts / (double) n, updates / (double) n, loads / (double) n);
        System.out.printf("PROBE intake writes: %.3f set-based statements per booking (%d: reservation and "
                        + "communication rows, on the bare connection, not counted by Hibernate)%n",
                intakeWrites / (double) n, intakeWrites);
        System.out.printf("PROBE dispatcher: %.0f outcome transactions for %d confirmations (%.3f per mail)%n",
                outcomeTransactions, n, outcomeTransactions / n);
        printTables(tablesBefore, tablesAfter, n, probePolls);
        printClaimPlan();
        byGroup.entrySet().stream().filter(e -> e.getValue() > 50_000_000L)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("PROBE cpu %-60s %8d ms  %6.2f ms/booking%n", e.getKey(),
                        e.getValue() / 1_000_000, e.getValue() / 1e6 / n));
    }

    /**
     * The dispatcher alone: {@code probe.bookings} (default 2000) bookings are taken in and confirmed first, then their
     * PRE_STAY mails are made due in one statement and the probe measures the drain: mails/s, CPU ms per mail of the
     * dispatcher thread, of the Vert.x event loops (the SMTP client) and of the whole JVM (the test's Kafka and mail
     * catcher run in other processes; the probe's own polls are cheap), the dispatcher's outcome transactions and
     * rounds, Hibernate's prepared statements and PostgreSQL's commits and updated rows per mail.
     * <pre>
     * ./mvnw -B -ntp -o -q -pl journey-service verify -Dtest=IntakeLoadProbe#dispatcherDrain ... -Dprobe.bookings=3000
     * </pre>
     */
    @Test
    void dispatcherDrain() throws Exception {
        int n = Integer.getInteger("probe.bookings", 2000);
        run(Booking.unique("warm-"), 50);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // The intake first: the journey's CPU per booking (consumer threads: decode, plan, publish the five scheduled
        // events; the dispatcher sending the confirmations; the relay), everything else of the JVM apart.
        Map<Long, Long> intakeBefore = cpuByThread(threads);
        long intakeStarted = System.nanoTime();
        String tenant = run(Booking.unique("drain-"), n);
        long intakeMillis = (System.nanoTime() - intakeStarted) / 1_000_000;
        Map<String, Long> intakeByGroup = cpuByGroup(threads, intakeBefore, cpuByThread(threads));
        System.out.printf("PROBE intake: %d bookings taken in and confirmed in %d ms (%.1f/s)%n", n, intakeMillis,
                n * 1000.0 / intakeMillis);
        long journeyIntake = 0;
        for (var e : intakeByGroup.entrySet()) {
            if (e.getKey().startsWith("smallrye-kafka-consumer-thread") || e.getKey().equals("journey-mail-dispatcher")
                    || e.getKey().startsWith("vert.x-eventloop") || e.getKey().equals("journey-outbox-relay")
                    || e.getKey().startsWith("kafka-producer-network-thread | journey")
                    || e.getKey().startsWith("executor-thread")) {
                journeyIntake += e.getValue();
                System.out.printf("PROBE intake cpu %-60s %8d ms  %6.3f ms/booking%n", e.getKey(),
                        e.getValue() / 1_000_000, e.getValue() / 1e6 / n);
            }
        }
        System.out.printf("PROBE intake cpu journey threads (consumers, dispatcher, event loops, relay, workers) %.3f "
                + "ms/booking%n", journeyIntake / 1e6 / n);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> unsentOutbox() == 0);
        // Four drains of the same bookings, one step after the other: the first is the coldest (JIT), compare the
        // later ones. (At e3507e8 a temporary switch alternated the old entity-per-mail recording with this one.)
        for (String step : List.of("PRE_STAY", "PRE_CHECK_IN", "IN_STAY", "POST_STAY_SURVEY")) {
            drain(tenant, step, "set-based", threads, os);
        }
    }

    private void drain(String tenant, String step, String recording, ThreadMXBean threads,
                       com.sun.management.OperatingSystemMXBean os) {
        org.hibernate.stat.Statistics statistics = entityManager.getEntityManagerFactory()
                .unwrap(org.hibernate.SessionFactory.class).getStatistics();
        statistics.setStatisticsEnabled(true);
        statistics.clear();
        double outcomeTransactionsBefore = outcomeTransactions();
        double recordCpuBefore = counterOf("guestcrm.journey.mail.outcome.cpu");
        long roundsBefore = (long) meterCount("guestcrm.journey.mail.rounds");
        polls = 0;
        Map<Long, Long> before = cpuByThread(threads);
        long processCpuBefore = os.getProcessCpuTime();
        long started = System.nanoTime();
        int due = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                        update communication set due_at = now() - interval '1 minute'
                        where tenant = :t and step = :s and status in ('SCHEDULED', 'RESCHEDULED')""")
                .setParameter("t", tenant).setParameter("s", step).executeUpdate());
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> sentOf(tenant, step) >= due);
        long wallMillis = (System.nanoTime() - started) / 1_000_000;
        long processCpu = os.getProcessCpuTime() - processCpuBefore;
        Map<Long, Long> after = cpuByThread(threads);
        long probePolls = polls;
        long prepared = statistics.getPrepareStatementCount();
        statistics.setStatisticsEnabled(false);
        double outcomeTransactions = outcomeTransactions() - outcomeTransactionsBefore;
        double recordCpu = counterOf("guestcrm.journey.mail.outcome.cpu") - recordCpuBefore;
        long rounds = (long) meterCount("guestcrm.journey.mail.rounds") - roundsBefore;
        Map<String, Long> byGroup = cpuByGroup(threads, before, after);
        System.out.printf("PROBE drain %s (%s recording): %d mails in %d ms (%.1f mails/s, the first tick's wait "
                        + "included), %d rounds, %.0f outcome transactions (%.3f per mail); recording outcomes %.3f CPU "
                        + "ms/mail; dispatcher thread %.3f ms/mail, event loops %.3f ms/mail, process %.3f ms/mail; "
                        + "%.3f Hibernate-prepared statements per mail (the probe's %d polls taken off)%n", step, recording,
                due, wallMillis, due * 1000.0 / wallMillis, rounds, outcomeTransactions, outcomeTransactions / due,
                recordCpu / 1e6 / due, byGroup.getOrDefault("journey-mail-dispatcher", 0L) / 1e6 / due,
                byGroup.entrySet().stream().filter(e -> e.getKey().startsWith("vert.x-eventloop"))
                        .mapToLong(Map.Entry::getValue).sum() / 1e6 / due, processCpu / 1e6 / due,
                (prepared - probePolls) / (double) due, probePolls);
        org.junit.jupiter.api.Assertions.assertTrue(due > 0, "mails of " + step + " were made due");
    }

    private double counterOf(String name) {
        var counter = meters.find(name).counter();
        return counter == null ? Double.NaN : counter.count();
    }

    private static Map<String, Long> cpuByGroup(ThreadMXBean threads, Map<Long, Long> before, Map<Long, Long> after) {
        Map<String, Long> byGroup = new TreeMap<>();
        for (var entry : after.entrySet()) {
            var info = threads.getThreadInfo(entry.getKey());
            if (info != null) {
                byGroup.merge(info.getThreadName().replaceAll("[0-9]+", "#"),
                        entry.getValue() - before.getOrDefault(entry.getKey(), 0L), Long::sum);
            }
        }
        return byGroup;
    }

    private long sentOf(String tenant, String step) {
        polls++;
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "select count(*) from communication where tenant = :t and step = :s and status = 'SENT'")
                .setParameter("t", tenant).setParameter("s", step).getSingleResult()).longValue());
    }

    /**
     * Steady intake: {@code probe.rate} bookings per second (default 50, about the bench's rate) for
     * {@code probe.seconds} (default 60), one fresh tenant. Every second it prints what came in (confirmations planned),
     * what waits (due and unclaimed, under lease), the dispatcher's rounds (how many, claimed per round, mean and longest
     * duration), SMTP sends, and the latency from the booking's hand-off to Kafka to its confirmation's SENT (p50, p99 of
     * the mails sent in that second); at the end the same latency over the whole run.
     * <pre>
     * ./mvnw -B -ntp -o -q -pl journey-service verify -Dtest=IntakeLoadProbe#steadyRate ... -Dprobe.rate=50 \
     *   -DargLine="-XX:StartFlightRecording=filename=target/steady.jfr,settings=profile -XX:FlightRecorderOptions:stackdepth=320"
     * </pre>
     */
    @Test
    void steadyRate() throws Exception {
        int rate = Integer.getInteger("probe.rate", 50);
        int seconds = Integer.getInteger("probe.seconds", 60);
        int n = rate * seconds;
        run(Booking.unique("warm-"), 50);
        Booking template = Booking.unique("steady-");
        String tenant = template.tenant();
        Map<String, Long> handedOffAt = new java.util.concurrent.ConcurrentHashMap<>();
        List<Long> allLatencies = java.util.Collections.synchronizedList(new ArrayList<>());
        var sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        long[] previous = new long[5];
        java.time.Instant[] sentUpTo = {java.time.Instant.now()};
        java.util.Set<String> measured = java.util.concurrent.ConcurrentHashMap.newKeySet();
        long t0 = System.currentTimeMillis();
        previous[0] = plannedConfirmations(tenant);
        previous[1] = (long) meterCount("guestcrm.journey.mail.rounds");
        previous[2] = (long) meterTotal("guestcrm.journey.mail.round.claimed");
        previous[3] = (long) meterTotal("guestcrm.journey.mail.rounds");
        previous[4] = (long) deliveriesSent();
        System.out.println("PROBE second  intake/s  due-waiting  leased  rounds  claimed/round  round-ms(mean/max)  "
                + "smtp/s  latency-ms p50/p99");
        Runnable sample = () -> {
            try {
                long planned = plannedConfirmations(tenant);
                long[] waiting = waitingConfirmations(tenant);
                long roundCount = (long) meterCount("guestcrm.journey.mail.rounds");
                long claimed = (long) meterTotal("guestcrm.journey.mail.round.claimed");
                long roundMillis = (long) meterTotal("guestcrm.journey.mail.rounds");
                double maxMillis = meterMax("guestcrm.journey.mail.rounds");
                long smtp = (long) deliveriesSent();
                java.time.Instant upTo = java.time.Instant.now();
                List<Long> latencies = new ArrayList<>();
                // sent_at is the outcome transaction's time, committed a little later: look back 30 s, count each once.
                for (Object[] row : sentBetween(tenant, sentUpTo[0].minusSeconds(30), upTo)) {
                    Long handed = handedOffAt.get((String) row[0]);
                    if (handed != null && measured.add((String) row[0])) {
                        latencies.add(((java.time.Instant) row[1]).toEpochMilli() - handed);
                    }
                }
                sentUpTo[0] = upTo;
                allLatencies.addAll(latencies);
                long rounds = roundCount - previous[1];
                System.out.printf("PROBE %6d  %8d  %11d  %6d  %6d  %13s  %18s  %6d  %s%n",
                        (System.currentTimeMillis() - t0) / 1000, planned - previous[0], waiting[0], waiting[1], rounds,
                        rounds == 0 ? "-" : String.format("%.1f", (claimed - previous[2]) / (double) rounds),
                        rounds == 0 ? "-" : String.format("%.0f/%.0f", (roundMillis - previous[3]) / (double) rounds,
                                maxMillis),
                        smtp - previous[4], percentiles(latencies));
                previous[0] = planned;
                previous[1] = roundCount;
                previous[2] = claimed;
                previous[3] = roundMillis;
                previous[4] = smtp;
            } catch (RuntimeException e) {
                System.out.println("PROBE sample failed: " + e);
            }
        };
        sampler.scheduleAtFixedRate(sample, 1, 1, TimeUnit.SECONDS);
        long fed;
        try {
            fed = feed(template, n, rate, handedOffAt);
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(250))
                    .until(() -> sentConfirmations(tenant) >= n);
        } finally {
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        }
        sample.run();
        List<Long> latencies;
        synchronized (allLatencies) {
            latencies = new ArrayList<>(allLatencies);
        }
        System.out.printf("PROBE steady %d bookings at %d/s fed in %d ms; %d confirmations sent, %d latencies measured; "
                        + "hand-off to SENT over the run p50/p99 %s ms%n", n, rate, fed, sentConfirmations(tenant),
                latencies.size(), percentiles(latencies));
        org.junit.jupiter.api.Assertions.assertEquals(n, latencies.size(), "every confirmation's latency measured");
    }

    private static String percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Long> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(sorted.size() * 0.50))) + "/"
                + sorted.get((int) Math.min(sorted.size() - 1, Math.floor(sorted.size() * 0.99)));
    }

    /** Posts {@code n} bookings at {@code rate} per second, noting when each was handed to Kafka; answers the ms taken. */
    private long feed(Booking template, int n, int rate, Map<String, Long> handedOffAt) throws Exception {
        Properties props = producerProperties();
        LocalDate arrival = LocalDate.now().plusDays(30);
        List<Future<RecordMetadata>> sent = new ArrayList<>(n);
        long started = System.nanoTime();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < n; i++) {
                long wait = started + i * 1_000_000_000L / rate - System.nanoTime();
                if (wait > 0) {
                    // Pacing the feed (the probe's clock), not waiting for a condition.
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String reservationId = "R" + i;
                Booking booking = new Booking(template.tenant(), template.hotelCode(), reservationId,
                        "steady-" + i + "@example.com");
                handedOffAt.put(reservationId, System.currentTimeMillis());
                sent.add(producer.send(new ProducerRecord<>(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                        booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)))));
            }
            for (Future<RecordMetadata> future : sent) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        return (System.nanoTime() - started) / 1_000_000;
    }

    private double meterCount(String name) {
        var timer = meters.find(name).timer();
        return timer == null ? 0 : timer.count();
    }

    private double meterTotal(String name) {
        var timer = meters.find(name).timer();
        if (timer != null) {
            return timer.totalTime(TimeUnit.MILLISECONDS);
        }
        var summary = meters.find(name).summary();
        return summary == null ? 0 : summary.totalAmount();
    }

    private double meterMax(String name) {
        var timer = meters.find(name).timer();
        return timer == null ? 0 : timer.max(TimeUnit.MILLISECONDS);
    }

    private double deliveriesSent() {
        var counter = meters.find("guestcrm.journey.mail.deliveries").tag("outcome", "sent").counter();
        return counter == null ? 0 : counter.count();
    }

    private long plannedConfirmations(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "select count(*) from communication where tenant = :t and step = 'CONFIRMATION'")
                .setParameter("t", tenant).getSingleResult()).longValue());
    }

    /** Due confirmations not yet sent: [waiting for a claim, under a lease]. */
    private long[] waitingConfirmations(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object[] row = (Object[]) entityManager.createNativeQuery("""
                            select count(*) filter (where lease_expires_at is null or lease_expires_at <= now()),
                                   count(*) filter (where lease_expires_at > now())
                            from communication where tenant = :t and step = 'CONFIRMATION'
                              and status in ('SCHEDULED', 'RESCHEDULED') and coalesce(next_attempt_at, due_at) <= now()""")
                    .setParameter("t", tenant).getSingleResult();
            return new long[] {((Number) row[0]).longValue(), ((Number) row[1]).longValue()};
        });
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> sentBetween(String tenant, java.time.Instant from, java.time.Instant to) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                        select pms_reservation_id, sent_at from communication
                        where tenant = :t and step = 'CONFIRMATION' and status = 'SENT'
                          and sent_at >= :from and sent_at < :to""")
                .setParameter("t", tenant).setParameter("from", from).setParameter("to", to).getResultList());
    }

    /** Sends {@code n} bookings of one fresh tenant and waits until every confirmation is SENT; returns the tenant. */
    private String run(Booking template, int n) throws Exception {
        Properties props = producerProperties();
        LocalDate arrival = LocalDate.now().plusDays(30);
        List<Future<RecordMetadata>> sent = new ArrayList<>(n);
        // probe.rate (bookings per second, default 0: as fast as possible) paces the bookings like ./crm bench does, so
        // the dispatcher sees mails trickle in instead of one backlog.
        int rate = Integer.getInteger("probe.rate", 0);
        long paceStarted = System.nanoTime();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < n; i++) {
                if (rate > 0) {
                    long due = paceStarted + i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                Booking booking = new Booking(template.tenant(), template.hotelCode(), "R" + i,
                        "probe-" + i + "@example.com");
                sent.add(producer.send(new ProducerRecord<>(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                        booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)))));
            }
            for (Future<RecordMetadata> future : sent) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> sentConfirmations(template.tenant()) >= n);
        return template.tenant();
    }

    private static Properties producerProperties() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestClients.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put("apicurio.registry.url", KafkaTestClients.registryUrl());
        props.put("apicurio.registry.auto-register", "true");
        props.put("apicurio.registry.find-latest", "true");
        props.put("apicurio.registry.artifact-resolver-strategy",
                "io.apicurio.registry.serde.avro.strategy.RecordIdStrategy");
        return props;
    }

    /** Polls of {@link #sentConfirmations} since the counting began (each is one transaction of this probe). */
    private volatile long polls;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    private double outcomeTransactions() {
        var counter = meters.find("guestcrm.journey.mail.outcome.transactions").counter();
        return counter == null ? Double.NaN : counter.count();
    }

    private long unsentOutbox() {
        polls++;
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "select count(*) from outbox_event where sent_at is null").getSingleResult()).longValue());
    }

    /** PostgreSQL reports a backend's counters when it is idle, at most every second, at the latest after 10 s. */
    private static void settleDatabaseStatistics() throws InterruptedException {
        Thread.sleep(12_000);
    }

    private Map<String, Long> databaseCounters() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object[] row = (Object[]) entityManager.createNativeQuery("""
                    select xact_commit, xact_rollback, tup_inserted, tup_updated
                    from pg_stat_database where datname = current_database()""").getSingleResult();
            return Map.of("xact_commit", ((Number) row[0]).longValue(), "xact_rollback", ((Number) row[1]).longValue(),
                    "tup_inserted", ((Number) row[2]).longValue(), "tup_updated", ((Number) row[3]).longValue());
        });
    }

    /** Per table (pg_stat_user_tables): rows inserted, updated, deleted, read by sequential scans, fetched by index. */
    private Map<String, long[]> tableCounters() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, long[]> tables = new TreeMap<>();
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery("""
                    select relname, n_tup_ins, n_tup_upd, n_tup_del, coalesce(seq_tup_read, 0),
                           coalesce(idx_tup_fetch, 0), coalesce(seq_scan, 0) + coalesce(idx_scan, 0)
                    from pg_stat_user_tables""").getResultList();
            for (Object[] row : rows) {
                long[] values = new long[6];
                for (int i = 0; i < 6; i++) {
                    values[i] = ((Number) row[i + 1]).longValue();
                }
                tables.put((String) row[0], values);
            }
            return tables;
        });
    }

    /**
     * Rows written and read per booking and table. The probe's own polls (a count of SENT confirmations every 250 ms,
     * then of the unsent outbox every 500 ms) read communication and outbox_event rows too: their count is printed.
     */
    private static void printTables(Map<String, long[]> before, Map<String, long[]> after, int n, long probePolls) {
        double written = 0;
        double read = 0;
        for (var entry : after.entrySet()) {
            long[] b = before.getOrDefault(entry.getKey(), new long[6]);
            long[] a = entry.getValue();
            double[] d = new double[6];
            for (int i = 0; i < 6; i++) {
                d[i] = (a[i] - b[i]) / (double) n;
            }
            if (d[0] + d[1] + d[2] + d[3] + d[4] + d[5] == 0) {
                continue;
            }
            written += d[0] + d[1] + d[2];
            read += d[3] + d[4];
            System.out.printf("PROBE table %-22s per booking: %6.2f inserted %6.2f updated %6.2f deleted %7.2f seq-read "
                    + "%7.2f index-fetched %6.2f scans%n", entry.getKey(), d[0], d[1], d[2], d[3], d[4], d[5]);
        }
        System.out.printf("PROBE tables: %.2f rows written and %.2f rows read per booking (the probe's %d polls "
                + "included in the reads)%n", written, read, probePolls);
    }

    /** The plan PostgreSQL picks now for the dispatcher's claim query (a sequential scan shows in the rows read). */
    private void printClaimPlan() {
        QuarkusTransaction.requiringNew().run(() -> {
            @SuppressWarnings("unchecked")
            List<Object> plan = entityManager.createNativeQuery("""
                    EXPLAIN SELECT * FROM communication
                    WHERE status IN ('SCHEDULED', 'RESCHEDULED')
                      AND coalesce(next_attempt_at, due_at) <= now()
                      AND (lease_expires_at IS NULL OR lease_expires_at <= now())
                    ORDER BY coalesce(next_attempt_at, due_at) LIMIT 100 FOR UPDATE SKIP LOCKED""").getResultList();
            plan.forEach(line -> System.out.println("PROBE claim plan: " + line));
        });
    }

    private long sentConfirmations(String tenant) {
        polls++;
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "select count(*) from communication where tenant = :t and step = 'CONFIRMATION' and status = 'SENT'")
                .setParameter("t", tenant).getSingleResult()).longValue());
    }

    private static Map<Long, Long> cpuByThread(ThreadMXBean threads) {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long used = threads.getThreadCpuTime(id);
            if (used >= 0) {
                cpu.put(id, used);
            }
        }
        return cpu;
    }
}
