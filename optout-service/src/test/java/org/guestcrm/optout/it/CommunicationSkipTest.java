package org.guestcrm.optout.it;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.testsupport.KafkaTestClients;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * Issue 5, the opt-out's share of every booking: five of the six CommunicationEvents a booking causes (SCHEDULED,
 * SENT, ...) mean nothing here. Through the real broker and registry: records whose headers say so are acknowledged
 * without being decoded (no registry call, no Avro, no processed-event row, no transaction), counted per N events; a
 * record without the status header is still decoded and judged from its value; a bounce after them is applied.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class CommunicationSkipTest {

    private static final Logger LOG = Logger.getLogger(CommunicationSkipTest.class);
    private static final String CONSUMER = "optout-service-communications";

    @Inject
    AgroalDataSource dataSource;
    @Inject
    MeterRegistry meters;

    private static CommunicationEvent event(String tenant, String guestId, String address, CommunicationStatus status,
            String bounceType) {
        return CommunicationEvent.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("CommunicationEvent")
                        .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setSource("journey-service")
                        .setTenantId(tenant).setCorrelationId(UUID.randomUUID().toString()).build())
                .setCommunicationId(UUID.randomUUID()).setGuestId(guestId).setStep("PRE_STAY")
                .setChannel(CommunicationChannel.EMAIL).setStatus(status).setTenantId(tenant).setContactPoint(address)
                .setBounceType(bounceType).build();
    }

    /** The headers the platform's relay writes ({@code event-id}, {@code event-type}) and the status header. */
    private static RecordHeaders headers(CommunicationEvent event, boolean withStatus) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("event-id", event.getMetadata().getEventId().toString().getBytes(StandardCharsets.UTF_8));
        headers.add("event-type", "CommunicationEvent".getBytes(StandardCharsets.UTF_8));
        if (withStatus) {
            headers.add("communication-status", event.getStatus().name().getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static void send(List<ProducerRecord<String, Object>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestClients.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Map<String, Object> registry = Map.of("apicurio.registry.url", KafkaTestClients.registryUrl(),
                "apicurio.registry.auto-register", "true",
                "apicurio.registry.artifact-resolver-strategy", "io.apicurio.registry.serde.avro.strategy.RecordIdStrategy");
        try (AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>();
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            serializer.configure(registry, false);
            for (ProducerRecord<String, Object> r : records) {
                byte[] bytes = r.value() instanceof byte[] raw ? raw : serializer.serialize(r.topic(), r.headers(), r.value());
                producer.send(new ProducerRecord<>(r.topic(), null, r.key(), bytes, r.headers())).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not send the test records", e);
        }
    }

    private double ignoredDecoded() {
        Counter counter = meters.find("guestcrm.intake.records").tags("consumer", CONSUMER, "outcome", "ignored").counter();
        return counter == null ? 0 : counter.count();
    }

    private double unread() {
        Counter counter = meters.find("optout.communications.unread").counter();
        return counter == null ? 0 : counter.count();
    }

    private long processedRows(List<UUID> ids) throws Exception {
        try (var connection = dataSource.getConnection();
                var select = connection.prepareStatement(
                        "select count(*) from processed_event where consumer = ? and event_id = any(?)")) {
            select.setString(1, CONSUMER);
            select.setArray(2, connection.createArrayOf("uuid", ids.toArray()));
            try (var row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    @Test
    void routineCommunicationEventsAreAcknowledgedFromTheirHeadersWithoutDecodingOrDatabaseWork() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = PreferenceCentreTest.subscribed(tenant, "SK-" + UUID.randomUUID());
        String guestId = "guest-" + UUID.randomUUID();
        int bookings = 20;
        List<ProducerRecord<String, Object>> records = new ArrayList<>();
        List<UUID> routineIds = new ArrayList<>();
        // Per booking what the journey publishes: five steps scheduled and one sent.
        for (int b = 0; b < bookings; b++) {
            for (CommunicationStatus status : List.of(CommunicationStatus.SCHEDULED, CommunicationStatus.SCHEDULED,
                    CommunicationStatus.SCHEDULED, CommunicationStatus.SCHEDULED, CommunicationStatus.SCHEDULED,
                    CommunicationStatus.SENT)) {
                CommunicationEvent routine = event(tenant, guestId, address, status, null);
                routineIds.add(routine.getMetadata().getEventId());
                records.add(new ProducerRecord<>("crm.communications", null, guestId, routine, headers(routine, true)));
            }
        }
        int routine = records.size();
        // Bytes that are no Avro record at all, under a SCHEDULED header: never read, so never a dead letter.
        String garbageKey = "garbage-" + UUID.randomUUID();
        RecordHeaders garbageHeaders = new RecordHeaders();
        garbageHeaders.add("event-type", "CommunicationEvent".getBytes(StandardCharsets.UTF_8));
        garbageHeaders.add("communication-status", "SCHEDULED".getBytes(StandardCharsets.UTF_8));
        records.add(new ProducerRecord<>("crm.communications", null, garbageKey, "not avro".getBytes(StandardCharsets.UTF_8),
                garbageHeaders));
        // A producer that sets no status header: decoded and judged from its value (the fallback).
        CommunicationEvent unlabelled = event(tenant, guestId, address, CommunicationStatus.SCHEDULED, null);
        routineIds.add(unlabelled.getMetadata().getEventId());
        records.add(new ProducerRecord<>("crm.communications", null, guestId, unlabelled, headers(unlabelled, false)));
        // Then a hard bounce, labelled: applied (and proves the records before it were passed).
        CommunicationEvent bounce = event(tenant, guestId, address, CommunicationStatus.BOUNCED, "HARD");
        records.add(new ProducerRecord<>("crm.communications", null, guestId, bounce, headers(bounce, true)));

        double decodedBefore = ignoredDecoded();
        double unreadBefore = unread();
        send(records);
        await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> PreferenceCentreTest.consents(tenant, address)
                .body("current.find { it.purpose == 'MARKETING' }.status", equalTo("WITHDRAWN"))
                .body("current.find { it.purpose == 'MARKETING' }.source", equalTo("BOUNCE")));

        double decodedAndDropped = ignoredDecoded() - decodedBefore;
        double skippedUnread = unread() - unreadBefore;
        LOG.infof("Per %d routine CommunicationEvents (%d bookings) + 1 unlabelled + 1 garbage: %.0f skipped unread, "
                + "%.0f decoded and dropped, %d processed-event rows", routine, bookings, skippedUnread, decodedAndDropped,
                processedRows(routineIds));
        // Before this change every routine record was decoded and dropped (decodedAndDropped = 121, skipped 0).
        assertEquals(routine + 1, skippedUnread, "the labelled routine records and the garbage are never decoded");
        assertEquals(1, decodedAndDropped, "only the unlabelled record is decoded, then dropped by its status");
        assertEquals(0, processedRows(routineIds), "no processed-event row for a record of no use");
        assertTrue(KafkaTestClients.readRaw("crm.communications.dlq").stream().noneMatch(r -> garbageKey.equals(r.key())),
                "a record skipped from its headers is never read, so never a dead letter");
    }
}
