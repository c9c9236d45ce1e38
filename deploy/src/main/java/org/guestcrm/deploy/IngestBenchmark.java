package org.guestcrm.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.guestcrm.simulator.PmsSimulator;
import org.guestcrm.simulator.SimulatedCustomer;
import org.guestcrm.simulator.SimulatedReservation;
import org.guestcrm.testsupport.RawCeilings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code ./crm bench-ingest [N [C]]}: the connector's intake per delivery mode, on a running local stack. For each mode
 * it delivers N new reservations the way a PMS of that kind does, and watches {@code pms.reservations} (a plain Kafka
 * consumer reading record keys, {@code tenant:hotel:reservation}, and the records' timestamps, i.e. when the outbox
 * relay produced them) until every one of them is there. Modes, one after the other, each started on a pipeline whose
 * consumers have caught up with the mode before:
 * <ul>
 * <li>{@code ota}: {@code OTA_HotelResNotifRQ} pushes to {@code demo-ota}, C in flight;</li>
 * <li>{@code json}: canonical JSON pushes to {@code demo-json}, C in flight;</li>
 * <li>{@code json-batch}: the batch endpoint, 100 reservations per request, C requests in flight;</li>
 * <li>{@code webhook}: the stack's simulated PMS (apaleo shape) takes the booking and sends its thin webhook; the
 * connector answers and fetches the reservation from the simulator's API (C bookings in flight at the PMS);</li>
 * <li>{@code poll}: a simulated PMS without webhooks, in this JVM, polled by a feed created for the run (interval 1 s)
 * and deleted after it; all N reservations are put at the PMS at once;</li>
 * <li>{@code export}: one daily export file (CSV) of N rows uploaded to {@code demo-export};</li>
 * <li>{@code import}: one NDJSON history import of N lines on {@code demo-json} (history: no guest mail follows).</li>
 * </ul>
 * Per mode it prints: the door (events accepted per second from the first request to the last answer, and the answers'
 * latency), the way to Kafka (first request to the last record: events/s; per reservation, from its request to its
 * record's timestamp: p50/p99/max), the connector's CPU per event over the mode's window and the events not seen.
 * Downstream services consume the same events meanwhile (and mail the push modes' bookings), as on any stack.
 */
final class IngestBenchmark {

    static final List<String> MODES = List.of("ota", "json", "json-batch", "webhook", "poll", "export", "import");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "demo";
    private static final String JSON_HOTEL = ScenarioRun.JSON_HOTEL;
    private static final String OTA_HOTEL = "BENCH1";
    private static final String POLLED_HOTEL = "ING-POLL";
    private static final String EXPORT_HOTEL = "ING-EXPORT";
    private static final int BATCH = 100;

    private final LocalStack stack;
    private final StackConfig config;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private String token;

    IngestBenchmark(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.config = stack.config();
        this.out = out;
    }

    /**
     * One mode's figures.
     *
     * @param doorLatencyMicros latency of each answer at the connector's door (one per request; none for the PMS-driven
     *                          modes, whose door is the PMS's)
     * @param kafkaLatencyMillis per reservation seen: its request (or the put at the PMS) to its record's timestamp
     */
    record ModeResult(String mode, int events, int requests, double doorSeconds, long[] doorLatencyMicros, int refused,
            int throttled, double kafkaSeconds, long[] kafkaLatencyMillis, double connectorCpuMillis, String note) {

        int seen() {
            return kafkaLatencyMillis.length;
        }
    }

    List<ModeResult> run(int events, int concurrency, List<String> modes) {
        String problem = HealthChecks.http("http://localhost:" + config.port(StackConfig.Port.CONNECTOR) + "/q/health/ready");
        if (problem != null) {
            throw new StackException("The stack is not up (" + problem + "): run ./crm up first");
        }
        token = stack.adminToken(Duration.ofHours(2));
        // Warm-up, not measured: one push per push feed, so the first mode does not pay for class loading, the first
        // schema look-ups and the JIT of the intake alone.
        http.sendAsync(otaRequest("ING-" + run + "-warmup-0", 0), HttpResponse.BodyHandlers.discarding()).join();
        http.sendAsync(jsonRequest("/reservations", reservation("ING-" + run + "-warmup-1", 1).toString()),
                HttpResponse.BodyHandlers.discarding()).join();
        List<ModeResult> results = new ArrayList<>();
        try (Watcher watcher = new Watcher()) {
            for (String mode : modes) {
                waitForQuietPipeline(Duration.ofMinutes(5));
                out.printf("bench-ingest %s: %s, %d reservations ...%n", run, mode, events);
                ModeResult result = runMode(mode, events, concurrency, watcher);
                results.add(result);
                out.println("  " + line(result));
            }
        }
        return results;
    }

    private ModeResult runMode(String mode, int events, int concurrency, Watcher watcher) {
        String prefix = "ING-" + run + "-" + mode + "-";
        Instant[] startedAt = new Instant[events];
        Map<Integer, Instant> seen = watcher.watch(prefix);
        long cpuBefore = connectorTicks();
        long started = System.nanoTime();
        Door door = switch (mode) {
            case "ota" -> push(events, concurrency, startedAt, i -> otaRequest(prefix + i, i), 1, true);
            case "json" -> push(events, concurrency, startedAt, i -> jsonRequest("/reservations", reservation(prefix + i, i).toString()), 1,
                    false);
            case "json-batch" -> push((events + BATCH - 1) / BATCH, concurrency, startedAt, b -> {
                StringBuilder body = new StringBuilder("[");
                for (int i = b * BATCH; i < Math.min(events, (b + 1) * BATCH); i++) {
                    body.append(i > b * BATCH ? "," : "").append(reservation(prefix + i, i));
                }
                return jsonRequest("/reservations/batch", body.append(']').toString());
            }, BATCH, false);
            case "webhook" -> webhooks(events, concurrency, startedAt, prefix);
            case "poll" -> null;
            case "export" -> export(events, startedAt, prefix);
            case "import" -> history(events, startedAt, prefix);
            default -> throw new StackException("Unknown mode " + mode + " (modes: " + String.join(", ", MODES) + ")");
        };
        PmsSimulator polled = null;
        String pollFeed = "ing-poll-" + run;
        if (door == null) {
            polled = startPolledPms(pollFeed);
            door = poll(polled, events, startedAt, prefix);
        }
        Duration patience = Duration.ofMinutes(2).plusMillis(20L * events);
        Instant deadline = Instant.now().plus(patience);
        while (seen.size() < events && Instant.now().isBefore(deadline)) {
            DetachedProcess.pause(Duration.ofMillis(100));
        }
        double kafkaSeconds = (System.nanoTime() - started) / 1e9;
        double cpu = ProcessCpu.ticksToMillis(connectorTicks() - cpuBefore);
        if (polled != null) {
            String problem = admin().stopPolledPms(pollFeed, polled);
            if (problem != null) {
                out.println("  (" + problem + ")");
            }
        }
        door.cleanUp.run();
        watcher.forget(prefix);
        long[] kafkaMillis = seen.entrySet().stream()
                .mapToLong(e -> Math.max(0, Duration.between(startedAt[e.getKey()], e.getValue()).toMillis())).toArray();
        // The way to Kafka ends with the last record seen, not with the patience spent waiting for one that never came.
        Instant last = seen.values().stream().max(Instant::compareTo).orElse(null);
        if (last != null) {
            kafkaSeconds = Math.max(0.001, Duration.between(startedAt[0], last).toMillis() / 1000.0);
        }
        if (!door.refusals.isEmpty()) {
            door.note = (door.note.isEmpty() ? "" : door.note + "; ") + "refused: " + door.refusals;
        }
        return new ModeResult(mode, events, door.requests, door.seconds, door.latencyMicros, door.refused.get(),
                door.throttled.get(), kafkaSeconds, kafkaMillis, cpu, door.note);
    }

    /** The door of one mode: requests made, their latency, and what was refused. */
    private static final class Door {
        int requests;
        double seconds;
        long[] latencyMicros = new long[0];
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger throttled = new AtomicInteger();
        /** What refused answers said: HTTP status (or the failure's class) and how often. */
        final Map<String, Integer> refusals = new java.util.concurrent.ConcurrentSkipListMap<>();
        String note = "";
        /** What to undo once the mode's events are on Kafka (a feed made for the run). */
        Runnable cleanUp = () -> { };
    }

    /**
     * {@code requests} requests, {@code concurrency} in flight; request r carries events r*perRequest .. ; a 429 is
     * retried after its Retry-After, as a PMS does (and counted).
     */
    private Door push(int requests, int concurrency, Instant[] startedAt, IntFunction<HttpRequest> request, int perRequest,
            boolean ota) {
        Door door = new Door();
        door.requests = requests;
        door.latencyMicros = new long[requests];
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        for (int r = 0; r < requests; r++) {
            int index = r;
            inFlight.acquireUninterruptibly();
            Instant now = Instant.now();
            for (int i = r * perRequest; i < Math.min(startedAt.length, (r + 1) * perRequest); i++) {
                startedAt[i] = now;
            }
            sendWithRetry(request.apply(index), System.nanoTime(), door, ota, index, () -> {
                done.incrementAndGet();
                inFlight.release();
            });
        }
        inFlight.acquireUninterruptibly(concurrency);
        door.seconds = (System.nanoTime() - started) / 1e9;
        return door;
    }

    private void sendWithRetry(HttpRequest request, long sent, Door door, boolean ota, int index, Runnable finished) {
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() == 429) {
                door.throttled.incrementAndGet();
                long wait = response.headers().firstValueAsLong("Retry-After").orElse(1);
                DetachedProcess.pause(Duration.ofSeconds(Math.max(1, wait)));
                sendWithRetry(request, sent, door, ota, index, finished);
                return;
            }
            door.latencyMicros[index] = (System.nanoTime() - sent) / 1_000;
            boolean accepted = failure == null && (ota ? response.statusCode() == 200 && response.body().contains("<Success")
                    : response.statusCode() == 202 || response.statusCode() == 200);
            if (!accepted) {
                door.refused.incrementAndGet();
                door.refusals.merge(failure != null ? failure.getClass().getSimpleName() : "HTTP " + response.statusCode(), 1,
                        Integer::sum);
            }
            finished.run();
        });
    }

    private HttpRequest otaRequest(String id, int i) {
        return HttpRequest.newBuilder(connectorUri("/api/v1/feeds/demo-ota/ota"))
                .header("Content-Type", "application/xml").header("Authorization", "Bearer demo")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(PipelineBenchmark.message(id, arrival(i), "ingest-" + id.toLowerCase(Locale.ROOT))))
                .build();
    }

    private HttpRequest jsonRequest(String path, String body) {
        return HttpRequest.newBuilder(connectorUri("/api/v1/feeds/demo-json" + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer demo")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static LocalDate arrival(int i) {
        return LocalDate.now().plusDays(40 + i % 30);
    }

    /** A canonical reservation (synthetic guest), the body of the JSON push, a batch item and an NDJSON line. */
    private static ObjectNode reservation(String id, int i) {
        ObjectNode root = JSON.createObjectNode();
        root.put("hotelCode", JSON_HOTEL).put("pmsReservationId", id).put("status", "CONFIRMED").put("changeType", "CREATED")
                .put("arrival", arrival(i).toString()).put("departure", arrival(i).plusDays(3).toString())
                .put("pmsSequence", 1).put("pmsModifiedAt", Instant.now().toString());
        root.putObject("totalAmount").put("amount", 380.00).put("currency", "EUR");
        ObjectNode guest = root.putArray("guests").addObject();
        guest.put("pmsProfileId", id + "-P").put("primary", true).put("firstName", "Ingest").put("lastName", "Guest" + i)
                .put("language", "en");
        guest.putArray("emails").add("ingest-" + id.toLowerCase(Locale.ROOT) + "@bench.example");
        return root;
    }

    /** Bookings made at the stack's simulated apaleo PMS, which sends a thin webhook for each. */
    private Door webhooks(int events, int concurrency, Instant[] startedAt, String prefix) {
        Door door = new Door();
        door.requests = events;
        door.note = "door = the simulated PMS's booking API (it sends the webhook)";
        door.latencyMicros = new long[events];
        String hotel = DemoPms.FEEDS.get(0).hotelCode();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(concurrency);
        long started = System.nanoTime();
        try {
            List<java.util.concurrent.Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                int index = i;
                puts.add(pool.submit(() -> {
                    String id = prefix + index;
                    ObjectNode customer = JSON.createObjectNode().put("firstName", "Ingest").put("lastName", "Guest" + index)
                            .put("email", "ingest-" + id.toLowerCase(Locale.ROOT) + "@bench.example").put("languageCode", "en");
                    ObjectNode reservation = JSON.createObjectNode().put("propertyId", hotel).put("customerId", id + "-P")
                            .put("arrival", arrival(index).toString()).put("departure", arrival(index).plusDays(3).toString())
                            .put("adults", 2).put("totalGrossAmount", 420.00).put("currency", "EUR");
                    startedAt[index] = Instant.now();
                    long sent = System.nanoTime();
                    boolean ok = putSimulator("/simulator/customers/" + id + "-P", customer)
                            && putSimulator("/simulator/reservations/" + id, reservation);
                    door.latencyMicros[index] = (System.nanoTime() - sent) / 1_000;
                    if (!ok) {
                        door.refused.incrementAndGet();
                    }
                }));
            }
            for (java.util.concurrent.Future<?> put : puts) {
                put.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new StackException("Booking at the simulated PMS failed: " + e.getCause(), e);
        } finally {
            pool.shutdownNow();
        }
        door.seconds = (System.nanoTime() - started) / 1e9;
        return door;
    }

    private boolean putSimulator(String path, ObjectNode body) {
        return DemoPms.put(http, config, path, body);
    }

    /** A PMS without webhooks in this JVM and a feed polling it every second (created here, deleted after the mode). */
    private PmsSimulator startPolledPms(String feedId) {
        ConnectorAdmin.PolledPms polled = admin().startPolledPms(TENANT, feedId, POLLED_HOTEL, "Europe/Lisbon", "PT",
                "A PMS without webhooks, polled (bench-ingest " + run + ")");
        if (polled.problem() != null) {
            throw new StackException(polled.problem());
        }
        return polled.simulator();
    }

    private Door poll(PmsSimulator simulator, int events, Instant[] startedAt, String prefix) {
        Door door = new Door();
        door.note = "door = puts at the PMS in this JVM; the connector polls every 1 s";
        long started = System.nanoTime();
        for (int i = 0; i < events; i++) {
            String id = prefix + i;
            simulator.putCustomer(new SimulatedCustomer(id + "-P", null, "Ingest", "Guest" + i,
                    "ingest-" + id.toLowerCase(Locale.ROOT) + "@bench.example", null, "pt", "PT", null, null, null, null, null,
                    true, null, null));
            startedAt[i] = Instant.now();
            simulator.putReservation(SimulatedReservation.confirmed(id, POLLED_HOTEL, id + "-P", arrival(i), arrival(i).plusDays(3))
                    .withGuests(2, 0));
        }
        door.seconds = (System.nanoTime() - started) / 1e9;
        return door;
    }

    private static final String EXPORT_HEADER = "hotelCode,pmsReservationId,status,arrival,departure,pmsModifiedAt,createdAt,"
            + "totalAmount,currency,adults,pmsProfileId,firstName,lastName,birthDate,language,email,phone";

    /**
     * One export file of every reservation, uploaded to an export feed of the run's own (created here, deleted after):
     * the stack's own export feed diffs each file with its previous one, and a file without the reservations it held
     * would report them all missing from the export.
     */
    private Door export(int events, Instant[] startedAt, String prefix) {
        Door door = new Door();
        door.requests = 1;
        String feedId = "ing-export-" + run;
        ObjectNode feed = JSON.createObjectNode().put("feedId", feedId).put("deliveryMode", "CANONICAL_JSON")
                .put("pmsType", "export-only").put("description", "A PMS that only exports daily files (bench-ingest " + run + ")")
                .put("defaultCurrency", "EUR");
        feed.putArray("hotels").addObject().put("hotelCode", EXPORT_HOTEL).put("timeZone", "Europe/Lisbon").put("countryCode", "PT");
        HttpResponse<String> created = connector("POST", "/api/v1/feeds?tenant=" + TENANT, feed.toString(), "application/json");
        HttpResponse<String> mapped = created == null || created.statusCode() != 201 ? null
                : connector("PUT", "/api/v1/feeds/" + feedId + "/export-mapping",
                        JSON.createObjectNode().put("delimiter", ",").put("windowDays", 120).toString(), "application/json");
        if (mapped == null || mapped.statusCode() != 200) {
            HttpResponse<String> refused = mapped != null ? mapped : created;
            throw new StackException("The export feed could not be set up: "
                    + (refused == null ? "no answer" : refused.statusCode() + " " + refused.body()));
        }
        Instant modified = Instant.now().minusSeconds(600);
        StringBuilder csv = new StringBuilder(EXPORT_HEADER).append('\n');
        for (int i = 0; i < events; i++) {
            String id = prefix + i;
            csv.append(String.join(",", EXPORT_HOTEL, id, "CONFIRMED", arrival(i % 20).toString(),
                    arrival(i % 20).plusDays(3).toString(), modified.toString(), modified.minusSeconds(60).toString(), "380.00",
                    "EUR", "2", id + "-P", "Ingest", "Guest" + i, "1980-01-01", "en",
                    "ingest-" + id.toLowerCase(Locale.ROOT) + "@bench.example", "+351210000000")).append('\n');
        }
        long started = System.nanoTime();
        java.util.Arrays.fill(startedAt, Instant.now());
        HttpResponse<String> response = connector("POST", "/api/v1/feeds/" + feedId + "/files?exportedAt="
                + URLEncoder.encode(Instant.now().toString(), StandardCharsets.UTF_8), csv.toString(), "text/csv");
        door.seconds = (System.nanoTime() - started) / 1e9;
        door.latencyMicros = new long[] { (System.nanoTime() - started) / 1_000 };
        if (response == null || response.statusCode() != 200) {
            door.refused.incrementAndGet();
            door.note = "file refused: " + (response == null ? "no answer" : response.statusCode() + " " + response.body());
        } else {
            JsonNode answer = readJson(response.body());
            door.note = "one file; " + answer.path("rowsAccepted").asInt() + " rows accepted, " + answer.path("rowsRejected").asInt()
                    + " rejected";
        }
        door.cleanUp = () -> connector("DELETE", "/api/v1/feeds/" + feedId, null, null);
        return door;
    }

    /** One NDJSON history import on demo-json; the door is the 202, the job's own figures go in the note. */
    private Door history(int events, Instant[] startedAt, String prefix) {
        Door door = new Door();
        door.requests = 1;
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < events; i++) {
            ObjectNode line = reservation(prefix + i, i);
            LocalDate arrival = LocalDate.now().minusDays(400 - i % 300);
            line.put("status", "CHECKED_OUT").put("changeType", "CHECKED_OUT").put("arrival", arrival.toString())
                    .put("departure", arrival.plusDays(3).toString());
            ndjson.append(line).append('\n');
        }
        long started = System.nanoTime();
        java.util.Arrays.fill(startedAt, Instant.now());
        HttpResponse<String> response = connector("POST", "/api/v1/feeds/demo-json/imports", ndjson.toString(), "application/x-ndjson");
        door.latencyMicros = new long[] { (System.nanoTime() - started) / 1_000 };
        String location = response == null ? null : response.headers().firstValue("Location").orElse(null);
        if (response == null || response.statusCode() != 202 || location == null) {
            door.refused.incrementAndGet();
            door.note = "import refused: " + (response == null ? "no answer" : Integer.toString(response.statusCode()));
            door.seconds = (System.nanoTime() - started) / 1e9;
            return door;
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2).plusMillis(20L * events));
        JsonNode job = null;
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> read = connector("GET", URI.create(location).getPath(), null, null);
            job = read == null || read.statusCode() != 200 ? null : readJson(read.body());
            String state = job == null ? "" : job.path("state").asText();
            if ("DONE".equals(state) || "FAILED".equals(state)) {
                break;
            }
            DetachedProcess.pause(Duration.ofMillis(200));
        }
        door.seconds = (System.nanoTime() - started) / 1e9;
        door.note = job == null ? "job not readable" : "job " + job.path("state").asText() + ": " + job.path("rowsAccepted").asInt()
                + " rows accepted, " + job.path("rowsRejected").asInt() + " rejected; door = POST to job DONE";
        return door;
    }

    private HttpResponse<String> connector(String method, String path, String body, String contentType) {
        return admin().call(method, path, body, contentType);
    }

    private ConnectorAdmin admin() {
        return new ConnectorAdmin(http, config, token, Duration.ofSeconds(120));
    }

    private URI connectorUri(String path) {
        return URI.create("http://localhost:" + config.port(StackConfig.Port.CONNECTOR) + path);
    }

    private static JsonNode readJson(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private long connectorTicks() {
        Map<String, Long> leaders = stack.groupLeaders();
        Long leader = leaders.containsKey("pms-connector") ? leaders.get("pms-connector") : leaders.get("connector");
        return leader == null ? 0 : ProcessCpu.groupTicks(ProcessCpu.all(), leader);
    }

    /** Waits (bounded) until no consumer group has lag on pms.reservations, so a mode does not pay for the one before. */
    private void waitForQuietPipeline(Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            long lag = ConsumerLag.read(config.kafkaBootstrapServers()).stream()
                    .filter(l -> "pms.reservations".equals(l.topic())).mapToLong(l -> Math.max(0, l.lag())).sum();
            if (lag == 0) {
                return;
            }
            DetachedProcess.pause(Duration.ofSeconds(1));
        }
        out.println("  (the consumers still lag on pms.reservations; measuring anyway)");
    }

    /** Reads pms.reservations from its end at the start of the run and notes when each watched reservation appeared. */
    private final class Watcher implements AutoCloseable {
        private final Map<String, Map<Integer, Instant>> watched = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private final java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);

        Watcher() {
            thread = new Thread(this::consume, "bench-ingest-watcher");
            thread.setDaemon(true);
            thread.start();
            try {
                positioned.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        Map<Integer, Instant> watch(String prefix) {
            Map<Integer, Instant> seen = new ConcurrentHashMap<>();
            watched.put(prefix, seen);
            return seen;
        }

        void forget(String prefix) {
            watched.remove(prefix);
        }

        private void consume() {
            Properties properties = new Properties();
            properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
            properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
                List<TopicPartition> partitions = consumer.partitionsFor("pms.reservations").stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        note(record);
                    }
                }
            } catch (RuntimeException e) {
                positioned.countDown();
                if (running.get()) {
                    out.println("  (the watcher of pms.reservations stopped: " + e.getMessage() + ")");
                }
            }
        }

        private void note(ConsumerRecord<byte[], byte[]> record) {
            if (record.key() == null) {
                return;
            }
            String key = new String(record.key(), StandardCharsets.UTF_8);
            int at = key.lastIndexOf(':');
            String reservation = at < 0 ? key : key.substring(at + 1);
            int dash = reservation.lastIndexOf('-');
            if (dash < 0) {
                return;
            }
            Map<Integer, Instant> seen = watched.get(reservation.substring(0, dash + 1));
            if (seen == null) {
                return;
            }
            try {
                seen.putIfAbsent(Integer.parseInt(reservation.substring(dash + 1)), Instant.ofEpochMilli(record.timestamp()));
            } catch (NumberFormatException e) {
                // not one of ours
            }
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String line(ModeResult r) {
        long[] door = r.doorLatencyMicros();
        String doorLatency = door.length <= 1
                ? (door.length == 1 ? String.format("%.0f ms", door[0] / 1000.0) : "-")
                : String.format("p50 %.1f / p99 %.1f ms", PipelineBenchmark.percentile(door, 50) / 1000.0,
                        PipelineBenchmark.percentile(door, 99) / 1000.0);
        return String.format(Locale.ROOT,
                "%-10s door %7.1f events/s (%s; %d requests, %d refused, %d throttled)  to Kafka %7.1f events/s, p50 %d / p99 %d / max %d ms,"
                        + " %d of %d seen  connector CPU %.2f ms/event%s",
                r.mode(), r.events() / Math.max(0.001, r.doorSeconds()), doorLatency, r.requests(), r.refused(), r.throttled(),
                r.seen() / Math.max(0.001, r.kafkaSeconds()), PipelineBenchmark.percentile(r.kafkaLatencyMillis(), 50),
                PipelineBenchmark.percentile(r.kafkaLatencyMillis(), 99), PipelineBenchmark.percentile(r.kafkaLatencyMillis(), 100),
                r.seen(), r.events(), r.connectorCpuMillis() / Math.max(1, r.events()), r.note().isEmpty() ? "" : "  (" + r.note() + ")");
    }

    void print(List<ModeResult> results, boolean ceilings) {
        out.println();
        out.println("bench-ingest " + run + ": PostgreSQL durability: " + stack.durability());
        for (ModeResult result : results) {
            out.println(line(result));
        }
        if (ceilings) {
            out.println("Measuring the raw ceilings of Kafka, PostgreSQL and the mail catcher (a few seconds each) ...");
            for (RawCeilings.Ceiling ceiling : new Ceilings(config, ProcessHandle.current().info().command().orElse("java")).measure()) {
                out.printf("ceiling: %s %s %s (%s)%n", ceiling.what(),
                        Double.isNaN(ceiling.perSecond()) ? "-" : String.format("%.0f", ceiling.perSecond()), ceiling.unit(), ceiling.how());
            }
        }
    }

    /** Every mode saw all its events and none was refused at the door. */
    static boolean passed(List<ModeResult> results) {
        return results.stream().allMatch(r -> r.seen() == r.events() && r.refused() == 0);
    }
}
