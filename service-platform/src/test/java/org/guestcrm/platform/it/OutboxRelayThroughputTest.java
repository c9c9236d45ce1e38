package org.guestcrm.platform.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.UUID;

import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Relay throughput (a benchmark, not a check of speed): writes N outbox rows in transactions of 500, as a batched
 * intake would, and prints how fast they were written and how fast the relay had them acknowledged by Kafka.
 * Runs only with {@code -Dguestcrm.bench.relay=N}, e.g.
 * {@code ./mvnw -pl service-platform verify -Dtest=OutboxRelayThroughputTest -Dguestcrm.bench.relay=20000}.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "platform"))
class OutboxRelayThroughputTest {

    @Inject
    Outbox outbox;
    @Inject
    EntityManager entityManager;

    @Test
    void relayThroughput() {
        String setting = System.getProperty("guestcrm.bench.relay");
        Assumptions.assumeTrue(setting != null, "benchmark: set -Dguestcrm.bench.relay=N to run it");
        int rows = Integer.parseInt(setting);
        String run = "bench-" + UUID.randomUUID() + ":";
        GuestProfileChanged template = GuestProfiles.profile("bench", "PROBE", "p", 1L).build();
        long start = System.nanoTime();
        for (int written = 0; written < rows; written += 500) {
            int from = written;
            QuarkusTransaction.requiringNew().run(() -> {
                for (int i = from; i < Math.min(rows, from + 500); i++) {
                    GuestProfileChanged record = GuestProfileChanged.newBuilder(template)
                            .setMetadata(org.guestcrm.events.EventMetadata.newBuilder(template.getMetadata())
                                    .setEventId(UUID.randomUUID()).build())
                            .setPmsProfileId("p-" + i).build();
                    outbox.add(Topic.PMS_PROFILES, run + (i % 200), record);
                }
            });
        }
        long writtenAt = System.nanoTime();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50)).until(() -> unsent(run) == 0);
        long sentAt = System.nanoTime();
        assertEquals(0, unsent(run));
        System.out.printf("RELAY BENCH rows=%d write=%.0f rows/s (%.2f s) write+relay=%.0f rows/s (%.2f s)%n", rows,
                rows / seconds(start, writtenAt), seconds(start, writtenAt), rows / seconds(start, sentAt),
                seconds(start, sentAt));
    }

    private long unsent(String run) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "select count(*) from outbox_event where sent_at is null and record_key like ?1")
                .setParameter(1, run + "%").getSingleResult()).longValue());
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }
}
