package org.guestcrm.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.guestcrm.schemas.Topic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code ./crm chaos}: faults under load against the running local stack, then the books are checked.
 *
 * <p>While bookings go in at a steady rate through both demo feeds (OpenTravel XML and canonical JSON; some posted
 * twice, some with their modification before their creation, some moved or cancelled later), the faults run one
 * after another: each service SIGKILLed and started again, the broker restarted, every service database refusing
 * connections for ten seconds (backends terminated), the mail catcher stopped for a while. Every POST is retried until
 * the connector accepts it, as a PMS does. After the load it waits until the pipeline has caught up and checks:
 * every accepted booking has exactly one confirmation at the mail catcher (its journal on disk, by Message-ID), no
 * Message-ID twice, no reservation confirmed twice, nothing pending for a cancelled stay, no dead-letter record written
 * during the run, every consumer group's lag zero. Everything goes to localhost ports of the stack's configuration.
 */
final class ChaosRun {

    /** One fault, in the order they run. */
    enum Fault {
        KILL_CONNECTOR("connector"), KILL_PROFILE("profile"), KILL_JOURNEY("journey"), KILL_OPTOUT("optout"),
        KILL_DESK("desk"), RESTART_KAFKA("kafka"), POSTGRES_OUTAGE("postgres"), POSTGRES_PAUSE("postgres"),
        SMTP_OUTAGE("mail");

        final String part;

        Fault(String part) {
            this.part = part;
        }
    }

    static final List<Fault> ALL_FAULTS = List.of(Fault.values());

    /**
     * @param duration        how long bookings go in (at least until every fault has run)
     * @param ratePerSecond   new bookings per second (a booking is one to three POSTs)
     * @param faults          the faults, in order, spread over the duration
     * @param outage          how long PostgreSQL refuses connections and the mail catcher stays down
     * @param recoveryTimeout how long after the load the pipeline may take to catch up before the run fails
     */
    record Options(Duration duration, double ratePerSecond, List<Fault> faults, Duration outage, Duration recoveryTimeout) {
        static Options of(Duration duration, double ratePerSecond) {
            return new Options(duration, ratePerSecond, ALL_FAULTS, Duration.ofSeconds(10), Duration.ofMinutes(5));
        }
    }

    /** What a fault did: when it started (seconds into the run) and how long until the stack was healthy again. */
    record FaultRecord(Fault fault, double atSeconds, double healedSeconds, String failure, String note) {
    }

    /**
     * The run's figures.
     *
     * @param expectedConfirmations accepted bookings not cancelled, plus cancelled ones whose confirmation was sent first
     * @param sentConfirmations     distinct Message-IDs the mail catcher took for the run's guests
     * @param lost                  accepted bookings without their confirmation at the mail catcher
     * @param duplicateEffects      Message-IDs taken more than once plus reservations confirmed with several Message-IDs
     *                              plus communications of a cancelled stay still pending or sent after the cancellation
     * @param resentAfterCrash      mails taken exactly twice with one Message-ID in a run that SIGKILLed the journey: the
     *                              crash fell between the SMTP server's acceptance and the outcome's commit, and the
     *                              dispatcher sent the mail again with the Message-ID it had fixed before sending (issue 5
     *                              allows at most one more send, with the same Message-ID, and asks for them counted; a
     *                              receiving system recognises it by the Message-ID). Any other repeat is a duplicate effect.
     * @param deadLettersDuringRun  records written to each dead-letter topic during the run
     * @param lagAfter              total lag of every consumer group after recovery
     * @param recoverySeconds       last POST to the pipeline caught up (all confirmations final and mailed, lag zero)
     */
    record Result(String run, int bookings, int accepted, int rejected, int cancelled, int duplicatesPosted, int reordered,
            int moved, long posts, long retries, int expectedConfirmations, int sentConfirmations, int mails, int lost,
            int duplicateEffects, int resentAfterCrash, Map<String, Long> deadLettersDuringRun, long lagAfter, boolean caughtUp,
            double recoverySeconds, List<FaultRecord> faults, double runSeconds) {

        long deadLetters() {
            return deadLettersDuringRun.values().stream().mapToLong(Long::longValue).sum();
        }

        boolean passed() {
            return lost == 0 && duplicateEffects == 0 && deadLetters() == 0 && lagAfter == 0 && caughtUp
                    && faults.stream().allMatch(f -> f.failure() == null);
        }

        /** The one line of figures. */
        String line() {
            FaultRecord slowest = faults.stream().max(java.util.Comparator.comparingDouble(FaultRecord::healedSeconds)).orElse(null);
            String dlq = deadLettersDuringRun.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
            List<String> failedFaults = faults.stream().filter(f -> f.failure() != null).map(f -> f.fault().name()).toList();
            return String.format(java.util.Locale.ROOT,
                    "chaos %s: bookings accepted %d of %d (rejected %d, cancelled %d, posted twice %d, modification first %d,"
                            + " moved %d; %d POSTs, %d retried), confirmations expected %d, messages sent %d (Message-IDs, notices included; journal lines %d), lost %d,"
                            + " duplicate effects %d, re-sent after the journey's crash with the same Message-ID %d,"
                            + " dead letters %d [%s], lag after %d, faults %d%s (slowest %s %.1f s),"
                            + " recovery %s, run %.0f s: %s",
                    run, accepted, bookings, rejected, cancelled, duplicatesPosted, reordered, moved, posts, retries,
                    expectedConfirmations, sentConfirmations, mails, lost, duplicateEffects, resentAfterCrash, deadLetters(), dlq, lagAfter,
                    faults.size(), failedFaults.isEmpty() ? "" : " (failed: " + String.join(", ", failedFaults) + ")",
                    slowest == null ? "-" : slowest.fault().part, slowest == null ? 0.0 : slowest.healedSeconds(),
                    caughtUp ? String.format(java.util.Locale.ROOT, "%.1f s", recoverySeconds) : "NOT caught up",
                    runSeconds, passed() ? "PASS" : "FAIL");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "demo";
    static final String OTA_HOTEL = "CHAOS-OTA";
    static final String JSON_HOTEL = "CHAOS-JSON";

    private final LocalStack stack;
    private final StackConfig config;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private String token;
    private volatile Instant stopPostingAfter;
    private long startNanos;

    /**
     * @param stack the stack to break; its own output (start-up lines of restarted parts) goes wherever it prints
     * @param out   where the run's progress lines and the line of figures go
     */
    ChaosRun(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.config = stack.config();
        this.out = out;
    }

    /** One booking of the run and what was done to it. */
    private static final class Booking {
        final int index;
        final String reservationId;
        final boolean json;
        final String email;
        volatile boolean accepted = true;
        volatile boolean cancelled;

        Booking(int index, String run, boolean json) {
            this.index = index;
            this.reservationId = "CH-" + run + "-" + index;
            this.json = json;
            this.email = "chaos-" + run + "-" + index + "@example.com";
        }

        String hotel() {
            return json ? JSON_HOTEL : OTA_HOTEL;
        }
    }

    /** What happens to booking {@code index}: the mix repeats every ten bookings. */
    enum Script {
        PLAIN, POSTED_TWICE, MODIFICATION_FIRST, MOVED_LATER, CANCELLED_LATER, CANCELLED_AT_ONCE;

        static Script of(int index) {
            return switch (index % 10) {
                case 1 -> POSTED_TWICE;
                case 3 -> MODIFICATION_FIRST;
                case 5 -> MOVED_LATER;
                case 7 -> CANCELLED_LATER;
                case 9 -> CANCELLED_AT_ONCE;
                default -> PLAIN;
            };
        }
    }

    Result run(Options options) {
        requireHealthy();
        token = stack.adminToken(Duration.ofHours(2));
        Map<String, Long> deadLettersBefore = deadLetterEnds();
        startNanos = System.nanoTime();
        // A hard bound: no POST is retried beyond ten minutes after the planned end of the load.
        stopPostingAfter = Instant.now().plus(options.duration()).plus(Duration.ofMinutes(10));
        out.printf("chaos %s: %d s of bookings at %.1f/s through %s and %s, faults: %s%n", run, options.duration().toSeconds(),
                options.ratePerSecond(), "demo-ota", "demo-json",
                options.faults().stream().map(f -> f.name().toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining(", ")));

        List<Booking> bookings = java.util.Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<FaultRecord> faultRecords = new ConcurrentLinkedQueue<>();
        Thread faults = Thread.ofPlatform().name("chaos-faults").start(() -> runFaults(options, faultRecords));
        Instant lastPost;
        try (ExecutorService scripts = Executors.newVirtualThreadPerTaskExecutor()) {
            Instant loadEnds = Instant.now().plus(options.duration());
            long intervalNanos = (long) (1e9 / options.ratePerSecond());
            long next = System.nanoTime();
            int index = 0;
            while (Instant.now().isBefore(loadEnds) || faults.isAlive()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    DetachedProcess.pause(Duration.ofNanos(wait));
                }
                next += intervalNanos;
                Booking booking = new Booking(index, run, index % 2 == 1);
                bookings.add(booking);
                int scriptIndex = index++;
                scripts.submit(() -> play(booking, Script.of(scriptIndex)));
                if (Instant.now().isAfter(stopPostingAfter)) {
                    break;
                }
            }
            scripts.shutdown();
            awaitTermination(scripts, Duration.ofMinutes(10));
            lastPost = Instant.now();
        }
        joinQuietly(faults);
        out.printf("chaos %s: %d bookings posted (%d POSTs, %d retried) in %.0f s; waiting for the pipeline to catch up ...%n",
                run, bookings.size(), posts.get(), retries.get(), seconds());

        Check check = awaitCaughtUp(bookings, options.recoveryTimeout());
        double recovery = Duration.between(lastPost, check.at()).toMillis() / 1000.0;
        Map<String, Long> deadLettersAfter = deadLetterEnds();
        Map<String, Long> deadLetters = new TreeMap<>();
        deadLettersAfter.forEach((topic, end) -> deadLetters.put(topic, end - deadLettersBefore.getOrDefault(topic, 0L)));

        int cancelled = (int) bookings.stream().filter(b -> b.accepted && b.cancelled).count();
        int accepted = (int) bookings.stream().filter(b -> b.accepted).count();
        int twice = (int) bookings.stream().filter(b -> Script.of(b.index) == Script.POSTED_TWICE).count();
        int reordered = (int) bookings.stream().filter(b -> Script.of(b.index) == Script.MODIFICATION_FIRST).count();
        int moved = (int) bookings.stream().filter(b -> Script.of(b.index) == Script.MOVED_LATER).count();
        return new Result(run, bookings.size(), accepted, bookings.size() - accepted, cancelled, twice, reordered, moved,
                posts.get(), retries.get(), check.expected(), check.sent(), check.mails(), check.lost(), check.duplicates(),
                check.resentAfterCrash(), deadLetters, check.lag(), check.caughtUp(), recovery, List.copyOf(faultRecords), seconds());
    }

    // ---- load ----------------------------------------------------------------------------------------------------

    private void play(Booking booking, Script script) {
        LocalDate arrival = LocalDate.now().plusDays(40 + booking.index % 30);
        Instant created = Instant.now();
        switch (script) {
            case PLAIN -> deliver(booking, "create", body(booking, Change.CREATE, 1, arrival, created));
            case POSTED_TWICE -> {
                String body = body(booking, Change.CREATE, 1, arrival, created);
                deliver(booking, "create", body);
                deliver(booking, "create again", body);
            }
            case MODIFICATION_FIRST -> {
                deliver(booking, "modify", body(booking, Change.MODIFY, 2, arrival.plusDays(1), created.plusSeconds(1)));
                deliver(booking, "create", body(booking, Change.CREATE, 1, arrival, created));
            }
            case MOVED_LATER -> {
                deliver(booking, "create", body(booking, Change.CREATE, 1, arrival, created));
                DetachedProcess.pause(Duration.ofSeconds(3));
                deliver(booking, "move", body(booking, Change.MODIFY, 2, arrival.plusDays(2), created.plusSeconds(3)));
            }
            case CANCELLED_LATER -> {
                deliver(booking, "create", body(booking, Change.CREATE, 1, arrival, created));
                DetachedProcess.pause(Duration.ofSeconds(2));
                if (deliver(booking, "cancel", body(booking, Change.CANCEL, 2, arrival, created.plusSeconds(2)))) {
                    booking.cancelled = true;
                }
            }
            case CANCELLED_AT_ONCE -> {
                deliver(booking, "create", body(booking, Change.CREATE, 1, arrival, created));
                if (deliver(booking, "cancel", body(booking, Change.CANCEL, 2, arrival, created.plusMillis(500)))) {
                    booking.cancelled = true;
                }
            }
        }
    }

    enum Change {
        CREATE, MODIFY, CANCEL
    }

    /**
     * Posts until the connector accepts (200 Success / 202), as a PMS retries: connection refused while the connector
     * is down, 5xx and 503 while a dependency is, 429 on its rate limit. Any other answer rejects the message.
     */
    private boolean deliver(Booking booking, String what, String body) {
        boolean first = true;
        while (Instant.now().isBefore(stopPostingAfter)) {
            if (!first) {
                retries.incrementAndGet();
                DetachedProcess.pause(Duration.ofMillis(500));
            }
            first = false;
            posts.incrementAndGet();
            HttpResponse<String> response;
            try {
                response = http.send(HttpRequest.newBuilder(URI.create(connector() + (booking.json
                                ? "/api/v1/feeds/demo-json/reservations" : "/api/v1/feeds/demo-ota/ota")))
                        .header("Content-Type", booking.json ? "application/json" : "application/xml")
                        .header("Authorization", "Bearer demo")
                        .timeout(Duration.ofSeconds(15))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            int status = response.statusCode();
            if (booking.json ? status == 202 : status == 200 && response.body().contains("<Success")) {
                return true;
            }
            if (status >= 500 || status == 429 || status == 408 || status == 200) {
                continue; // 200 with an OTA <Errors>: the connector could not store it now (a transient error)
            }
            out.printf("chaos %s: booking %d (%s) rejected with %d%n", run, booking.index, what, status);
            booking.accepted = false;
            return false;
        }
        booking.accepted = false;
        return false;
    }

    private String body(Booking booking, Change change, int sequence, LocalDate arrival, Instant at) {
        return booking.json ? jsonBody(booking, change, sequence, arrival, at) : otaBody(booking, change, arrival, at);
    }

    private static String jsonBody(Booking booking, Change change, int sequence, LocalDate arrival, Instant at) {
        String changeType = switch (change) {
            case CREATE -> "CREATED";
            case MODIFY -> "MODIFIED";
            case CANCEL -> "CANCELLED";
        };
        return jsonMessage(booking.reservationId, changeType, sequence, arrival, at, booking.email, JSON_HOTEL, booking.index);
    }

    /** A canonical JSON reservation (synthetic guest data). */
    static String jsonMessage(String reservationId, String changeType, int sequence, LocalDate arrival, Instant at, String email,
            String hotel, int guestNumber) {
        ObjectNode root = JSON.createObjectNode();
        root.put("hotelCode", hotel).put("hotelName", "Chaos JSON Hotel").put("pmsReservationId", reservationId);
        root.put("status", "CANCELLED".equals(changeType) ? "CANCELLED" : "CONFIRMED");
        root.put("changeType", changeType);
        root.put("arrival", arrival.toString()).put("departure", arrival.plusDays(3).toString());
        root.put("pmsSequence", sequence).put("pmsModifiedAt", at.toString());
        if ("CANCELLED".equals(changeType)) {
            root.put("cancelledAt", at.toString());
        }
        root.put("adults", 2);
        root.putObject("totalAmount").put("amount", 420.00).put("currency", "EUR");
        ArrayNode guests = root.putArray("guests");
        ObjectNode guest = guests.addObject();
        guest.put("pmsProfileId", reservationId + "-G1").put("primary", true).put("firstName", "Chaos")
                .put("lastName", "Guest" + guestNumber);
        guest.putArray("emails").add(email);
        return root.toString();
    }

    private static String otaBody(Booking booking, Change change, LocalDate arrival, Instant at) {
        String status = switch (change) {
            case CREATE -> "Commit";
            case MODIFY -> "Modify";
            case CANCEL -> "Cancel";
        };
        return otaMessage(booking.reservationId, status, arrival, at, booking.email, OTA_HOTEL, booking.index);
    }

    /** An OTA_HotelResNotifRQ with one reservation (written for the harness; synthetic guest data). */
    static String otaMessage(String reservationId, String resStatus, LocalDate arrival, Instant at, String email, String hotel,
            int guestNumber) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <OTA_HotelResNotifRQ xmlns="http://www.opentravel.org/OTA/2003/05" EchoToken="%1$s-%6$s" TimeStamp="%2$s" Version="1.003" ResStatus="%6$s">
                  <HotelReservations>
                    <HotelReservation CreateDateTime="%2$s">
                      <RoomStays>
                        <RoomStay>
                          <RoomTypes><RoomType RoomTypeCode="DBL"/></RoomTypes>
                          <RatePlans><RatePlan RatePlanCode="BAR"/></RatePlans>
                          <GuestCounts><GuestCount AgeQualifyingCode="10" Count="2"/></GuestCounts>
                          <TimeSpan Start="%3$s" End="%4$s"/>
                          <Total AmountAfterTax="420.00" CurrencyCode="EUR"/>
                          <BasicPropertyInfo HotelCode="%7$s" HotelName="Chaos OTA Hotel"/>
                        </RoomStay>
                      </RoomStays>
                      <ResGuests>
                        <ResGuest>
                          <Profiles><ProfileInfo><Profile ProfileType="1"><Customer>
                            <PersonName><GivenName>Chaos</GivenName><Surname>Guest%8$d</Surname></PersonName>
                            <Email>%5$s</Email>
                          </Customer></Profile></ProfileInfo></Profiles>
                        </ResGuest>
                      </ResGuests>
                      <ResGlobalInfo>
                        <HotelReservationIDs><HotelReservationID ResID_Type="14" ResID_Value="%1$s"/></HotelReservationIDs>
                      </ResGlobalInfo>
                    </HotelReservation>
                  </HotelReservations>
                </OTA_HotelResNotifRQ>
                """.formatted(reservationId, at, arrival, arrival.plusDays(3), email, resStatus, hotel, guestNumber);
    }

    // ---- faults --------------------------------------------------------------------------------------------------

    private void runFaults(Options options, ConcurrentLinkedQueue<FaultRecord> records) {
        // Spread over the duration: a quiet stretch before each fault and after the last.
        Duration gap = options.duration().dividedBy(options.faults().size() + 1);
        for (Fault fault : options.faults()) {
            DetachedProcess.pause(gap.compareTo(Duration.ofSeconds(3)) < 0 ? Duration.ofSeconds(3) : gap);
            double at = seconds();
            long started = System.nanoTime();
            String failure = null;
            String note = null;
            try {
                inject(fault, options.outage());
            } catch (RuntimeException e) {
                // One more `up` for whatever the fault left down (e.g. a jar rebuilt under a starting service); the
                // fault counts as failed only when the stack does not come back then either.
                note = "first start failed: " + firstLine(e.getMessage());
                try {
                    stack.up();
                } catch (RuntimeException again) {
                    failure = note + "; up: " + firstLine(again.getMessage());
                }
            }
            double healed = (System.nanoTime() - started) / 1e9;
            records.add(new FaultRecord(fault, at, healed, failure, note));
            out.printf("chaos %s: %5.1f s %-16s healthy again after %.1f s%s%n", run, at, fault.name().toLowerCase(java.util.Locale.ROOT),
                    healed, failure != null ? " (FAILED: " + failure + ")" : note != null ? " (" + note + ")" : "");
        }
    }

    /** Set once the journey has been SIGKILLed in this run (see {@link Result#resentAfterCrash()}). */
    private volatile boolean journeyKilled;

    private void inject(Fault fault, Duration outage) {
        switch (fault) {
            case KILL_CONNECTOR, KILL_PROFILE, KILL_JOURNEY, KILL_OPTOUT, KILL_DESK -> {
                if (fault == Fault.KILL_JOURNEY) {
                    journeyKilled = true;
                }
                if (stack.kill(fault.part) < 0) {
                    throw new StackException(fault.part + " was not running");
                }
                DetachedProcess.pause(Duration.ofSeconds(2));
                stack.up();
            }
            case RESTART_KAFKA -> stack.restart("kafka");
            case POSTGRES_OUTAGE -> postgresOutage(outage);
            case POSTGRES_PAUSE -> postgresPause(outage);
            case SMTP_OUTAGE -> {
                stack.stopPart("mail");
                DetachedProcess.pause(outage);
                stack.up();
            }
        }
    }

    /** Every service database refuses new connections and its backends are terminated, for {@code outage}. */
    private void postgresOutage(Duration outage) {
        List<String> databases = LocalStack.SERVICES.stream().map(LocalStack.Service::database).toList();
        String list = databases.stream().map(d -> "'" + d + "'").collect(Collectors.joining(", "));
        Properties properties = new Properties();
        properties.put("user", "postgres");
        try (Connection admin = DriverManager.getConnection(config.jdbcUrl("postgres"), properties);
                Statement statement = admin.createStatement()) {
            try {
                for (String database : databases) {
                    statement.execute("alter database \"" + database + "\" allow_connections false");
                }
                Instant until = Instant.now().plus(outage);
                while (Instant.now().isBefore(until)) {
                    statement.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname in (" + list
                            + ") and pid <> pg_backend_pid()");
                    DetachedProcess.pause(Duration.ofMillis(500));
                }
            } finally {
                for (String database : databases) {
                    statement.execute("alter database \"" + database + "\" allow_connections true");
                }
            }
        } catch (SQLException e) {
            throw new StackException("PostgreSQL outage: " + e.getMessage(), e);
        }
        awaitServicesReady(Duration.ofMinutes(3));
    }

    /**
     * PostgreSQL frozen for {@code outage}: SIGSTOP of the postmaster and every process it forked (backends, WAL
     * writer, checkpointer; each runs in a session of its own, so one group signal does not reach them), then SIGCONT
     * in reverse order. Unlike the outage, connections are neither refused nor dropped: every statement in flight and
     * every new connection simply hangs, as on a stalled disk or a virtual machine paused by its host. A shutdown hook
     * thaws it should this JVM end during the pause.
     */
    private void postgresPause(Duration outage) {
        long postmaster = stack.postmaster().orElseThrow(() -> new StackException("PostgreSQL is not running")).pid();
        List<Long> frozen = new java.util.ArrayList<>(List.of(postmaster));
        Thread thaw = new Thread(() -> DetachedProcess.signal(frozen.reversed(), "CONT"), "chaos-thaw-postgres");
        Runtime.getRuntime().addShutdownHook(thaw);
        try {
            DetachedProcess.signal(List.of(postmaster), "STOP");
            frozen.addAll(DetachedProcess.children(postmaster));
            DetachedProcess.signal(frozen.subList(1, frozen.size()), "STOP");
            DetachedProcess.pause(outage);
        } finally {
            DetachedProcess.signal(frozen.reversed(), "CONT");
            Runtime.getRuntime().removeShutdownHook(thaw);
        }
        awaitServicesReady(Duration.ofMinutes(3));
    }

    private void awaitServicesReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (LocalStack.Service service : LocalStack.SERVICES) {
            while (HealthChecks.http("http://localhost:" + config.port(service.port()) + "/q/health/ready") != null) {
                if (Instant.now().isAfter(deadline)) {
                    throw new StackException(service.name() + " not ready " + timeout.toSeconds() + " s after the outage");
                }
                DetachedProcess.pause(Duration.ofMillis(250));
            }
        }
    }

    // ---- checks --------------------------------------------------------------------------------------------------

    record Check(Instant at, boolean caughtUp, int expected, int sent, int mails, int lost, int duplicates, int resentAfterCrash,
            long lag) {
    }

    /** What one booking looks like now. */
    private record Observed(boolean finalState, boolean expectsConfirmation, String confirmationId, int confirmations,
            int pendingOrSentAfterCancel, Set<String> noticeIds) {
    }

    /**
     * The journey's transactional notices of a change (one per reservation version): a modified or cancelled booking
     * rightly gets one beside its confirmation, so they are neither a second confirmation nor a step after the end.
     */
    private static final Set<String> NOTICES = Set.of("MODIFICATION", "CANCELLATION");

    /**
     * Reads every accepted booking's communications and the mail journal until every confirmation is final (SENT, or
     * CANCELLED for a cancelled stay) and in the journal and every consumer group's lag is zero, or the timeout passes.
     */
    private Check awaitCaughtUp(List<Booking> all, Duration timeout) {
        List<Booking> bookings = all.stream().filter(b -> b.accepted).toList();
        Map<Booking, Observed> settled = new HashMap<>();
        Instant deadline = Instant.now().plus(timeout);
        long lag = -1;
        while (true) {
            for (Booking booking : bookings) {
                if (!settled.containsKey(booking)) {
                    Observed observed = observe(booking);
                    if (observed != null && observed.finalState()) {
                        settled.put(booking, observed);
                    }
                }
            }
            Set<String> journaled = new HashSet<>();
            for (MailJournal.Entry entry : MailJournal.read(stack.mailJournal())) {
                journaled.add(entry.communicationId());
            }
            boolean mailed = settled.values().stream().allMatch(o -> !o.expectsConfirmation() || journaled.contains(o.confirmationId()));
            lag = totalLag();
            boolean done = settled.size() == bookings.size() && mailed && lag == 0;
            if (done || Instant.now().isAfter(deadline)) {
                Instant at = Instant.now();
                // Read the settled ones once more: a late duplicate or a step sent after a cancellation shows now.
                Map<Booking, Observed> last = new HashMap<>();
                for (Booking booking : bookings) {
                    Observed observed = observe(booking);
                    last.put(booking, observed == null ? settled.get(booking) : observed);
                }
                return tally(bookings, last, done, at, lag);
            }
            DetachedProcess.pause(Duration.ofSeconds(1));
        }
    }

    private Check tally(List<Booking> bookings, Map<Booking, Observed> observed, boolean caughtUp, Instant at, long lag) {
        Map<String, List<MailJournal.Entry>> byRecipient = new HashMap<>();
        for (MailJournal.Entry entry : MailJournal.read(stack.mailJournal())) {
            byRecipient.computeIfAbsent(entry.recipientHash(), k -> new ArrayList<>()).add(entry);
        }
        int expected = 0;
        int sent = 0;
        int mails = 0;
        int lost = 0;
        int duplicates = 0;
        int resentAfterCrash = 0;
        for (Booking booking : bookings) {
            Observed o = observed.get(booking);
            List<MailJournal.Entry> entries = byRecipient.getOrDefault(MailJournal.recipientHash(booking.email), List.of());
            Map<String, Long> perMessageId = entries.stream().collect(Collectors.groupingBy(MailJournal.Entry::messageId,
                    LinkedHashMap::new, Collectors.counting()));
            mails += entries.size();
            sent += perMessageId.size();
            for (long n : perMessageId.values()) {                                    // one Message-ID, several mails
                if (n == 2 && journeyKilled) {
                    resentAfterCrash++;
                } else if (n > 1) {
                    duplicates++;
                }
            }
            Set<String> notices = o == null ? Set.of() : o.noticeIds();
            long confirmationMessages = entries.stream().filter(e -> !notices.contains(e.communicationId()))
                    .map(MailJournal.Entry::messageId).distinct().count();
            duplicates += (int) Math.max(0, confirmationMessages - 1); // one reservation, several confirmations
            boolean expects = o == null ? !booking.cancelled : o.expectsConfirmation();
            if (expects) {
                expected++;
                boolean mailed = o != null && entries.stream().anyMatch(e -> e.communicationId().equals(o.confirmationId()));
                if (!mailed) {
                    lost++;
                }
            }
            if (o != null) {
                duplicates += Math.max(0, o.confirmations() - 1) + o.pendingOrSentAfterCancel();
            }
        }
        return new Check(at, caughtUp, expected, sent, mails, lost, duplicates, resentAfterCrash, lag);
    }

    /** The booking's communications as the journey-service shows them; null when it knows none yet. */
    private Observed observe(Booking booking) {
        JsonNode list = communications(booking);
        if (list == null) {
            return null;
        }
        int confirmations = 0;
        String confirmationId = null;
        String confirmationStatus = null;
        int pending = 0;
        int otherSent = 0;
        Set<String> noticeIds = new HashSet<>();
        for (JsonNode communication : list) {
            String status = communication.path("status").asText();
            if (NOTICES.contains(communication.path("step").asText())) {
                noticeIds.add(communication.path("id").asText());
            } else if ("CONFIRMATION".equals(communication.path("step").asText())) {
                confirmations++;
                confirmationId = communication.path("id").asText();
                confirmationStatus = status;
            } else if ("SCHEDULED".equals(status) || "RESCHEDULED".equals(status)) {
                pending++;
            } else if ("SENT".equals(status)) {
                otherSent++;
            }
        }
        if (confirmationStatus == null) {
            return null;
        }
        boolean sent = "SENT".equals(confirmationStatus);
        boolean finalState = booking.cancelled
                ? (sent || "CANCELLED".equals(confirmationStatus)) && pending == 0
                : !"SCHEDULED".equals(confirmationStatus) && !"RESCHEDULED".equals(confirmationStatus);
        // Not cancelled: FAILED or SKIPPED is final too, and counts as lost (no mail carries its id).
        boolean expects = !booking.cancelled || sent;
        return new Observed(finalState, expects, confirmationId, confirmations, booking.cancelled ? pending + otherSent : otherSent,
                noticeIds);
    }

    private JsonNode communications(Booking booking) {
        return StaffApi.getJson(http, "http://localhost:" + config.port(StackConfig.Port.JOURNEY) + "/api/v1/reservations/"
                + TENANT + "/" + booking.hotel() + "/" + booking.reservationId + "/communications", token, Duration.ofSeconds(15));
    }

    private long totalLag() {
        try {
            return ConsumerLag.read(config.kafkaBootstrapServers()).stream().mapToLong(l -> Math.max(0, l.lag())).sum();
        } catch (StackException e) {
            return -1;
        }
    }

    /** The end offset of every dead-letter topic, summed over its partitions. */
    private Map<String, Long> deadLetterEnds() {
        return deadLetterEnds(config.kafkaBootstrapServers());
    }

    /** The end offset of every dead-letter topic of the catalogue on the cluster at {@code bootstrapServers}. */
    static Map<String, Long> deadLetterEnds(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        List<String> topics = java.util.Arrays.stream(Topic.values()).map(Topic::deadLetterTopicName).sorted().toList();
        Map<String, Long> ends = new TreeMap<>();
        try (Admin admin = Admin.create(properties)) {
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            described.values().forEach(d -> d.partitions().forEach(p -> wanted.put(new TopicPartition(d.name(), p.partition()),
                    OffsetSpec.latest())));
            admin.listOffsets(wanted).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.merge(tp.topic(), info.offset(), Long::sum));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while reading the dead-letter topics", e);
        } catch (Exception e) {
            throw new StackException("Cannot read the dead-letter topics: " + e.getMessage(), e);
        }
        return ends;
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private void requireHealthy() {
        List<String> unhealthy = stack.unhealthyPartsWithin(Duration.ofSeconds(30));
        if (!unhealthy.isEmpty()) {
            throw new StackException("The stack is not up (" + String.join(", ", unhealthy) + " not healthy): run ./crm up first");
        }
    }

    private String connector() {
        return "http://localhost:" + config.port(StackConfig.Port.CONNECTOR);
    }

    private double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static void awaitTermination(ExecutorService executor, Duration timeout) {
        try {
            if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
