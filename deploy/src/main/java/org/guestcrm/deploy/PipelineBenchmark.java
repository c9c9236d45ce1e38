package org.guestcrm.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.guestcrm.testsupport.RawCeilings;

/**
 * {@code ./crm bench}: drives a running local stack through its front door and prints figures.
 * Posts N OpenTravel reservations (each a new booking for a different guest) to the demo OTA feed with
 * C requests in flight, then waits until the journey-service has sent every booking confirmation.
 * Reports the connector's accept rate and latency (HTTP answer = message durably stored) and the
 * end-to-end latency from the POST to the confirmation's SMTP hand-off (the mail catcher's journal), which
 * crosses the outbox relay, Kafka, the registry-backed Avro serde, the journey consumer and dispatcher.
 */
final class PipelineBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalStack stack;
    private final StackConfig config;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String token;

    PipelineBenchmark(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.config = stack.config();
        this.out = out;
    }

    /**
     * What one run measured.
     *
     * @param scheduleLatencyMillis POST to the journey's confirmation communication created (its schedule committed)
     * @param consumedPerGroup      records each consumer group committed as consumed during the run
     * @param lagAfter              each group's lag when the run ended
     * @param cpuMillisPerPart      CPU time each part of the stack (and the bench client) used during the run
     * @param windowSeconds         first POST to the last confirmation seen: the window of the last three
     * @param databaseWork          what each service database did during the run (commits, rows written and read)
     */
    record Result(int reservations, int concurrency, double acceptSeconds, long[] acceptLatencyMicros,
            long[] confirmationLatencyMillis, double drainSeconds, int rejected, long[] scheduleLatencyMillis,
            Map<String, Long> consumedPerGroup, Map<String, Long> lagAfter, Map<String, Double> cpuMillisPerPart,
            double windowSeconds, String durability, List<RawCeilings.Ceiling> ceilings,
            Map<String, DatabaseWork.Counters> databaseWork) {
    }

    Result run(int reservations, int concurrency, Duration drainTimeout) {
        return run(reservations, concurrency, 0, drainTimeout);
    }

    /**
     * As {@link #run(int, int, Duration)}, paced: with {@code ratePerSecond > 0} booking i is posted at the earliest
     * {@code i / rate} seconds after the first (an open load, as PMSs send, so latency is measured below saturation
     * rather than in a queue the bench itself keeps full); still at most {@code concurrency} in flight. POSTs that
     * left more than 100 ms after their planned instant are counted and printed: then the stack did not keep up.
     */
    Result run(int reservations, int concurrency, double ratePerSecond, Duration drainTimeout) {
        requireHealthy();
        token = stack.adminToken(Duration.ofHours(2));
        String run = UUID.randomUUID().toString().substring(0, 8);
        LocalDate arrival = LocalDate.now().plusDays(40);
        long[] acceptMicros = new long[reservations];
        Instant[] postedAt = new Instant[reservations];
        int[] rejected = new int[1];
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<Void>> calls = new ArrayList<>(reservations);
        AtomicInteger posted = new AtomicInteger();

        out.printf("stack: %s partitions of pms.reservations, %d process(es) per service (CRM_PARTITIONS, CRM_REPLICAS)%n",
                StackSetup.partitionsOf(config, "pms.reservations"), config.replicas());
        // Warm-up: one request, so class loading and first schema look-ups are not measured.
        post(message("BENCH-" + run + "-warmup", arrival, "warmup-" + run)).join();

        Map<String, Long> committedBefore = ConsumerLag.committedTotals(config.kafkaBootstrapServers());
        Map<String, Long> cpuBefore = cpuTicksPerPart();
        Map<String, Long> postgresBefore = postgresTicksByDatabase();
        Map<String, DatabaseWork.Counters> databaseBefore = DatabaseWork.read(config);
        boolean statements = StatementWork.reset(config);
        long started = System.nanoTime();
        Confirmations confirmations = new Confirmations(run, reservations, posted, stack.mailJournal());
        // The watcher gets its own thread. On the common pool (one thread on a two-core machine) it held the pool for
        // the whole run, and the HTTP client's completions queued behind it: the posts stalled until the drain timeout.
        java.util.concurrent.ExecutorService watcher = java.util.concurrent.Executors.newSingleThreadExecutor(
                runnable -> new Thread(runnable, "bench-mail-journal"));
        CompletableFuture<Void> watching = CompletableFuture.runAsync(() -> confirmations.await(drainTimeout), watcher);
        watcher.shutdown();
        int late = 0;
        for (int i = 0; i < reservations; i++) {
            int index = i;
            if (ratePerSecond > 0) {
                long due = started + (long) (i * 1e9 / ratePerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            inFlight.acquireUninterruptibly();
            if (ratePerSecond > 0 && System.nanoTime() - (started + (long) (i * 1e9 / ratePerSecond)) > 100_000_000L) {
                late++;
            }
            postedAt[index] = Instant.now();
            posted.incrementAndGet();
            long sent = System.nanoTime();
            calls.add(post(message(reservationId(run, index), arrival.plusDays(index % 30), guest(run, index)))
                    .handle((response, failure) -> {
                        acceptMicros[index] = (System.nanoTime() - sent) / 1_000;
                        if (failure != null || response.statusCode() != 200 || !response.body().contains("<Success")) {
                            synchronized (rejected) {
                                rejected[0]++;
                            }
                            confirmations.rejected.add(index);
                        }
                        inFlight.release();
                        return null;
                    }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        double acceptSeconds = (System.nanoTime() - started) / 1e9;
        if (ratePerSecond > 0) {
            out.printf("paced at %.1f bookings/s: %d of %d POSTs left more than 100 ms after their planned instant%n",
                    ratePerSecond, late, reservations);
        }
        watching.join();
        double windowSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> cpuAfter = cpuTicksPerPart();
        Map<String, Long> postgresAfter = postgresTicksByDatabase();
        Map<String, DatabaseWork.Counters> databaseAfter = DatabaseWork.read(config);
        List<StatementWork.Entry> topStatements = statements ? StatementWork.top(config, 25) : List.of();
        Map<String, Long> committedAfter = ConsumerLag.committedTotals(config.kafkaBootstrapServers());
        // Only now, outside the measured window, ask the journey when it planned each booking: reading them while the
        // bookings flowed made the bench's own API calls a fifth of the journey's CPU.
        confirmations.readSchedules();
        if (confirmations.sentAt.size() < reservations) {
            out.printf("warning: only %d of %d confirmations were sent within %d s%n", confirmations.sentAt.size(), reservations,
                    drainTimeout.toSeconds());
        }

        long[] confirmationMillis = new long[confirmations.sentAt.size()];
        Instant lastSent = Instant.MIN;
        int k = 0;
        for (Map.Entry<Integer, Instant> entry : confirmations.sentAt.entrySet()) {
            confirmationMillis[k++] = Duration.between(postedAt[entry.getKey()], entry.getValue()).toMillis();
            lastSent = entry.getValue().isAfter(lastSent) ? entry.getValue() : lastSent;
        }
        long[] scheduleMillis = confirmations.scheduledAt.entrySet().stream()
                .mapToLong(e -> Duration.between(postedAt[e.getKey()], e.getValue()).toMillis()).toArray();
        double drainSeconds = confirmations.sentAt.isEmpty() ? 0 : Duration.between(postedAt[0], lastSent).toMillis() / 1000.0;

        Map<String, Long> consumed = new TreeMap<>();
        committedAfter.forEach((group, total) -> consumed.put(group, total - committedBefore.getOrDefault(group, 0L)));
        Map<String, Long> lagAfter = new TreeMap<>();
        for (ConsumerLag.GroupLag lag : ConsumerLag.read(config.kafkaBootstrapServers())) {
            lagAfter.merge(lag.group(), Math.max(0, lag.lag()), Long::sum);
        }
        Map<String, Double> cpuMillis = StackCpu.millisBetween(cpuBefore, cpuAfter);

        // PostgreSQL's CPU by the database its backends serve (the table's "CPU postgres" is all of them together).
        postgresAfter.forEach((role, ticks) -> {
            double millis = ProcessCpu.ticksToMillis(ticks - postgresBefore.getOrDefault(role, 0L));
            if (millis > 0) {
                out.printf("CPU postgres, %-28s %6.2f ms/booking%n", role, millis / reservations);
            }
        });
        if (statements) {
            StatementWork.lines(topStatements, reservations, 110).forEach(out::println);
        }
        out.println("Measuring the raw ceilings of Kafka, PostgreSQL and the mail catcher (a few seconds each) ...");
        List<RawCeilings.Ceiling> ceilings = new Ceilings(config, javaExecutable()).measure();
        return new Result(reservations, concurrency, acceptSeconds, acceptMicros, confirmationMillis, drainSeconds, rejected[0],
                scheduleMillis, consumed, lagAfter, cpuMillis, windowSeconds, stack.durability(), ceilings,
                DatabaseWork.delta(databaseBefore, databaseAfter));
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private Map<String, Long> postgresTicksByDatabase() {
        return StackCpu.postgresTicksByDatabase(stack);
    }

    private Map<String, Long> cpuTicksPerPart() {
        return StackCpu.ticksPerPart(stack);
    }

    static final String BENCH_CLIENT = StackCpu.BENCH_CLIENT;

    void print(Result result) {
        Runtime runtime = Runtime.getRuntime();
        out.printf("machine: %d cores, %.1f GiB, %s %s, Java %s%n", runtime.availableProcessors(),
                totalMemoryGiB(), System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"));
        out.printf("reservations: %d, concurrency: %d, rejected: %d%n", result.reservations(), result.concurrency(), result.rejected());
        out.printf("connector accept: %.1f messages/s (%d in %.2f s)%n", result.reservations() / result.acceptSeconds(),
                result.reservations(), result.acceptSeconds());
        out.printf("connector accept latency ms: p50 %.1f, p95 %.1f, p99 %.1f, max %.1f%n",
                percentile(result.acceptLatencyMicros(), 50) / 1000.0, percentile(result.acceptLatencyMicros(), 95) / 1000.0,
                percentile(result.acceptLatencyMicros(), 99) / 1000.0, percentile(result.acceptLatencyMicros(), 100) / 1000.0);
        out.printf("confirmations sent: %d of %d; POST to SMTP hand-off ms: p50 %d, p95 %d, p99 %d, max %d%n",
                result.confirmationLatencyMillis().length, result.reservations(),
                percentile(result.confirmationLatencyMillis(), 50), percentile(result.confirmationLatencyMillis(), 95),
                percentile(result.confirmationLatencyMillis(), 99), percentile(result.confirmationLatencyMillis(), 100));
        out.printf("pipeline drained in %.2f s (first POST to last confirmation): %.1f confirmations/s%n",
                result.drainSeconds(), result.confirmationLatencyMillis().length / Math.max(0.001, result.drainSeconds()));
        out.printf("POST to schedule committed ms (journey's confirmation created): p50 %d, p95 %d, p99 %d, max %d (%d measured)%n",
                percentile(result.scheduleLatencyMillis(), 50), percentile(result.scheduleLatencyMillis(), 95),
                percentile(result.scheduleLatencyMillis(), 99), percentile(result.scheduleLatencyMillis(), 100),
                result.scheduleLatencyMillis().length);
        out.println("PostgreSQL durability: " + result.durability());
        out.println();
        for (String line : table(result)) {
            out.println(line);
        }
    }

    /** The run's per-service and per-process figures and the raw ceilings, as one table. */
    static List<String> table(Result result) {
        List<String[]> rows = new ArrayList<>();
        double window = Math.max(0.001, result.windowSeconds());
        for (Map.Entry<String, Long> consumed : result.consumedPerGroup().entrySet()) {
            rows.add(new String[] { "consumed by group " + consumed.getKey(), String.format("%.1f", consumed.getValue() / window),
                    "events/s", consumed.getValue() + " events in " + String.format("%.1f s", window) + ", lag after "
                            + result.lagAfter().getOrDefault(consumed.getKey(), 0L) });
        }
        double totalCpu = 0;
        for (Map.Entry<String, Double> cpu : result.cpuMillisPerPart().entrySet()) {
            totalCpu += cpu.getValue();
            rows.add(new String[] { "CPU " + cpu.getKey(), String.format("%.2f", cpu.getValue() / result.reservations()),
                    "ms/booking", String.format("%.1f s CPU in %.1f s", cpu.getValue() / 1000, window) });
        }
        rows.add(new String[] { "CPU all parts + bench client", String.format("%.2f", totalCpu / result.reservations()),
                "ms/booking", String.format("%.1f s CPU in %.1f s = %.2f cores busy", totalCpu / 1000, window, totalCpu / 1000 / window) });
        double bookings = Math.max(1, result.reservations());
        long commits = 0;
        for (Map.Entry<String, DatabaseWork.Counters> work : result.databaseWork().entrySet()) {
            DatabaseWork.Counters c = work.getValue();
            commits += c.commits();
            rows.add(new String[] { "PostgreSQL database " + work.getKey(), String.format("%.2f", c.commits() / bookings),
                    "commits/booking", String.format("%.1f rows written (%.1f ins, %.1f upd, %.1f del), %.1f read, %d rollbacks",
                            c.written() / bookings, c.inserted() / bookings, c.updated() / bookings, c.deleted() / bookings,
                            c.fetched() / bookings, c.rollbacks()) });
        }
        if (!result.databaseWork().isEmpty()) {
            rows.add(new String[] { "PostgreSQL all service databases", String.format("%.2f", commits / bookings),
                    "commits/booking", String.format("%.0f commits/s over the window", commits / window) });
        }
        for (RawCeilings.Ceiling ceiling : result.ceilings()) {
            rows.add(new String[] { "ceiling: " + ceiling.what(),
                    Double.isNaN(ceiling.perSecond()) ? "-" : String.format("%.0f", ceiling.perSecond()), ceiling.unit(), ceiling.how() });
        }
        int[] widths = new int[3];
        String[] header = { "FIGURE", "VALUE", "UNIT", "DETAIL" };
        for (String[] row : rows) {
            for (int i = 0; i < 3; i++) {
                widths[i] = Math.max(widths[i], Math.max(row[i].length(), header[i].length()));
            }
        }
        List<String> lines = new ArrayList<>();
        String format = "%-" + widths[0] + "s  %" + widths[1] + "s  %-" + widths[2] + "s  %s";
        lines.add(String.format(format, (Object[]) header));
        for (String[] row : rows) {
            lines.add(String.format(format, (Object[]) row));
        }
        return lines;
    }

    private static double totalMemoryGiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
        }
        return Double.NaN;
    }

    static long percentile(long[] values, int percentile) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * Watches the mail catcher's journal for the run's confirmations while the POSTs go on (each booking has its own
     * guest address, and the only mail a booking 40-70 days ahead gets now is its confirmation): the SMTP hand-off is
     * the instant the catcher journaled the mail, before it answered 250. Nothing in the stack is asked while the
     * bookings flow; {@link #readSchedules()} asks the journey afterwards when it planned each one.
     */
    private final class Confirmations {
        final Map<Integer, Instant> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<Integer, Instant> scheduledAt = new java.util.concurrent.ConcurrentHashMap<>();
        /** Reservations the connector did not accept: no confirmation to wait for. */
        final Set<Integer> rejected = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final String run;
        private final int reservations;
        private final AtomicInteger posted;
        private final Path journal;
        private final Map<String, Integer> indexByRecipient = new java.util.HashMap<>();

        Confirmations(String run, int reservations, AtomicInteger posted, Path journal) {
            this.run = run;
            this.reservations = reservations;
            this.posted = posted;
            this.journal = journal;
            for (int i = 0; i < reservations; i++) {
                indexByRecipient.put(MailJournal.recipientHash(guest(run, i) + "@bench.example"), i);
            }
        }

        void await(Duration timeout) {
            Instant deadline = Instant.now().plus(timeout);
            long position = journalLength();
            StringBuilder partial = new StringBuilder();
            while (Instant.now().isBefore(deadline)) {
                position = readJournal(position, partial);
                if (posted.get() >= reservations && sentAt.size() + rejected.size() >= reservations) {
                    return;
                }
                DetachedProcess.pause(Duration.ofMillis(100));
            }
        }

        /** Reads what the journal gained since {@code position}; a line not yet complete waits in {@code partial}. */
        private long readJournal(long position, StringBuilder partial) {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(journal,
                    java.nio.file.StandardOpenOption.READ)) {
                long size = channel.size();
                if (size <= position) {
                    return size < position ? 0 : position;
                }
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size - position, 8 << 20));
                int read = channel.read(buffer, position);
                partial.append(new String(buffer.array(), 0, Math.max(0, read), java.nio.charset.StandardCharsets.UTF_8));
                int newline;
                while ((newline = partial.indexOf("\n")) >= 0) {
                    accept(partial.substring(0, newline));
                    partial.delete(0, newline + 1);
                }
                return position + Math.max(0, read);
            } catch (java.nio.file.NoSuchFileException e) {
                return 0;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private void accept(String line) {
            String[] fields = line.split("\t");
            if (fields.length != 4) {
                return;
            }
            Integer index = indexByRecipient.get(fields[3]);
            if (index != null) {
                try {
                    sentAt.putIfAbsent(index, Instant.ofEpochMilli(Long.parseLong(fields[0])));
                } catch (NumberFormatException e) {
                    // a torn line: not a delivery
                }
            }
        }

        private long journalLength() {
            try {
                return java.nio.file.Files.isRegularFile(journal) ? java.nio.file.Files.size(journal) : 0;
            } catch (IOException e) {
                return 0;
            }
        }

        /**
         * After the run: when the journey planned each confirmed booking (the confirmation's createdAt, committed with
         * the schedule), eight requests in flight.
         */
        void readSchedules() {
            List<Integer> indexes = new ArrayList<>(sentAt.keySet());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<?>> reads = new ArrayList<>();
                for (int index : indexes) {
                    reads.add(pool.submit(() -> readSchedule(index)));
                }
                for (java.util.concurrent.Future<?> read : reads) {
                    read.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("Interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new StackException("Reading the journey's schedules failed: " + e.getCause(), e);
            } finally {
                pool.shutdownNow();
            }
        }

        private void readSchedule(int index) {
            Optional<JsonNode> communications = communications(reservationId(run, index));
            if (communications.isEmpty()) {
                return;
            }
            Instant created = null;
            Instant firstPendingUpdate = null;
            for (JsonNode communication : communications.get()) {
                String status = communication.path("status").asText();
                if ("CONFIRMATION".equals(communication.path("step").asText())) {
                    created = instant(communication.path("createdAt"));
                } else if ("SCHEDULED".equals(status) || "RESCHEDULED".equals(status)) {
                    Instant updated = instant(communication.path("updatedAt"));
                    if (updated != null && (firstPendingUpdate == null || updated.isBefore(firstPendingUpdate))) {
                        firstPendingUpdate = updated;
                    }
                }
            }
            // The confirmation's createdAt is when the journey planned the booking (committed with it). Without that
            // field, a later step still pending carries the same instant as its last update.
            Instant scheduled = created != null ? created : firstPendingUpdate;
            if (scheduled != null) {
                scheduledAt.put(index, scheduled);
            }
        }
    }

    private static Instant instant(JsonNode node) {
        if (node.isMissingNode() || node.isNull() || node.asText().isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(node.asText());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private Optional<JsonNode> communications(String reservationId) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                    + config.port(StackConfig.Port.JOURNEY) + "/api/v1/reservations/demo/BENCH1/" + reservationId + "/communications"))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }

    private static String guest(String run, int index) {
        return "guest-" + run + "-" + index;
    }

    private static String reservationId(String run, int index) {
        return "BENCH-" + run + "-" + index;
    }

    /** POSTs so far: with several connector processes (CRM_REPLICAS) each booking goes to the next, in turn. */
    private final AtomicInteger posts = new AtomicInteger();

    private CompletableFuture<HttpResponse<String>> post(String body) {
        int replica = 1 + Math.floorMod(posts.getAndIncrement(), config.replicas());
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + config.port(StackConfig.Port.CONNECTOR, replica)
                        + "/api/v1/feeds/demo-ota/ota"))
                .header("Content-Type", "application/xml")
                .header("Authorization", "Bearer demo")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A new booking in the shape of OTA_HotelResNotifRQ (written for the benchmark; synthetic guest data). */
    static String message(String reservationId, LocalDate arrival, String guest) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <OTA_HotelResNotifRQ xmlns="http://www.opentravel.org/OTA/2003/05" EchoToken="%1$s" TimeStamp="%2$s" Version="1.003" ResStatus="Commit">
                  <HotelReservations>
                    <HotelReservation CreateDateTime="%2$s">
                      <RoomStays>
                        <RoomStay>
                          <RoomTypes><RoomType RoomTypeCode="DBL"/></RoomTypes>
                          <RatePlans><RatePlan RatePlanCode="BAR"/></RatePlans>
                          <GuestCounts><GuestCount AgeQualifyingCode="10" Count="2"/></GuestCounts>
                          <TimeSpan Start="%3$s" End="%4$s"/>
                          <Total AmountAfterTax="420.00" CurrencyCode="EUR"/>
                          <BasicPropertyInfo HotelCode="BENCH1" HotelName="Benchmark Hotel"/>
                        </RoomStay>
                      </RoomStays>
                      <ResGuests>
                        <ResGuest>
                          <Profiles><ProfileInfo><Profile ProfileType="1"><Customer>
                            <PersonName><GivenName>Bench</GivenName><Surname>%5$s</Surname></PersonName>
                            <Email>%5$s@bench.example</Email>
                          </Customer></Profile></ProfileInfo></Profiles>
                        </ResGuest>
                      </ResGuests>
                      <ResGlobalInfo>
                        <HotelReservationIDs><HotelReservationID ResID_Type="14" ResID_Value="%1$s"/></HotelReservationIDs>
                      </ResGlobalInfo>
                    </HotelReservation>
                  </HotelReservations>
                </OTA_HotelResNotifRQ>
                """.formatted(reservationId, Instant.now(), arrival, arrival.plusDays(3), guest);
    }

    private void requireHealthy() {
        for (StackConfig.Port port : List.of(StackConfig.Port.CONNECTOR, StackConfig.Port.JOURNEY)) {
            String problem = HealthChecks.http("http://localhost:" + config.port(port) + "/q/health/ready");
            if (problem != null) {
                throw new StackException("The stack is not up (" + problem + "): run ./crm up first");
            }
        }
    }
}
