package org.guestcrm.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntFunction;

import org.guestcrm.testsupport.RawCeilings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code ./crm bench-import [PROFILES [RESERVATIONS]]}: a hotel group's history (its Kardex of past profiles and the
 * past stays) imported into a running stack and deduplicated, timed from the first byte uploaded to the moment every
 * consumer has caught up. It generates PROFILES profiles of synthetic persons (every fifth a second profile of an
 * earlier person: the same e-mail in capitals, or another e-mail with the same phone and birth date, or the same e-mail
 * with a mistyped surname) and RESERVATIONS past stays of those profiles (the lead guest carries the profile's id and
 * details), as NDJSON files of at most {@value #LINES_PER_FILE} lines, each streamed to
 * {@code POST /api/v1/feeds/demo-json/imports} (profiles first) while it is generated: nothing is held whole, here or
 * in the connector. Then it waits for every import job to be DONE (its rows on Kafka), for the profile-service's two
 * intakes (pms.profiles, pms.reservations) to have no lag (deduplicated), and for every consumer group to have none
 * (settled). It prints the phases' rates, the CPU per imported row of every part, what each service database did, the
 * golden records' pairwise precision, recall and F1 against the generator's truth (read back through
 * {@code GET /api/v1/guests/export}), the mails of the window (history never mails: a sample of the reservations'
 * communications is read back too) and the raw ceilings of the same servers. It passes (exit 0) when every row is
 * accepted, every group catches up within the patience, every profile is one of the tenant's guests' sources and no
 * sampled reservation has a communication.
 */
final class HistoryImportBench {

    static final int LINES_PER_FILE = 200_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "demo";
    private static final String FEED = "demo-json";
    private static final String HOTEL = ScenarioRun.JSON_HOTEL;
    private static final int SAMPLED_RESERVATIONS = 50;
    private static final String[] FIRST = {"Amelie", "Bastian", "Carla", "Dario", "Emma", "Florin", "Gaia", "Henrik",
        "Ilse", "Joel", "Kira", "Lorenz", "Maren", "Nils", "Ottavia", "Pia", "Quentin", "Rania", "Sven", "Tilda"};
    private static final String[] LAST = {"Albrecht", "Bianchi", "Carvalho", "Duarte", "Eriksen", "Fontaine", "Gruber",
        "Hansen", "Iglesias", "Janssen", "Krause", "Lindqvist", "Marino", "Nowak", "Oliveira", "Peters"};

    private final LocalStack stack;
    private final StackConfig config;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private String token;

    HistoryImportBench(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.config = stack.config();
        this.out = out;
    }

    /** One import job as the connector reported it when it was done. */
    record Job(String kind, int lines, String state, int accepted, int rejected, int unchanged, long events, double uploadSeconds) {
    }

    /**
     * The run's figures. Seconds are from the first byte uploaded; a phase that did not end within the patience is
     * {@code NaN}.
     */
    record Result(int profiles, int reservations, List<Job> jobs, double uploadedSeconds, double importedSeconds,
            double deduplicatedSeconds, double settledSeconds, Map<String, Double> cpuMillisPerPart,
            Map<String, DatabaseWork.Counters> databaseWork, Map<String, Long> consumedPerGroup, Quality quality, int mailsInWindow, int sampledWithCommunications,
            int sampled, String durability, List<RawCeilings.Ceiling> ceilings, List<String> problems) {

        boolean passed() {
            return problems.isEmpty();
        }

        int rows() {
            return profiles + reservations;
        }
    }

    /** The golden records against the generator's persons, over the run's source profiles. */
    record Quality(long sourcesFound, long guests, long truePairs, long predictedPairs, long correctPairs) {

        double precision() {
            return predictedPairs == 0 ? 1.0 : (double) correctPairs / predictedPairs;
        }

        double recall() {
            return truePairs == 0 ? 1.0 : (double) correctPairs / truePairs;
        }

        double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    Result run(int profiles, int reservations, Duration patience) {
        String problem = HealthChecks.http(url(StackConfig.Port.CONNECTOR, "/q/health/ready"));
        if (problem != null) {
            throw new StackException("The stack is not up (" + problem + "): run ./crm up first");
        }
        token = stack.adminToken(Duration.ofHours(4));
        List<String> problems = new ArrayList<>();
        out.printf("bench-import %s: %,d profiles and %,d past stays of %,d persons, files of at most %,d lines, feed %s%n",
                run, profiles, reservations, persons(profiles), LINES_PER_FILE, FEED);
        if (!waitForNoLag(Duration.ofMinutes(5), false)) {
            out.println("  (some consumer group still lags after 5 min; measuring anyway: the settled time includes it)");
        }

        Map<String, Long> committedBefore = ConsumerLag.committedTotals(config.kafkaBootstrapServers());
        Map<String, Long> cpuBefore = StackCpu.ticksPerPart(stack);
        Map<String, DatabaseWork.Counters> databaseBefore = DatabaseWork.read(config);
        int mailsBefore = MailJournal.read(stack.mailJournal()).size();
        long started = System.nanoTime();
        Instant deadline = Instant.now().plus(patience);

        List<String> locations = new ArrayList<>();
        List<Job> uploads = new ArrayList<>();
        upload("profiles", profiles, this::profileLine, locations, uploads, problems);
        upload("stays", reservations, this::reservationLine, locations, uploads, problems);
        double uploadedSeconds = seconds(started);

        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < locations.size(); i++) {
            Job job = awaitJob(locations.get(i), uploads.get(i), deadline);
            jobs.add(job);
            if (!"DONE".equals(job.state()) || job.accepted() + job.unchanged() != job.lines() || job.rejected() != 0) {
                problems.add(job.kind() + " job " + job.state() + ": " + job.accepted() + " of " + job.lines() + " accepted, "
                        + job.rejected() + " rejected");
            }
        }
        double importedSeconds = seconds(started);
        out.printf("  imported (every job DONE) after %.1f s%n", importedSeconds);
        double deduplicatedSeconds = waitForNoLag(Duration.between(Instant.now(), deadline), true)
                ? seconds(started) : Double.NaN;
        out.printf("  deduplicated (profile-service's intakes without lag) after %.1f s%n", deduplicatedSeconds);
        double settledSeconds = waitForNoLag(Duration.between(Instant.now(), deadline), false) ? seconds(started) : Double.NaN;
        out.printf("  settled (every consumer group without lag) after %.1f s%n", settledSeconds);
        if (Double.isNaN(settledSeconds)) {
            problems.add("the consumers had not caught up after " + patience.toSeconds() + " s");
        }
        Map<String, Double> cpu = StackCpu.millisBetween(cpuBefore, StackCpu.ticksPerPart(stack));
        Map<String, DatabaseWork.Counters> databaseWork = DatabaseWork.delta(databaseBefore, DatabaseWork.read(config));
        int mails = MailJournal.read(stack.mailJournal()).size() - mailsBefore;
        Map<String, Long> consumed = consumedBetween(committedBefore, ConsumerLag.committedTotals(config.kafkaBootstrapServers()));

        Quality quality = quality(profiles);
        if (quality.sourcesFound() != profiles) {
            problems.add(quality.sourcesFound() + " of " + profiles + " imported profiles are a guest's source");
        }
        int sampled = Math.min(SAMPLED_RESERVATIONS, reservations);
        int withCommunications = 0;
        for (int k = 0; k < sampled; k++) {
            int j = (int) ((long) k * reservations / sampled);
            JsonNode communications = get(StackConfig.Port.JOURNEY,
                    "/api/v1/reservations/" + TENANT + "/" + HOTEL + "/" + reservationId(j) + "/communications");
            if (communications != null && communications.size() > 0) {
                withCommunications++;
            }
        }
        if (withCommunications > 0) {
            problems.add(withCommunications + " of " + sampled + " sampled past stays have communications (history must never mail)");
        }
        out.println("Measuring the raw ceilings of Kafka, PostgreSQL and the mail catcher (a few seconds each) ...");
        List<RawCeilings.Ceiling> ceilings = new Ceilings(config, javaExecutable()).measure();
        return new Result(profiles, reservations, jobs, uploadedSeconds, importedSeconds, deduplicatedSeconds, settledSeconds,
                cpu, databaseWork, consumed, quality, mails, withCommunications, sampled, stack.durability(), ceilings, problems);
    }

    void print(Result r) {
        Runtime runtime = Runtime.getRuntime();
        out.printf("machine: %d cores, %s %s, Java %s; PostgreSQL durability: %s%n", runtime.availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"), r.durability());
        for (Job job : r.jobs()) {
            out.printf("job %-8s %,9d lines: %s, accepted %,d, unchanged %,d, rejected %,d, events %,d, uploaded in %.1f s%n",
                    job.kind(), job.lines(), job.state(), job.accepted(), job.unchanged(), job.rejected(), job.events(),
                    job.uploadSeconds());
        }
        int rows = r.rows();
        out.printf("uploaded   %,d rows in %7.1f s: %,9.0f rows/s%n", rows, r.uploadedSeconds(), rows / r.uploadedSeconds());
        out.printf("imported   %,d rows in %7.1f s: %,9.0f rows/s (first byte to every job DONE: on Kafka)%n", rows,
                r.importedSeconds(), rows / r.importedSeconds());
        out.printf("deduplicated          in %7.1f s: %,9.0f rows/s (profile-service's intakes caught up)%n",
                r.deduplicatedSeconds(), rows / r.deduplicatedSeconds());
        out.printf("settled               in %7.1f s: %,9.0f rows/s (every consumer group caught up)%n",
                r.settledSeconds(), rows / r.settledSeconds());
        Quality q = r.quality();
        out.printf("golden records: %,d of %,d profiles found in %,d guests; pairwise precision %.4f, recall %.4f, F1 %.4f"
                + " (%,d true pairs, %,d predicted, %,d correct)%n", q.sourcesFound(), r.profiles(), q.guests(), q.precision(),
                q.recall(), q.f1(), q.truePairs(), q.predictedPairs(), q.correctPairs());
        out.printf("mails in the window: %d; sampled past stays with a communication: %d of %d%n", r.mailsInWindow(),
                r.sampledWithCommunications(), r.sampled());
        r.consumedPerGroup().forEach((group, n) -> out.printf("consumed by group %-32s %,10d records%n", group, n));
        double window = Double.isNaN(r.settledSeconds()) ? Double.NaN : r.settledSeconds();
        double total = 0;
        for (Map.Entry<String, Double> part : r.cpuMillisPerPart().entrySet()) {
            total += part.getValue();
            out.printf("CPU %-30s %8.1f us/row  (%.1f s)%n", part.getKey(), part.getValue() * 1000 / rows, part.getValue() / 1000);
        }
        out.printf("CPU %-30s %8.1f us/row  (%.1f s in %.1f s = %.2f cores busy)%n", "all parts + bench client",
                total * 1000 / rows, total / 1000, window, total / 1000 / window);
        for (Map.Entry<String, DatabaseWork.Counters> work : r.databaseWork().entrySet()) {
            DatabaseWork.Counters c = work.getValue();
            out.printf("PostgreSQL database %-14s %7.3f commits/row, %6.2f rows written/row (%.2f ins, %.2f upd, %.2f del)%n",
                    work.getKey(), c.commits() / (double) rows, c.written() / (double) rows, c.inserted() / (double) rows,
                    c.updated() / (double) rows, c.deleted() / (double) rows);
        }
        for (RawCeilings.Ceiling ceiling : r.ceilings()) {
            out.println("ceiling: " + ceiling.line());
        }
        out.println(r.passed() ? "bench-import " + run + ": PASS" : "bench-import " + run + ": FAIL: " + String.join("; ", r.problems()));
    }

    // ---- the generator ---------------------------------------------------------------------------------------------

    /** Every fifth profile line is a second profile of an earlier person; the others are new persons, in order. */
    static int personOf(int line) {
        int block = line / 5;
        int offset = line % 5;
        if (offset < 4) {
            return block * 4 + offset;
        }
        return (int) Math.floorMod(block * 2_654_435_761L, block * 4L + 4);
    }

    static int persons(int profiles) {
        return profiles / 5 * 4 + Math.min(profiles % 5, 4);
    }

    private String profileId(int line) {
        return "IMP-" + run + "-P" + line;
    }

    private String reservationId(int j) {
        return "IMP-" + run + "-R" + j;
    }

    /** The guest of profile line {@code line} as the PMS holds it: the person's details, varied on a second profile. */
    private ObjectNode guest(int line) {
        int person = personOf(line);
        boolean second = line % 5 == 4;
        int variant = (line / 5) % 3;
        String first = FIRST[person % FIRST.length];
        String last = LAST[(person / FIRST.length + person) % LAST.length] + "-" + ScenarioRun.letters(person);
        String email = (first + "." + last + "@" + run + ".imp.example").toLowerCase(Locale.ROOT);
        String phone = String.format(Locale.ROOT, "+4178%07d", person % 10_000_000);
        LocalDate birth = LocalDate.of(1945 + person % 55, 1 + person % 12, 1 + person % 28);
        if (second) {
            switch (variant) {
                case 0 -> email = email.toUpperCase(Locale.ROOT);
                case 1 -> email = "work." + email;
                default -> last = last.substring(0, 1) + last.substring(2, 3) + last.substring(1, 2) + last.substring(3);
            }
        }
        ObjectNode guest = JSON.createObjectNode();
        guest.put("pmsProfileId", profileId(line)).put("primary", true).put("firstName", first).put("lastName", last)
                .put("birthDate", birth.toString()).put("language", "de");
        guest.putArray("emails").add(email);
        if (!(second && variant == 2)) {
            guest.putArray("phones").add(phone);
        }
        return guest;
    }

    private String profileLine(int line) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "profile").put("hotelCode", HOTEL).put("pmsModifiedAt", "2024-01-01T00:00:00Z");
        root.set("profile", guest(line));
        return root.toString();
    }

    /** Past stay {@code j}: of profile line {@code j % profiles}, checked out one to three years ago. */
    private int profilesForStays;

    private String reservationLine(int j) {
        int line = j % Math.max(1, profilesForStays);
        LocalDate arrival = LocalDate.of(2023, 1, 1).plusDays(j % 700);
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "reservation").put("hotelCode", HOTEL).put("pmsReservationId", reservationId(j))
                .put("status", "CHECKED_OUT").put("changeType", "CHECKED_OUT").put("arrival", arrival.toString())
                .put("departure", arrival.plusDays(1 + j % 5).toString()).put("pmsSequence", 1)
                .put("pmsModifiedAt", arrival.plusDays(6).atStartOfDay().toInstant(java.time.ZoneOffset.UTC).toString());
        root.putObject("totalAmount").put("amount", 120 + j % 900).put("currency", "EUR");
        root.putArray("guests").add(guest(line));
        return root.toString();
    }

    // ---- upload, jobs, lag -----------------------------------------------------------------------------------------

    private void upload(String kind, int lines, IntFunction<String> lineOf, List<String> locations, List<Job> uploads,
                        List<String> problems) {
        if ("profiles".equals(kind)) {
            profilesForStays = Math.max(1, lines);
        }
        for (int from = 0; from < lines; from += LINES_PER_FILE) {
            int to = Math.min(lines, from + LINES_PER_FILE);
            long started = System.nanoTime();
            int first = from;
            HttpRequest request = HttpRequest.newBuilder(URI.create(url(StackConfig.Port.CONNECTOR,
                            "/api/v1/feeds/" + FEED + "/imports")))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                    .timeout(Duration.ofMinutes(30))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new LinesStream(first, to, lineOf))).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                String location = response.headers().firstValue("Location").orElse(null);
                if (response.statusCode() != 202 || location == null) {
                    problems.add(kind + " file of lines " + from + "-" + to + " refused: " + response.statusCode() + " "
                            + abbreviate(response.body()));
                    continue;
                }
                locations.add(URI.create(location).getPath());
                uploads.add(new Job(kind, to - from, "UPLOADED", 0, 0, 0, 0, seconds(started)));
                out.printf("  uploaded %s lines %,d-%,d in %.1f s%n", kind, from, to, seconds(started));
            } catch (IOException e) {
                problems.add(kind + " file of lines " + from + "-" + to + " not uploaded: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("Interrupted while uploading", e);
            }
        }
    }

    private Job awaitJob(String path, Job upload, Instant deadline) {
        JsonNode job = null;
        while (Instant.now().isBefore(deadline)) {
            job = get(StackConfig.Port.CONNECTOR, path);
            String state = job == null ? "" : job.path("state").asText();
            if ("DONE".equals(state) || "FAILED".equals(state)) {
                break;
            }
            DetachedProcess.pause(Duration.ofMillis(500));
        }
        if (job == null) {
            return new Job(upload.kind(), upload.lines(), "UNREADABLE", 0, 0, 0, 0, upload.uploadSeconds());
        }
        return new Job(upload.kind(), upload.lines(), job.path("state").asText(), job.path("rowsAccepted").asInt(),
                job.path("rowsRejected").asInt(), job.path("rowsUnchanged").asInt(), job.path("eventsEmitted").asLong(),
                upload.uploadSeconds());
    }

    /** The profile-service's intakes of a history import: group and topic. */
    static final Map<String, String> DEDUP_INTAKES = Map.of("profile-service", "pms.profiles",
            "profile-service-stays", "pms.reservations");

    /**
     * Waits until the groups have nothing left to consume: with {@code dedupOnly} the profile-service's two intakes
     * (counted over every partition of their topic, so a group that has not committed yet is behind, not caught up);
     * otherwise those and every group's committed partitions. False at the limit.
     */
    private boolean waitForNoLag(Duration limit, boolean dedupOnly) {
        Instant deadline = Instant.now().plus(limit.isNegative() ? Duration.ZERO : limit);
        do {
            long lag = 0;
            for (Map.Entry<String, String> intake : DEDUP_INTAKES.entrySet()) {
                long behind = ConsumerLag.behind(config.kafkaBootstrapServers(), intake.getKey(), intake.getValue());
                lag += behind < 0 ? 1 : behind;
            }
            if (!dedupOnly) {
                lag += ConsumerLag.read(config.kafkaBootstrapServers()).stream().mapToLong(l -> Math.max(0, l.lag())).sum();
            }
            if (lag == 0) {
                return true;
            }
            // Each reading opens admin clients: once a second keeps the bench client's own CPU out of the figures.
            DetachedProcess.pause(Duration.ofSeconds(1));
        } while (Instant.now().isBefore(deadline));
        return false;
    }

    // ---- quality -----------------------------------------------------------------------------------------------------

    /** Reads the tenant's guests back (NDJSON export) and counts pairs over the run's profiles. */
    private Quality quality(int profiles) {
        long truePairs = 0;
        int[] profilesOfPerson = new int[Math.max(1, persons(profiles))];
        for (int line = 0; line < profiles; line++) {
            truePairs += profilesOfPerson[personOf(line)]++;
        }
        String prefix = "IMP-" + run + "-P";
        long found = 0;
        long guests = 0;
        long predicted = 0;
        long correct = 0;
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(StackConfig.Port.PROFILE, "/api/v1/guests/export?tenant=" + TENANT)))
                .header("Authorization", "Bearer " + token).header("Accept", "application/x-ndjson")
                .timeout(Duration.ofMinutes(30)).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                out.println("  guests export answered " + response.statusCode());
                response.body().close();
                return new Quality(0, 0, truePairs, 0, 0);
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String text;
                while ((text = lines.readLine()) != null) {
                    if (text.isBlank()) {
                        continue;
                    }
                    Map<Integer, Integer> perPerson = new HashMap<>();
                    int ours = 0;
                    for (JsonNode source : JSON.readTree(text).path("sources")) {
                        String id = source.path("pmsProfileId").asText();
                        if (id.startsWith(prefix)) {
                            ours++;
                            perPerson.merge(personOf(Integer.parseInt(id.substring(prefix.length()))), 1, Integer::sum);
                        }
                    }
                    if (ours == 0) {
                        continue;
                    }
                    guests++;
                    found += ours;
                    predicted += (long) ours * (ours - 1) / 2;
                    for (int n : perPerson.values()) {
                        correct += (long) n * (n - 1) / 2;
                    }
                }
            }
        } catch (IOException e) {
            out.println("  guests export failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while reading the guests export", e);
        }
        return new Quality(found, guests, truePairs, predicted, correct);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------------

    /** Lines {@code from} (inclusive) to {@code to} (exclusive) of a file, generated as they are read. */
    private static final class LinesStream extends InputStream {
        private final IntFunction<String> lineOf;
        private final int to;
        private int next;
        private byte[] buffer = new byte[0];
        private int position;

        LinesStream(int from, int to, IntFunction<String> lineOf) {
            this.next = from;
            this.to = to;
            this.lineOf = lineOf;
        }

        private boolean fill() {
            while (position >= buffer.length) {
                if (next >= to) {
                    return false;
                }
                StringBuilder chunk = new StringBuilder(64 * 1024);
                while (next < to && chunk.length() < 60 * 1024) {
                    chunk.append(lineOf.apply(next++)).append('\n');
                }
                buffer = chunk.toString().getBytes(StandardCharsets.UTF_8);
                position = 0;
            }
            return true;
        }

        @Override
        public int read() {
            return fill() ? buffer[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, buffer.length - position);
            System.arraycopy(buffer, position, target, offset, n);
            position += n;
            return n;
        }
    }

    private JsonNode get(StackConfig.Port port, String path) {
        return StaffApi.getJson(http, url(port, path), token, Duration.ofSeconds(30));
    }

    private String url(StackConfig.Port port, String path) {
        return "http://localhost:" + config.port(port) + path;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static String abbreviate(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ");
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** What each group consumed between two readings of its committed offsets (groups that consumed nothing left out). */
    static Map<String, Long> consumedBetween(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> consumed = new TreeMap<>();
        after.forEach((group, total) -> {
            long n = total - before.getOrDefault(group, 0L);
            if (n > 0) {
                consumed.put(group, n);
            }
        });
        return consumed;
    }
}
