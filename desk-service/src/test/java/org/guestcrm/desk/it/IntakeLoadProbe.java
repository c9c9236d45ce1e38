package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Not part of the suite (no *Test name): N tentative reservations of one tenant on pms.reservations, timed until
 * every one is a lead with its call-back task and every TaskChanged OPENED is committed to the outbox. Run with
 * {@code -Dtest=IntakeLoadProbe -Dsurefire.failIfNoSpecifiedTests=false -Dprobe.requests=2000}.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class IntakeLoadProbe {

    @Inject
    EntityManager entityManager;

    @Test
    void requestsBecomeLeadsAndTasks() {
        int n = Integer.getInteger("probe.requests", 500);
        String tenant = "probe-" + UUID.randomUUID().toString().substring(0, 8);
        Stay base = Stay.unique("BERLIN").inTenant(tenant);
        Instant now = Instant.now();
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", KafkaTestClients.bootstrapServers());
        props.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        props.put("value.serializer", io.apicurio.registry.serde.avro.AvroKafkaSerializer.class.getName());
        props.put("apicurio.registry.url", KafkaTestClients.registryUrl());
        props.put("apicurio.registry.auto-register", "true");
        props.put("apicurio.registry.find-latest", "true");
        props.put("apicurio.registry.artifact-resolver-strategy", "io.apicurio.registry.serde.avro.strategy.RecordIdStrategy");
        props.put("acks", "all");
        long start;
        long sent;
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, Object>(props)) {
            // Warm the serde's schema look-up before timing.
            Stay first = base.withReservation("P-warm");
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topic.PMS_RESERVATIONS.topicName(),
                    first.key(), first.snapshot(1, ReservationStatus.CONFIRMED, now))).get();
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Stay stay = base.withReservation("P" + i);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topic.PMS_RESERVATIONS.topicName(),
                        stay.key(), stay.snapshot(1, ReservationStatus.TENTATIVE, now)));
            }
            producer.flush();
            sent = System.nanoTime();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() -> tasks(tenant) == n);
        long done = System.nanoTime();
        assertEquals(n, tasks(tenant));
        System.out.printf("PROBE desk intake: %d requests sent in %d ms; all leads + call-back tasks after %d ms: %.0f requests/s%n",
                n, (sent - start) / 1_000_000, (done - start) / 1_000_000, n / ((done - start) / 1e9));
    }

    private long tasks(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(*) from task where tenant = ?1 and kind = 'CALL_BACK'")
                .setParameter(1, tenant).getSingleResult()).longValue());
    }
}
