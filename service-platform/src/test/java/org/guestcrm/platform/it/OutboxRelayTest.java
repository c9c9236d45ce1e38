package org.guestcrm.platform.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.platform.outbox.OutboxEvent;
import org.guestcrm.platform.outbox.OutboxMonitor;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The outbox relay against a real broker: a row Kafka refuses (larger than the producer's max.request.size) is parked
 * after its attempts, later rows of other keys reach Kafka meanwhile, and only the rows of its own key wait.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "platform"))
class OutboxRelayTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOPIC = Topic.PMS_PROFILES.topicName();

    @Inject
    Outbox outbox;
    @Inject
    OutboxMonitor monitor;

    private static GuestProfileChanged profile(String id) {
        return GuestProfiles.profile("relay", "PROBE", id, 1L).build();
    }

    @Test
    void aPoisonRowIsParkedAndOnlyItsKeyWaits() {
        String run = "relay-" + UUID.randomUUID() + ":";
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.add(Topic.PMS_PROFILES, run + "A", profile("A"));
            outbox.add(Topic.PMS_PROFILES, run + "B", profile("B"));
        });
        long poisonId = QuarkusTransaction.requiringNew().call(() -> {
            OutboxEvent poison = new OutboxEvent();
            poison.eventId = UUID.randomUUID();
            poison.eventType = "GuestProfileChanged";
            poison.topic = TOPIC;
            poison.recordKey = run + "P";
            poison.payload = new byte[2 * 1024 * 1024];                     // over max.request.size: never sendable
            poison.createdAt = Instant.now();
            poison.persist();
            return poison.id;
        });
        long waitingId = QuarkusTransaction.requiringNew().call(() -> {
            OutboxEvent behind = outbox.add(Topic.PMS_PROFILES, run + "P", profile("P-later"));
            outbox.add(Topic.PMS_PROFILES, run + "C", profile("C"));
            return behind.id;
        });

        await().atMost(PATIENCE).until(() -> keysOnKafka(run).containsAll(Set.of(run + "A", run + "B", run + "C")));
        await().atMost(PATIENCE).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>findById(poisonId).parkedAt != null));

        OutboxEvent parked = QuarkusTransaction.requiringNew().call(() -> OutboxEvent.findById(poisonId));
        assertEquals(3, parked.attempts, "parked after the configured 3 counted attempts");
        assertTrue(parked.lastError.contains("RecordTooLarge"), parked.lastError);
        OutboxEvent waiting = QuarkusTransaction.requiringNew().call(() -> OutboxEvent.findById(waitingId));
        assertNull(waiting.sentAt, "a later row of the parked row's key waits behind it");
        assertNull(waiting.parkedAt);
        assertTrue(!keysOnKafka(run).contains(run + "P"), "nothing of the parked key was sent");
        OutboxMonitor.Snapshot snapshot = monitor.measure();
        assertTrue(snapshot.parked() >= 1, "the parked row is counted");
        assertTrue(snapshot.backlog() >= 1, "the row waiting behind it is counted as backlog, not as parked");
        assertNotNull(snapshot.oldestUnsentAt(), "the oldest waiting row's age is known");

        // An operator removes the poison row: its key flows again.
        QuarkusTransaction.requiringNew().run(() -> OutboxEvent.deleteById(poisonId));
        await().atMost(PATIENCE).until(() -> keysOnKafka(run).contains(run + "P"));
        assertNotNull(QuarkusTransaction.requiringNew().call(() -> OutboxEvent.<OutboxEvent>findById(waitingId).sentAt));
    }

    @Test
    void aTombstoneReachesTheCompactedTopicAsANullValueWithItsHeaders() {
        String key = "guest-" + UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> outbox.addTombstone(Topic.CRM_GUESTS, key, eventId, "erasure-1"));
        await().atMost(PATIENCE).until(() -> KafkaTestClients.readRaw(Topic.CRM_GUESTS.topicName()).stream()
                .anyMatch(r -> key.equals(r.key())));
        ConsumerRecord<String, byte[]> tombstone = KafkaTestClients.readRaw(Topic.CRM_GUESTS.topicName()).stream()
                .filter(r -> key.equals(r.key())).findFirst().orElseThrow();
        assertNull(tombstone.value(), "a tombstone has no value");
        assertEquals(eventId.toString(), new String(tombstone.headers().lastHeader("event-id").value(),
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(Outbox.TOMBSTONE, new String(tombstone.headers().lastHeader("event-type").value(),
                java.nio.charset.StandardCharsets.UTF_8));
        // On a topic that is not compacted a tombstone means nothing: refused before anything is stored.
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> QuarkusTransaction.requiringNew()
                .run(() -> outbox.addTombstone(Topic.PMS_PROFILES, key, UUID.randomUUID(), "x")));
    }

    @Test
    void extraHeadersOfARowGoToKafkaBesideTheRelaysOwnAndTheValueIsTheRecordAsWritten() throws Exception {
        String key = "headers-" + UUID.randomUUID();
        GuestProfileChanged record = profile("H");
        QuarkusTransaction.requiringNew().run(() -> outbox.add(Topic.PMS_PROFILES, key, record,
                java.util.Map.of("communication-status", "BOUNCED", "hotel-code", "MUC")));
        await().atMost(PATIENCE).until(() -> keysOnKafka("headers-").contains(key));
        ConsumerRecord<String, byte[]> sent = KafkaTestClients.readRaw(TOPIC).stream().filter(r -> key.equals(r.key()))
                .findFirst().orElseThrow();
        assertEquals("BOUNCED", ProbeTraffic.header(sent, "communication-status"));
        assertEquals("MUC", ProbeTraffic.header(sent, "hotel-code"));
        assertEquals(record.getMetadata().getEventId().toString(), ProbeTraffic.header(sent, "event-id"));
        assertEquals("GuestProfileChanged", ProbeTraffic.header(sent, "event-type"));
        // The value is the registry's wire format (magic byte 0), not the stored framing: it decodes to the record.
        assertEquals(0, sent.value()[0], "the value starts with the registry's magic byte");
        try (io.apicurio.registry.serde.avro.AvroKafkaDeserializer<GuestProfileChanged> deserializer =
                new io.apicurio.registry.serde.avro.AvroKafkaDeserializer<>()) {
            java.util.Map<String, Object> config = new java.util.HashMap<>(
                    org.guestcrm.platform.kafka.KafkaSettings.registrySerdeProperties());
            config.put("apicurio.registry.use-specific-avro-reader", "true");
            deserializer.configure(config, false);
            assertEquals(record, deserializer.deserialize(TOPIC, sent.headers(), sent.value()));
        }
        // Names the relay sets itself cannot be overridden, and a value is one line.
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> QuarkusTransaction.requiringNew()
                .run(() -> outbox.add(Topic.PMS_PROFILES, key, profile("X"), java.util.Map.of("event-type", "Other"))));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> QuarkusTransaction.requiringNew()
                .run(() -> outbox.add(Topic.PMS_PROFILES, key, profile("X"), java.util.Map.of("status", "a\nb"))));
    }

    private static Set<String> keysOnKafka(String run) {
        return KafkaTestClients.readRaw(TOPIC).stream().map(ConsumerRecord::key)
                .filter(key -> key != null && key.startsWith(run)).collect(Collectors.toSet());
    }
}
