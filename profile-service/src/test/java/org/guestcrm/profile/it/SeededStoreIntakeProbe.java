package org.guestcrm.profile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.platform.intake.BatchIntake;
import org.guestcrm.platform.outbox.OutboxSerde;
import org.guestcrm.profile.domain.matching.ClusterScorer;
import org.guestcrm.profile.domain.matching.EmailEvidence;
import org.guestcrm.profile.domain.matching.IncrementalLinker;
import org.guestcrm.profile.mapping.GuestMapper;
import org.guestcrm.profile.messaging.ProfileChangeHandler;
import org.guestcrm.profile.persistence.MatchBlocks;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.guestcrm.testsupport.RawCeilings;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Incremental intake with a large store already held: {@link StoreSeeder} writes N synthetic guests ({@link
 * SyntheticGuests}, a fifth with a second profile from another PMS, in the same guest) with COPY, then newcomers go
 * through the service's own intake ({@link BatchIntake#process} with {@link ProfileChangeHandler}, batches of 500):
 * half new persons, half a third PMS's view of a stored person. Prints the seeding time, then per stretch of newcomers
 * records/s, intake-thread CPU ms per record, statements per batch (counted at the JDBC driver), candidate profiles and
 * guests per record (what the matcher scores: the record's usable blocks, fs-7), and at the end the pairwise precision,
 * recall and F1 of the newcomers' placement against the ground truth (pairs with at least one newcomer). No timed
 * assertion; only counts are printed.
 * <pre>
 * ./mvnw -B -ntp -o -q -pl profile-service verify -Dquarkus.bootstrap.workspace-discovery=false \
 *    -Dtest=SeededStoreIntakeProbe -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none \
 *    -Dseeded-store.guests=1000000 -Dseeded-store.newcomers=10000
 * </pre>
 * (figures in {@code target/surefire-reports/org.guestcrm.profile.it.SeededStoreIntakeProbe-output.txt}).
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
@TestProfile(IntakeStatementsTest.CountingStatements.class)
@EnabledIfSystemProperty(named = "seeded-store.guests", matches = "\\d+")
class SeededStoreIntakeProbe {

    private static final int BATCH = 500;
    private static final double DUPLICATES = 0.2;

    @Inject
    BatchIntake intake;
    @Inject
    ProfileChangeHandler handler;
    @Inject
    OutboxSerde serde;
    @Inject
    MatchBlocks blocks;
    @Inject
    StoreSeeder seeder;
    @Inject
    EntityManager entityManager;

    @AfterAll
    static void ceilings() {
        RawCeilings.printForProbe("PROBE", "profile");
    }

    @Test
    void newcomersAgainstASeededStore() throws Exception {
        int guests = Integer.getInteger("seeded-store.guests");
        int newcomerCount = Integer.getInteger("seeded-store.newcomers", 10_000);
        String tenant = "seeded-" + UUID.randomUUID().toString().substring(0, 8);
        StoreSeeder.Seeded seeded = seeder.seed(guests, (from, count) -> SyntheticGuests.store(tenant, from, count,
                DUPLICATES));
        System.out.printf(Locale.ROOT, "Seeded %,d guests, %,d profiles, %,d blocking-key rows, %,d contact points in %.0f s"
                + " (%.0f s of it composing in Java): %,.0f profiles/s%n", seeded.guests(), seeded.profiles(),
                seeded.blockRows(), seeded.contactPoints(), seeded.seconds(), seeded.javaSeconds(),
                seeded.profiles() / seeded.seconds());
        long analyse = System.nanoTime();
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("analyze source_profile,"
                + " source_profile_block, guest, guest_source_profile, guest_contact_point, match_decision,"
                + " match_term_frequency, processed_event").executeUpdate());
        System.out.printf(Locale.ROOT, "analyze: %.0f s (autovacuum's job after a bulk load)%n",
                (System.nanoTime() - analyse) / 1e9);

        Random random = new Random(20261203L);
        List<GuestProfileChanged> newcomers = new ArrayList<>(newcomerCount);
        Map<String, Integer> personOf = new HashMap<>();
        for (int i = 0; i < newcomerCount; i++) {
            int person = i % 2 == 0 ? guests + i : random.nextInt(guests);
            SyntheticGuests.Person p = i % 2 == 0 ? SyntheticGuests.person(person)
                    : SyntheticGuests.variant(SyntheticGuests.person(person), random);
            newcomers.add(SyntheticGuests.event(tenant, "third-pms", "N-" + i, p));
            personOf.put("N-" + i, person);
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "%10s %10s %12s %14s %20s %20s%n", "newcomers", "records/s", "CPU ms/rec",
                "stmts/batch", "candidate profiles", "candidate guests");
        // The candidates each batch's records find in the seeded store (counted before the intake, so the probe's own
        // look-ups stay out of the server's counters below; earlier newcomer batches are not among them).
        List<long[]> candidatesOfBatch = new ArrayList<>();
        for (int from = 0; from < newcomerCount; from += BATCH) {
            candidatesOfBatch.add(candidates(tenant, newcomers.subList(from, Math.min(newcomerCount, from + BATCH))));
        }
        // Where the intake's wall time goes: per statement shape (timed at the driver), PostgreSQL's table and index
        // counters around the intake, and a JFR recording of the intake alone (not the seeding).
        Map<String, long[]> byStatement = new HashMap<>();
        Map<String, long[]> statsBefore = serverStats();
        jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.start();
        long pgCpuStart = postgresCpuNanos();
        long totalNanos = 0;
        long totalCpu = 0;
        long offset = 0;
        long nanos = 0;
        long cpu = 0;
        long statements = 0;
        long candidates = 0;
        long candidateGuests = 0;
        int records = 0;
        int batches = 0;
        int stretch = Math.max(BATCH, newcomerCount / 5);
        for (int from = 0; from < newcomerCount; from += BATCH) {
            List<GuestProfileChanged> events = newcomers.subList(from, Math.min(newcomerCount, from + BATCH));
            long[] c = candidatesOfBatch.get(from / BATCH);
            candidates += c[0];
            candidateGuests += c[1];
            List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(events.size());
            for (GuestProfileChanged e : events) {
                batch.add(new ConsumerRecord<>("pms.profiles", 0, offset++,
                        tenant + ":" + e.getPmsSystem() + ":" + e.getPmsProfileId(), serde.serialize("pms.profiles", e)));
            }
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            StatementCountingDriver.Counts counts = StatementCountingDriver.count(() -> intake.process(handler, batch));
            nanos += System.nanoTime() - start;
            cpu += threads.getCurrentThreadCpuTime() - cpuBefore;
            if (from > 0) { // the first batch holds the JIT's warm-up
                totalNanos += System.nanoTime() - start;
                totalCpu += threads.getCurrentThreadCpuTime() - cpuBefore;
                counts.nanosBySql.forEach((shape, n) -> {
                    long[] t = byStatement.computeIfAbsent(shape, k -> new long[2]);
                    t[0] += counts.bySql.getOrDefault(shape, 1);
                    t[1] += n;
                });
            }
            statements += counts.statements();
            records += events.size();
            batches++;
            if (records >= stretch || from + BATCH >= newcomerCount) {
                System.out.printf(Locale.ROOT, "%,10d %10.0f %12.2f %14.1f %20.1f %20.1f%n", from + events.size(),
                        records / (nanos / 1e9), cpu / 1e6 / records, (double) statements / batches,
                        (double) candidates / records, (double) candidateGuests / records);
                nanos = 0;
                cpu = 0;
                statements = 0;
                candidates = 0;
                candidateGuests = 0;
                records = 0;
                batches = 0;
            }
        }
        long pgCpuAll = postgresCpuNanos() - pgCpuStart;
        recording.stop();
        java.nio.file.Path jfr = java.nio.file.Path.of("target", "seeded-intake.jfr");
        recording.dump(jfr);
        recording.close();
        Thread.sleep(1500); // the backends' statistics reach pg_stat_* within a second of their transactions
        Map<String, long[]> statsAfter = serverStats();
        int measured = newcomerCount - Math.min(BATCH, newcomerCount);
        System.out.printf(Locale.ROOT, "After the first batch: %,d records, wall %.3f ms, intake-thread CPU %.3f ms per record;"
                + " JFR of the intake in %s%n", measured, totalNanos / 1e6 / measured, totalCpu / 1e6 / measured, jfr);
        System.out.printf(Locale.ROOT, "PostgreSQL server CPU per record over all %,d newcomers: %.3f ms%n", newcomerCount,
                pgCpuAll / 1e6 / newcomerCount);
        System.out.printf(Locale.ROOT, "Wall time waiting on PostgreSQL per record, by statement (driver execute calls):%n");
        long waited = byStatement.values().stream().mapToLong(t -> t[1]).sum();
        byStatement.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(25)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %8.3f ms/rec %7.2f per batch  %s%n",
                        e.getValue()[1] / 1e6 / measured, e.getValue()[0] * (double) BATCH / measured, e.getKey()));
        System.out.printf(Locale.ROOT, "  %8.3f ms/rec in all statements%n", waited / 1e6 / measured);
        System.out.printf(Locale.ROOT, "PostgreSQL counters per record over all %,d newcomers (pg_stat_user_tables/indexes,"
                + " pg_statio_user_tables: blocks read from outside shared buffers / hit):%n", newcomerCount);
        statsAfter.forEach((name, after) -> {
            long[] before = statsBefore.getOrDefault(name, new long[after.length]);
            StringBuilder line = new StringBuilder();
            boolean any = false;
            for (int i = 0; i < after.length; i++) {
                double d = (after[i] - before[i]) / (double) newcomerCount;
                any |= d != 0;
                line.append(String.format(Locale.ROOT, " %10.2f", d));
            }
            if (any) {
                System.out.printf(Locale.ROOT, "  %-60s%s%n", name, line);
            }
        });
        explainLookups(tenant, guests);
        System.out.println(quality(tenant, personOf, guests));
        int roundNewcomers = 0;
        String threadCounts = System.getProperty("seeded-store.threads", "").trim();
        if (!threadCounts.isEmpty()) {
            roundNewcomers = concurrentRounds(tenant, guests, threadCounts,
                    Integer.getInteger("seeded-store.round-newcomers", 8_000));
        }
        long stored = ((Number) QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "select count(*) from source_profile where tenant = ?1").setParameter(1, tenant).getSingleResult()))
                .longValue();
        assertEquals(seeded.profiles() + newcomerCount + roundNewcomers, stored, "every newcomer stored");
    }

    /**
     * Parallel intake: per entry of {@code threadCounts} (e.g. {@code 1,2,4,1}) a fresh set of newcomers (half new
     * persons, half another PMS's view of a stored one) is split by key into that many streams as Kafka's default
     * partitioner splits a topic's keys (murmur2 of the record key modulo the partitions), and each stream is taken in
     * by a thread of its own, batches of 500 through {@link BatchIntake#process}, as that many consumers of the group
     * would. Prints per round records/s (all streams), CPU per record of the intake threads, of the whole test JVM and
     * of PostgreSQL (the server's processes are this JVM's children), the time in statements, the transient failures
     * retried (lock conflicts, deadlocks) and PostgreSQL's deadlock count. Asserts only that every newcomer of every
     * round is stored, each in exactly one guest.
     *
     * @return the newcomers taken in
     */
    private int concurrentRounds(String tenant, int guests, String threadCounts, int perRound) throws Exception {
        List<Integer> rounds = java.util.Arrays.stream(threadCounts.split(",")).map(String::trim).map(Integer::valueOf)
                .toList();
        System.out.printf(Locale.ROOT, "Parallel intake, %,d newcomers per round, batches of %d, streams split by key"
                + " (murmur2 %% streams):%n", perRound, BATCH);
        System.out.printf(Locale.ROOT, "%6s %8s %10s %10s %10s %10s %10s %10s %9s %9s %12s%n", "round", "threads",
                "records/s", "wall ms", "intake CPU", "JVM CPU", "PG CPU", "in stmts", "retried", "deadlocks",
                "load (1 min)");
        ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean();
        int taken = 0;
        for (int round = 0; round < rounds.size(); round++) {
            int threadCount = rounds.get(round);
            Random random = new Random(20261208L + round);
            String pms = "round-" + round;
            List<List<ConsumerRecord<String, byte[]>>> streams = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                streams.add(new ArrayList<>());
            }
            long[] offsets = new long[threadCount];
            for (int i = 0; i < perRound; i++) {
                SyntheticGuests.Person p = i % 2 == 0 ? SyntheticGuests.person(guests + 2_000_000 + round * 200_000 + i)
                        : SyntheticGuests.variant(SyntheticGuests.person(random.nextInt(guests)), random);
                GuestProfileChanged e = SyntheticGuests.event(tenant, pms, "R" + round + "-" + i, p);
                String key = tenant + ":" + e.getPmsSystem() + ":" + e.getPmsProfileId();
                int stream = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                        key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % threadCount;
                streams.get(stream).add(new ConsumerRecord<>("pms.profiles", stream, offsets[stream]++, key,
                        serde.serialize("pms.profiles", e)));
            }
            double retriedBefore = transientFailures();
            long deadlocksBefore = deadlocks();
            long pgCpuBefore = postgresCpuNanos();
            long jvmCpuBefore = os.getProcessCpuTime();
            double loadBefore = os.getSystemLoadAverage();
            java.util.concurrent.atomic.AtomicLong intakeCpu = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong inStatements = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threadCount);
            long start = System.nanoTime();
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (List<ConsumerRecord<String, byte[]>> stream : streams) {
                    done.add(pool.submit(() -> {
                        long cpuBefore = threadBean.getCurrentThreadCpuTime();
                        for (int from = 0; from < stream.size(); from += BATCH) {
                            List<ConsumerRecord<String, byte[]>> batch = stream.subList(from,
                                    Math.min(stream.size(), from + BATCH));
                            StatementCountingDriver.Counts counts = StatementCountingDriver.count(
                                    () -> intake.process(handler, batch));
                            inStatements.addAndGet(counts.nanosBySql.values().stream().mapToLong(Long::longValue).sum());
                        }
                        intakeCpu.addAndGet(threadBean.getCurrentThreadCpuTime() - cpuBefore);
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            long wall = System.nanoTime() - start;
            long jvmCpu = os.getProcessCpuTime() - jvmCpuBefore;
            long pgCpu = postgresCpuNanos() - pgCpuBefore;
            Thread.sleep(1500); // the backends' statistics reach pg_stat_database within a second
            System.out.printf(Locale.ROOT, "%6d %8d %10.0f %10.3f %10.3f %10.3f %10.3f %10.3f %9.0f %9d %5.1f-%5.1f%n",
                    round, threadCount, perRound / (wall / 1e9), wall / 1e6 / perRound * threadCount,
                    intakeCpu.get() / 1e6 / perRound, jvmCpu / 1e6 / perRound, pgCpu / 1e6 / perRound,
                    inStatements.get() / 1e6 / perRound, transientFailures() - retriedBefore,
                    deadlocks() - deadlocksBefore, loadBefore, os.getSystemLoadAverage());
            long storedOfRound = ((Number) QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                    "select count(*) from source_profile s join guest_source_profile l on l.source_profile_id = s.id"
                            + " where s.tenant = ?1 and s.pms_system = ?2").setParameter(1, tenant).setParameter(2, pms)
                    .getSingleResult())).longValue();
            assertEquals(perRound, storedOfRound, "every newcomer of round " + round + " stored and linked to a guest");
            taken += perRound;
        }
        System.out.println("(wall ms: per record and intake thread, i.e. the wall time a record costs its own thread;"
                + " CPU columns: ms per record; in stmts: ms per record waited on the driver, summed over threads)");
        return taken;
    }

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    private double transientFailures() {
        return meters.find("guestcrm.intake.transient.failures").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private long deadlocks() {
        return ((Number) QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "select deadlocks from pg_stat_database where datname = current_database()").getSingleResult()))
                .longValue();
    }

    /**
     * CPU time of the PostgreSQL server's processes alive now: its postmaster (the parent of this connection's
     * backend; pg_ctl detaches it from this JVM) and every process under it.
     */
    private long postgresCpuNanos() {
        long backend = ((Number) QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "select pg_backend_pid()").getSingleResult())).longValue();
        ProcessHandle postmaster = ProcessHandle.of(backend).flatMap(ProcessHandle::parent).orElseThrow();
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(postmaster), postmaster.descendants())
                .mapToLong(p -> p.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L)).sum();
    }

    /**
     * Cumulative counters by table (seq scans, rows read by them, index scans, rows fetched by them, inserted, updated,
     * deleted, heap and index blocks read and hit) and by index (scans, entries read, rows fetched).
     */
    @SuppressWarnings("unchecked")
    private Map<String, long[]> serverStats() {
        Map<String, long[]> out = new TreeMap<>();
        QuarkusTransaction.requiringNew().run(() -> {
            List<Object[]> tables = entityManager.createNativeQuery("""
                    select 'table ' || t.relname || ' (seq, seq rows, idx, idx rows, ins, upd, del, heap read/hit,'
                        || ' idx read/hit)', t.seq_scan, t.seq_tup_read, coalesce(t.idx_scan, 0),
                        coalesce(t.idx_tup_fetch, 0), t.n_tup_ins, t.n_tup_upd, t.n_tup_del, coalesce(io.heap_blks_read, 0),
                        coalesce(io.heap_blks_hit, 0), coalesce(io.idx_blks_read, 0), coalesce(io.idx_blks_hit, 0)
                    from pg_stat_user_tables t join pg_statio_user_tables io on io.relid = t.relid""").getResultList();
            List<Object[]> indexes = entityManager.createNativeQuery("""
                    select 'index ' || i.indexrelname || ' (scans, entries, rows)', i.idx_scan, i.idx_tup_read,
                        i.idx_tup_fetch from pg_stat_user_indexes i""").getResultList();
            for (List<Object[]> rows : List.of(tables, indexes)) {
                for (Object[] r : rows) {
                    long[] values = new long[r.length - 1];
                    for (int i = 1; i < r.length; i++) {
                        values[i - 1] = ((Number) r[i]).longValue();
                    }
                    out.put((String) r[0], values);
                }
            }
        });
        return out;
    }

    /**
     * EXPLAIN (ANALYZE, BUFFERS) of the intake's two candidate reads for 500 newcomers not yet seen: the blocking-key
     * look-up ({@link MatchBlocks#find}'s statement) and the candidates' clusters ({@link MatchBlocks#clusters}'s).
     */
    private void explainLookups(String tenant, int guests) {
        Random random = new Random(7L);
        List<GuestProfileChanged> events = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            SyntheticGuests.Person p = i % 2 == 0 ? SyntheticGuests.person(guests + 10_000_000 + i)
                    : SyntheticGuests.variant(SyntheticGuests.person(random.nextInt(guests)), random);
            events.add(SyntheticGuests.event(tenant, "fourth-pms", "X-" + i, p));
        }
        EmailEvidence emails = EmailEvidence.standard();
        Set<String> keys = new LinkedHashSet<>();
        for (GuestProfileChanged e : events) {
            SourceProfileEntity scratch = new SourceProfileEntity();
            GuestMapper.copyInto(e, scratch);
            GuestMapper.computeMatchFeatures(scratch, emails);
            keys.addAll(IncrementalLinker.blockingKeys(GuestMapper.personOf(scratch)));
        }
        int cap = ClusterScorer.Thresholds.STANDARD.blockCap();
        MatchBlocks.Found found = QuarkusTransaction.requiringNew().call(() -> blocks.find(
                keys.stream().map(k -> new MatchBlocks.BlockKey(tenant, k)).toList(), cap));
        // the guests the intake would lock and read: those of each record's usable blocks
        Map<String, List<UUID>> byKey = new HashMap<>();
        found.members().forEach((k, v) -> byKey.put(k.key(), v));
        Set<UUID> usableGuests = new LinkedHashSet<>();
        for (GuestProfileChanged e : events) {
            SourceProfileEntity scratch = new SourceProfileEntity();
            GuestMapper.copyInto(e, scratch);
            GuestMapper.computeMatchFeatures(scratch, emails);
            for (String key : IncrementalLinker.usableBlocks(IncrementalLinker.blockingKeys(GuestMapper.personOf(scratch)),
                    k -> byKey.getOrDefault(k, List.of()), cap, ClusterScorer.Thresholds.STANDARD.candidateBudget())) {
                byKey.get(key).stream().map(found.guestOf()::get).filter(java.util.Objects::nonNull)
                        .forEach(usableGuests::add);
            }
        }
        List<UUID> guestIds = List.copyOf(usableGuests);
        System.out.printf(Locale.ROOT, "EXPLAIN of the candidate reads for %d unseen newcomers (%,d keys, %,d members"
                + " within the cap, %,d guests of the usable blocks):%n", BATCH, keys.size(), found.guestOf().size(),
                guestIds.size());
        QuarkusTransaction.requiringNew().run(() -> entityManager.unwrap(Session.class).doWork(connection -> {
            for (String[] statement : new String[][] {{"find", MatchBlocks.FIND_SQL}, {"clusters", MatchBlocks.CLUSTERS_SQL}}) {
                try (java.sql.PreparedStatement explain = connection.prepareStatement(
                        "explain (analyze, buffers) " + statement[1])) {
                    if (statement[0].equals("find")) {
                        explain.setArray(1, connection.createArrayOf("text", keys.stream().map(k -> tenant).toArray()));
                        explain.setArray(2, connection.createArrayOf("text", keys.toArray()));
                        if (statement[1].chars().filter(c -> c == '?').count() > 3) {
                            // the intake reads up to the largest block a record can use
                            int usable = ClusterScorer.Thresholds.STANDARD.largestUsableBlock();
                            explain.setInt(3, usable + 1);
                            explain.setInt(4, usable);
                        } else {
                            explain.setInt(3, cap + 1);
                        }
                    } else {
                        explain.setArray(1, connection.createArrayOf("uuid", guestIds.toArray()));
                    }
                    System.out.println("  -- " + statement[0]);
                    try (java.sql.ResultSet plan = explain.executeQuery()) {
                        while (plan.next()) {
                            String line = plan.getString(1);
                            System.out.println("  " + (line.length() > 200 ? line.substring(0, 200) + " ..." : line));
                        }
                    }
                }
            }
        }));
    }

    /** Candidate profiles and guests the matcher scores for these records (fs-7's usable blocks), summed. */
    private long[] candidates(String tenant, List<GuestProfileChanged> events) {
        EmailEvidence emails = EmailEvidence.standard();
        List<List<String>> keys = new ArrayList<>();
        Set<MatchBlocks.BlockKey> wanted = new LinkedHashSet<>();
        for (GuestProfileChanged e : events) {
            SourceProfileEntity scratch = new SourceProfileEntity();
            GuestMapper.copyInto(e, scratch);
            GuestMapper.computeMatchFeatures(scratch, emails);
            List<String> own = new ArrayList<>(IncrementalLinker.blockingKeys(GuestMapper.personOf(scratch)));
            keys.add(own);
            own.forEach(k -> wanted.add(new MatchBlocks.BlockKey(tenant, k)));
        }
        ClusterScorer.Thresholds thresholds = ClusterScorer.Thresholds.STANDARD;
        MatchBlocks.Found found = QuarkusTransaction.requiringNew().call(() -> blocks.find(wanted, thresholds.blockCap()));
        long profiles = 0;
        long guests = 0;
        for (List<String> own : keys) {
            Set<UUID> members = new HashSet<>();
            for (String key : IncrementalLinker.usableBlocks(own,
                    k -> found.members().getOrDefault(new MatchBlocks.BlockKey(tenant, k), List.of()),
                    thresholds.blockCap(), thresholds.candidateBudget())) {
                members.addAll(found.members().get(new MatchBlocks.BlockKey(tenant, key)));
            }
            profiles += members.size();
            guests += members.stream().map(m -> found.guestOf().get(m)).filter(java.util.Objects::nonNull).distinct().count();
        }
        return new long[] {profiles, guests};
    }

    /**
     * Pairwise quality of the newcomers' placement: the pairs of profiles in one guest with at least one newcomer,
     * against the pairs of one person's profiles (stored P-i and D-i, newcomers N-k) with at least one newcomer.
     */
    @SuppressWarnings("unchecked")
    private String quality(String tenant, Map<String, Integer> personOf, int guests) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                select l.guest_id, o.pms_profile_id from source_profile n
                join guest_source_profile ln on ln.source_profile_id = n.id
                join guest_source_profile l on l.guest_id = ln.guest_id
                join source_profile o on o.id = l.source_profile_id
                where n.tenant = ?1 and n.pms_system = 'third-pms'""").setParameter(1, tenant).getResultList());
        Map<UUID, Set<String>> members = new HashMap<>();
        rows.forEach(r -> members.computeIfAbsent((UUID) r[0], k -> new HashSet<>()).add((String) r[1]));
        long predicted = 0;
        long correct = 0;
        for (Set<String> ids : members.values()) {
            List<String> list = new ArrayList<>(ids);
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    if (list.get(i).startsWith("N-") || list.get(j).startsWith("N-")) {
                        predicted++;
                        if (person(list.get(i), personOf) == person(list.get(j), personOf)) {
                            correct++;
                        }
                    }
                }
            }
        }
        Map<Integer, int[]> byPerson = new TreeMap<>();
        personOf.values().forEach(p -> byPerson.computeIfAbsent(p, k -> new int[2])[0]++);
        long truePairs = 0;
        for (Map.Entry<Integer, int[]> e : byPerson.entrySet()) {
            int n = e.getValue()[0];
            int stored = e.getKey() >= guests ? 0 : SyntheticGuests.hasSecondProfile(e.getKey(), DUPLICATES) ? 2 : 1;
            truePairs += (long) n * stored + (long) n * (n - 1) / 2;
        }
        double precision = predicted == 0 ? 1 : (double) correct / predicted;
        double recall = truePairs == 0 ? 1 : (double) correct / truePairs;
        return String.format(Locale.ROOT, "Newcomers' placement against the ground truth: %,d true pairs, %,d predicted, %,d"
                + " correct: precision %.4f, recall %.4f, F1 %.4f", truePairs, predicted, correct, precision, recall,
                2 * precision * recall / (precision + recall));
    }

    private static int person(String pmsProfileId, Map<String, Integer> personOf) {
        return pmsProfileId.startsWith("N-") ? personOf.get(pmsProfileId)
                : Integer.parseInt(pmsProfileId.substring(2));
    }
}
