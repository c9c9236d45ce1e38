package org.guestcrm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.ErasureRequester;
import org.guestcrm.events.EventMetadata;
import org.junit.jupiter.api.Test;

class KafkaTestClientsTest {

    @org.junit.jupiter.api.BeforeAll
    static void realServers() {
        // What RealInfrastructure hands a @QuarkusTest, as system properties for this plain test.
        System.setProperty("kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers());
        System.setProperty("mp.messaging.connector.smallrye-kafka.apicurio.registry.url", SchemaRegistry.shared().apiUrl());
    }

    @Test
    void readsAvroRecordsAndTombstonesBackWithTheirKeysAndHeaders() {
        String topic = "test.clients-" + UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        KafkaTestClients.sendAvro(topic, "t1:a", erasure(first));
        KafkaTestClients.sendAvro(topic, "t1:b", erasure(second));
        KafkaTestClients.sendRaw(topic, "t1:a", null);

        List<ConsumerRecord<String, ErasureRequested>> records = KafkaTestClients.<ErasureRequested>awaitAvroRecords(
                topic, r -> true, 3, Duration.ofSeconds(30));
        assertEquals(List.of("t1:a", "t1:b", "t1:a"), records.stream().map(ConsumerRecord::key).toList());
        assertEquals(first, records.get(0).value().getErasureId());
        assertEquals(second, records.get(1).value().getErasureId());
        assertNull(records.get(2).value(), "a tombstone reads back as null");

        // A second read of the same topic decodes with the deserializer (and schema cache) of the first.
        List<KafkaTestClients.DecodedRecord<ErasureRequested>> decoded = KafkaTestClients.readDecoded(topic);
        assertEquals(3, decoded.size());
        assertEquals(second, decoded.get(1).value().getErasureId());
        assertEquals("t1:b", decoded.get(1).key());
    }

    private static ErasureRequested erasure(UUID id) {
        return ErasureRequested.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("ErasureRequested")
                        .setOccurredAt(Instant.parse("2026-12-03T07:00:00Z")).setSource("test").setTenantId("t1")
                        .setCorrelationId("c1").build())
                .setErasureId(id).setRequestedBy(ErasureRequester.STAFF)
                .setConfirmedAt(Instant.parse("2026-12-03T07:00:00Z")).build();
    }
}
