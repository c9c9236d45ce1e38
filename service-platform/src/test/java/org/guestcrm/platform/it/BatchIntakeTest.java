package org.guestcrm.platform.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.Postgres;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * BatchIntake against real Kafka, Apicurio Registry and PostgreSQL: a bad record in a batch is isolated and
 * dead-lettered while the others are applied exactly once; a database outage under load dead-letters nothing and
 * loses nothing.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "platform"))
class BatchIntakeTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Inject
    MeterRegistry meters;

    private static GuestProfileChanged profile(String id) {
        return GuestProfiles.profile("probe", "PROBE", id, 1L).build();
    }

    @Test
    void aBatchWithBadRecordsAppliesTheOthersOnceAndDeadLettersEachBadOneWithItsReason() throws Exception {
        String run = "isolate-" + UUID.randomUUID() + ":";
        double ignoredBefore = ignoredCount();
        double isolatedBefore = isolatedCount();
        GuestProfileChanged ignored;
        try (ProbeTraffic traffic = new ProbeTraffic()) {
            GuestProfileChanged first = profile("good-0");
            ignored = profile("IGNORED");
            traffic.send(run + "good-0", first);
            for (int i = 1; i < 10; i++) {
                traffic.send(run + "good-" + i, profile("good-" + i));
                if (i == 4) {
                    traffic.send(run + "invalid", profile("INVALID"));
                    traffic.send(run + "fails", profile("FAILS"));
                    traffic.send(run + "good-0", first);                    // the same event delivered twice
                    traffic.send(run + "ignored", ignored);
                }
            }
            traffic.sendRaw(run + "garbage", "not an avro record".getBytes(StandardCharsets.UTF_8));
            traffic.flush();
        }

        await().atMost(PATIENCE).until(() -> ProbeTraffic.deadLetters(run).size() >= 3);
        await().atMost(PATIENCE).until(() -> ProbeTraffic.applied(run) >= 10);
        assertEquals(10, ProbeTraffic.applied(run), "each valid event applied once, the duplicate not again");
        assertEquals(10, ProbeTraffic.distinctApplied(run));

        List<ConsumerRecord<String, byte[]>> dead = ProbeTraffic.deadLetters(run);
        assertEquals(3, dead.size(), "exactly the three bad records are dead letters");
        String invalid = reasonOf(dead, run + "invalid");
        String fails = reasonOf(dead, run + "fails");
        String garbage = reasonOf(dead, run + "garbage");
        assertTrue(invalid.contains("pmsProfileId is not acceptable"), invalid);
        assertTrue(fails.contains("IllegalStateException"), fails);
        assertTrue(garbage.startsWith("Not a decodable GuestProfileChanged"), garbage);
        ConsumerRecord<String, byte[]> garbageRecord = dead.stream().filter(r -> r.key().equals(run + "garbage"))
                .findFirst().orElseThrow();
        assertEquals("not an avro record", new String(garbageRecord.value(), StandardCharsets.UTF_8),
                "the dead letter keeps the original bytes");
        assertEquals(ProbeTraffic.TOPIC, ProbeTraffic.header(garbageRecord, "dead-letter-topic"));

        // The record the handler does not want: counted as ignored, neither applied nor a dead letter, no processed-event row.
        await().atMost(PATIENCE).until(() -> ignoredCount() >= ignoredBefore + 1);
        assertEquals(0, ProbeTraffic.count("select count(*) from probe_applied where record_key = '" + run + "ignored'"));
        assertEquals(0, ProbeTraffic.count("select count(*) from processed_event where event_id = '"
                + ignored.getMetadata().getEventId() + "'"), "an unwanted record costs no database row");
        assertTrue(dead.stream().noneMatch(r -> r.key().equals(run + "ignored")));
        // The failing record broke its batch at least once: the batch was applied record by record, and said so.
        assertTrue(isolatedCount() >= isolatedBefore + 1, "guestcrm.intake.batches.isolated did not count the isolation");
    }

    @Test
    void aHandlerIdempotentByItselfGetsNoProcessedEventRowsAndARedeliveryIsAppliedAgain() throws Exception {
        String run = "self-idempotent-" + UUID.randomUUID() + ":";
        GuestProfileChanged once = profile("self-0");
        ProbeHandler.recordsProcessed = false;
        try {
            try (ProbeTraffic traffic = new ProbeTraffic()) {
                traffic.send(run + "a", once);
                traffic.send(run + "a", once);                        // repeated within the batch (or the next)
                traffic.flush();
            }
            await().atMost(PATIENCE).until(() -> ProbeTraffic.applied(run) >= 1);
            try (ProbeTraffic traffic = new ProbeTraffic()) {
                traffic.send(run + "b", profile("self-1"));
                traffic.flush();
            }
            await().atMost(PATIENCE).until(() -> ProbeTraffic.applied(run + "b") >= 1);
            try (ProbeTraffic traffic = new ProbeTraffic()) {
                traffic.send(run + "a", once);                        // a redelivery after its batch
                traffic.flush();
            }
            await().atMost(PATIENCE).until(() -> ProbeTraffic.applied(run + "a") >= 2);
            assertEquals(0, ProbeTraffic.count("select count(*) from processed_event where event_id = '"
                    + once.getMetadata().getEventId() + "'"), "no processed-event row for a handler idempotent by itself");
        } finally {
            ProbeHandler.recordsProcessed = true;
        }
    }

    private double isolatedCount() {
        var counter = meters.find("guestcrm.intake.batches.isolated").tag("consumer", "platform-probe").counter();
        return counter == null ? 0 : counter.count();
    }

    private double ignoredCount() {
        var counter = meters.find("guestcrm.intake.records").tag("consumer", "platform-probe").tag("outcome", "ignored")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aDatabaseThatRefusesConnectionsForTenSecondsUnderLoadLosesNothingAndDeadLettersNothing() throws Exception {
        String run = "outage-" + UUID.randomUUID() + ":";
        int total = 400;
        double transientBefore = transientFailures();
        Thread load = new Thread(() -> {
            try (ProbeTraffic traffic = new ProbeTraffic()) {
                for (int i = 0; i < total; i++) {
                    traffic.send(run + (i % 40), profile("p-" + i));
                    if (i % 10 == 9) {
                        traffic.flush();
                        Thread.sleep(300);
                    }
                }
                traffic.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "probe-load");
        load.start();
        Thread.sleep(2000);
        try (Connection admin = Postgres.shared().connect("postgres"); Statement sql = admin.createStatement()) {
            sql.execute("alter database " + ProbeTraffic.DATABASE + " allow_connections false");
            sql.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
                    + ProbeTraffic.DATABASE + "' and pid <> pg_backend_pid()");
            Thread.sleep(10_000);
            sql.execute("alter database " + ProbeTraffic.DATABASE + " allow_connections true");
        }
        load.join();

        await().atMost(PATIENCE).until(() -> ProbeTraffic.applied(run) >= total);
        assertEquals(total, ProbeTraffic.applied(run), "every event applied once");
        assertEquals(total, ProbeTraffic.distinctApplied(run));
        assertEquals(List.of(), ProbeTraffic.deadLetters(run), "a transient failure dead-letters nothing");
        assertTrue(transientFailures() > transientBefore, "the outage was seen by the intake and waited out");
    }

    private double transientFailures() {
        var counter = meters.find("guestcrm.intake.transient.failures").counter();
        return counter == null ? 0 : counter.count();
    }

    private static String reasonOf(List<ConsumerRecord<String, byte[]>> dead, String key) {
        return dead.stream().filter(r -> r.key().equals(key)).findFirst()
                .map(r -> ProbeTraffic.header(r, "dead-letter-reason")).orElseThrow(() -> new AssertionError(key));
    }
}
