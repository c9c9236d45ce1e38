package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.persistence.TransactionRecordingDriver;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.guestcrm.testsupport.RawCeilings;
import org.junit.jupiter.api.AfterAll;

/**
 * Push path cost probe (issue 5), run like a command, never in the suite:
 * <pre>
 * ./mvnw -B -ntp -o -q -pl pms-connector verify -Dquarkus.bootstrap.workspace-discovery=false -Dtest=PushCostProbe \
 *   -Dguestcrm.probe.push=2000 -Dguestcrm.probe.push.inflight=1,8,32 -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none
 * </pre>
 * For each number of pushes in flight: N canonical JSON reservations (each a new reservation with one guest: 2 events)
 * pushed to one feed by that many client threads at once, measured from the first POST until the relay marked every
 * event of the phase sent. Prints per message: the PostgreSQL commits (the connector pool's committed transactions as
 * its JDBC driver saw them, and the intake's among them), the statements the connector sent (every thread: door,
 * intake, relay), and the CPU ms of the connector's own threads (HTTP event loops, request workers, the push committer,
 * the outbox relay and its producer; the embedded broker, the probe's client, JIT and GC apart), per thread group.
 * The datasource goes through {@link TransactionRecordingDriver} (its proxies cost a little CPU themselves). Asserts
 * only what must hold (every push 202, every event in the outbox once), never a time.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
@TestProfile(PushCostProbe.RecordingUnlimited.class)
@EnabledIfSystemProperty(named = "guestcrm.probe.push", matches = "[0-9]+")
class PushCostProbe {

    /** The raw ceilings of the same servers, measured after the probe's runs, to read its figures against. */
    @AfterAll
    static void printCeilings() {
        RawCeilings.printForProbe("PROBE", "connector");
    }

    /** The recording driver, and no rate limit on the probe's feed (its default, 200 pushes/s, is below 32 in flight). */
    public static class RecordingUnlimited implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.driver", TransactionRecordingDriver.class.getName(),
                    "connector.rate-limit.feeds.demo-json.capacity", "1000000",
                    "connector.rate-limit.feeds.demo-json.per-second", "1000000",
                    "connector.rate-limit.feeds.demo-ota.capacity", "1000000",
                    "connector.rate-limit.feeds.demo-ota.per-second", "1000000");
        }
    }

    @Inject
    DataSource dataSource;

    @TestHTTPResource("/")
    URL base;

    @Test
    void pushCostPerMessageAtOneEightAndThirtyTwoInFlight() throws Exception {
        int perPhase = Integer.parseInt(System.getProperty("guestcrm.probe.push"));
        List<Integer> levels = new ArrayList<>();
        for (String level : System.getProperty("guestcrm.probe.push.inflight", "1,8,32").split(",")) {
            levels.add(Integer.parseInt(level.strip()));
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4, named("probe-http"))).build();
        phase(client, 8, Math.min(500, perPhase), false); // warm: JIT, feed cache, pool, topics
        List<String> lines = new ArrayList<>();
        for (int inFlight : levels) {
            lines.add(phase(client, inFlight, perPhase, true));
        }
        lines.forEach(System.out::println);
    }

    private String phase(HttpClient client, int inFlight, int messages, boolean print) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        TransactionRecordingDriver.clear();
        long pgCommitsBefore = pgCommits();
        Map<Long, Object[]> cpuBefore = threadCpu(threads);
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(inFlight, named("probe-client"));
        List<Future<Integer>> workers = new ArrayList<>();
        boolean ota = "ota".equals(System.getProperty("guestcrm.probe.push.body", "json"));
        URI uri = URI.create(base.toString().replaceAll("/$", "")
                + (ota ? "/api/v1/feeds/demo-ota/ota" : "/api/v1/feeds/demo-json/reservations"));
        for (int w = 0; w < inFlight; w++) {
            workers.add(pool.submit(() -> {
                int refused = 0;
                for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                    HttpResponse<String> answer = client.send(HttpRequest.newBuilder(uri)
                            .header("Content-Type", ota ? "application/xml" : "application/json")
                            .header("Authorization", "Bearer demo")
                            .POST(HttpRequest.BodyPublishers.ofString(ota ? otaReservation("PC-" + run + "-" + i)
                                    : reservation("PC-" + run + "-" + i)))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != (ota ? 200 : 202) || (ota && !answer.body().contains("<Success"))) {
                        refused++;
                        System.out.println("Probe push answered " + answer.statusCode() + ": " + answer.body());
                    }
                }
                return refused;
            }));
        }
        int refused = 0;
        for (Future<Integer> worker : workers) {
            refused += worker.get();
        }
        long accepted = System.nanoTime();
        pool.shutdown();
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> unsent("PC-" + run) == 0);
        long sent = System.nanoTime();
        Map<String, Long> cpu = cpuByGroup(cpuBefore, threadCpu(threads));
        List<TransactionRecordingDriver.Transaction> committed = TransactionRecordingDriver.committed(t -> true);
        long intakeCommits = committed.stream().filter(t -> t.touches("insert into inbound_message")).count();
        long statements = TransactionRecordingDriver.sentByAllBut(Thread.currentThread().getName());
        long pgCommits = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300))
                .until(this::pgCommits, c -> c - pgCommitsBefore >= intakeCommits) - pgCommitsBefore;
        assertEquals(0, refused, "every push accepted");
        assertEquals(2L * messages, outboxRows("PC-" + run), "every event once in the outbox");
        double n = messages;
        long connectorCpu = cpu.entrySet().stream().filter(e -> !e.getKey().equals("other"))
                .mapToLong(Map.Entry::getValue).sum();
        StringBuilder groups = new StringBuilder();
        cpu.forEach((group, nanos) -> groups.append(groups.isEmpty() ? "" : ", ").append(group).append(' ')
                .append(String.format("%.3f", nanos / 1e6 / n)));
        String line = String.format("Push cost probe, %d in flight, %d " + (ota ? "OTA_HotelResNotifRQ" : "JSON")
                        + " pushes (2 events each): accepted in %.2f s ="
                        + " %.0f msg/s, all sent to Kafka in %.2f s; per message: %.3f commits (driver; intake %.3f,"
                        + " pg_stat_database %.3f incl. the probe's reads), %.2f statements, connector CPU %.3f ms"
                        + " (per group, ms: %s)",
                inFlight, messages, (accepted - start) / 1e9, n / ((accepted - start) / 1e9), (sent - start) / 1e9,
                committed.size() / n, intakeCommits / n, pgCommits / n, statements / n, connectorCpu / 1e6 / n, groups);
        if (print) {
            System.out.println(line);
        }
        return line;
    }

    private static String reservation(String id) {
        return """
                {"hotelCode": "BERHB", "pmsReservationId": "%s", "status": "CONFIRMED",
                 "arrival": "2027-07-01", "departure": "2027-07-04",
                 "guests": [{"pmsProfileId": "%s-P", "firstName": "Anna", "lastName": "Gast", "emails": ["g@example.org"]}]}
                """.formatted(id, id);
    }

    /** The shape {@code ./crm bench} pushes (deploy's PipelineBenchmark): one new booking with one guest, 2 events. */
    private static String otaReservation(String id) {
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
                          <TimeSpan Start="2027-07-01" End="2027-07-04"/>
                          <Total AmountAfterTax="420.00" CurrencyCode="EUR"/>
                          <BasicPropertyInfo HotelCode="BENCH1" HotelName="Benchmark Hotel"/>
                        </RoomStay>
                      </RoomStays>
                      <ResGuests>
                        <ResGuest>
                          <Profiles><ProfileInfo><Profile ProfileType="1"><Customer>
                            <PersonName><GivenName>Bench</GivenName><Surname>guest-%1$s</Surname></PersonName>
                            <Email>guest-%1$s@bench.example</Email>
                          </Customer></Profile></ProfileInfo></Profiles>
                        </ResGuest>
                      </ResGuests>
                      <ResGlobalInfo>
                        <HotelReservationIDs><HotelReservationID ResID_Type="14" ResID_Value="%1$s"/></HotelReservationIDs>
                      </ResGlobalInfo>
                    </HotelReservation>
                  </HotelReservations>
                </OTA_HotelResNotifRQ>
                """.formatted(id, java.time.Instant.now());
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static Map<Long, Object[]> threadCpu(ThreadMXBean threads) {
        Map<Long, Object[]> cpu = new LinkedHashMap<>();
        for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put(info.getThreadId(), new Object[] {info.getThreadName(), nanos});
            }
        }
        return cpu;
    }

    /** CPU nanoseconds per group of the connector's threads over the phase; everything else is "other". */
    private static Map<String, Long> cpuByGroup(Map<Long, Object[]> before, Map<Long, Object[]> after) {
        Map<String, Long> groups = new LinkedHashMap<>();
        for (String group : List.of("http-event-loops", "request-workers", "push-committer", "outbox-relay", "other")) {
            groups.put(group, 0L);
        }
        after.forEach((id, now) -> {
            Object[] was = before.get(id);
            long delta = (long) now[1] - (was == null ? 0L : (long) was[1]);
            groups.merge(group((String) now[0]), delta, Long::sum);
        });
        return groups;
    }

    private static String group(String thread) {
        if (thread.startsWith("vert.x-eventloop")) {
            return "http-event-loops";
        }
        if (thread.startsWith("executor-thread") || thread.startsWith("vert.x-worker")) {
            return "request-workers";
        }
        if (thread.startsWith("connector-push-commit")) {
            return "push-committer";
        }
        if (thread.contains("connector-outbox-relay")) {
            return "outbox-relay";
        }
        return "other";
    }

    private long pgCommits() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "select xact_commit from pg_stat_database where datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long unsent(String prefix) throws Exception {
        return count("select count(*) from outbox_event where record_key like '%" + prefix + "%' and sent_at is null");
    }

    private long outboxRows(String prefix) throws Exception {
        return count("select count(*) from outbox_event where record_key like '%" + prefix + "%'");
    }

    private long count(String sql) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
