package org.guestcrm.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code ./crm bench}: drives a running local stack through its front door and prints figures.
 * Posts N OpenTravel reservations (each a new booking for a different guest) to the demo OTA feed with
 * C requests in flight, then waits until the journey-service has sent every booking confirmation.
 * Reports the connector's accept rate and latency (HTTP answer = message durably stored) and the
 * end-to-end latency from the POST to the confirmation's SMTP hand-off (journey's sentAt), which
 * crosses the outbox relay, Kafka, the registry-backed Avro serde, the journey consumer and dispatcher.
 */
final class PipelineBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackConfig config;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PipelineBenchmark(StackConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    record Result(int reservations, int concurrency, double acceptSeconds, long[] acceptLatencyMicros,
            long[] confirmationLatencyMillis, double drainSeconds, int rejected) {
    }

    Result run(int reservations, int concurrency, Duration drainTimeout) {
        requireHealthy();
        String run = UUID.randomUUID().toString().substring(0, 8);
        LocalDate arrival = LocalDate.now().plusDays(40);
        long[] acceptMicros = new long[reservations];
        Instant[] postedAt = new Instant[reservations];
        int[] rejected = new int[1];
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<Void>> calls = new ArrayList<>(reservations);

        // Warm-up: one request, so class loading and first schema look-ups are not measured.
        post(message("BENCH-" + run + "-warmup", arrival, "warmup-" + run)).join();

        long started = System.nanoTime();
        for (int i = 0; i < reservations; i++) {
            int index = i;
            inFlight.acquireUninterruptibly();
            postedAt[index] = Instant.now();
            long sent = System.nanoTime();
            calls.add(post(message(reservationId(run, index), arrival.plusDays(index % 30), "guest-" + run + "-" + index))
                    .handle((response, failure) -> {
                        acceptMicros[index] = (System.nanoTime() - sent) / 1_000;
                        if (failure != null || response.statusCode() != 200 || !response.body().contains("<Success")) {
                            synchronized (rejected) {
                                rejected[0]++;
                            }
                        }
                        inFlight.release();
                        return null;
                    }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        double acceptSeconds = (System.nanoTime() - started) / 1e9;

        Map<Integer, Instant> sentAt = awaitConfirmations(run, reservations, drainTimeout);
        long[] confirmationMillis = new long[sentAt.size()];
        Instant lastSent = Instant.MIN;
        int k = 0;
        for (Map.Entry<Integer, Instant> entry : sentAt.entrySet()) {
            confirmationMillis[k++] = Duration.between(postedAt[entry.getKey()], entry.getValue()).toMillis();
            lastSent = entry.getValue().isAfter(lastSent) ? entry.getValue() : lastSent;
        }
        double drainSeconds = sentAt.isEmpty() ? 0 : Duration.between(postedAt[0], lastSent).toMillis() / 1000.0;
        return new Result(reservations, concurrency, acceptSeconds, acceptMicros, confirmationMillis, drainSeconds, rejected[0]);
    }

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

    private Map<Integer, Instant> awaitConfirmations(String run, int reservations, Duration timeout) {
        Map<Integer, Instant> sentAt = new LinkedHashMap<>();
        Instant deadline = Instant.now().plus(timeout);
        while (sentAt.size() < reservations && Instant.now().isBefore(deadline)) {
            for (int i = 0; i < reservations; i++) {
                if (!sentAt.containsKey(i)) {
                    confirmationSentAt(reservationId(run, i)).ifPresent(sent -> sentAt.put(sent.index(), sent.sent()));
                }
            }
            if (sentAt.size() < reservations) {
                DetachedProcess.pause(Duration.ofMillis(500));
            }
        }
        if (sentAt.size() < reservations) {
            out.printf("warning: only %d of %d confirmations were sent within %d s%n", sentAt.size(), reservations, timeout.toSeconds());
        }
        return sentAt;
    }

    private record Sent(int index, Instant sent) {
    }

    private Optional<Sent> confirmationSentAt(String reservationId) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                    + config.port(StackConfig.Port.JOURNEY) + "/api/v1/reservations/demo/BENCH1/" + reservationId + "/communications"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            for (JsonNode communication : JSON.readTree(response.body())) {
                if ("CONFIRMATION".equals(communication.path("step").asText()) && "SENT".equals(communication.path("status").asText())) {
                    int index = Integer.parseInt(reservationId.substring(reservationId.lastIndexOf('-') + 1));
                    return Optional.of(new Sent(index, Instant.parse(communication.path("sentAt").asText())));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }

    private static String reservationId(String run, int index) {
        return "BENCH-" + run + "-" + index;
    }

    private CompletableFuture<HttpResponse<String>> post(String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + config.port(StackConfig.Port.CONNECTOR)
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
