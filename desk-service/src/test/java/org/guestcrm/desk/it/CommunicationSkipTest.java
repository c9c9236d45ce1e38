package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Issue 5, the desk's share of crm.communications: through the real broker, registry and PostgreSQL, per booking the
 * journey's five SCHEDULED events with their {@code communication-status} header are acknowledged unread (never
 * decoded: even bytes that are no Avro record under that header are no dead letter), never reach the intake (no
 * transaction, no processed-event row, no tally); a SCHEDULED without the header (an older producer) is still decoded
 * and then dropped by the handler's {@code wants}; the confirmation SENT (header set) and a pre-stay SENT without the
 * header both still move their documents and are counted.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class CommunicationSkipTest {

    private static final Logger LOG = Logger.getLogger(CommunicationSkipTest.class);
    static final int BOOKINGS = 10;
    static final List<String> STEPS = List.of("CONFIRMATION", "PRE_STAY", "PRE_CHECK_IN", "IN_STAY", "POST_STAY_SURVEY");

    @Inject
    MeterRegistry meters;
    @Inject
    EntityManager entityManager;

    @Test
    void scheduledRecordsAreSkippedUnreadAndOutcomesWithOrWithoutTheHeaderStillApply() throws Exception {
        Stay base = Stay.unique("BERLIN");
        Instant booked = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<Stay> stays = new ArrayList<>();
        List<ProducerRecord<String, Object>> records = new ArrayList<>();
        List<UUID> skippedIds = new ArrayList<>();
        List<UUID> unlabelledIds = new ArrayList<>();
        List<String> garbageKeys = new ArrayList<>();
        for (int i = 0; i < BOOKINGS; i++) {
            Stay stay = base.withReservation(base.reservationId() + "-" + i);
            stays.add(stay);
            KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                    stay.snapshot(1, ReservationStatus.CONFIRMED, booked));
            UUID confirmation = UUID.randomUUID();
            UUID preStay = UUID.randomUUID();
            for (String step : STEPS) {
                CommunicationEvent scheduled = CommunicationEvent.newBuilder(DocumentLockOrderTest.sent(stay, step,
                        step.equals("CONFIRMATION") ? confirmation : step.equals("PRE_STAY") ? preStay : UUID.randomUUID()))
                        .setStatus(CommunicationStatus.SCHEDULED).build();
                skippedIds.add(scheduled.getMetadata().getEventId());
                records.add(record(stay.key(), scheduled, true));
            }
            // No Avro at all, under a SCHEDULED header: never read, so never a dead letter.
            String garbageKey = stay.key() + ":garbage";
            garbageKeys.add(garbageKey);
            RecordHeaders garbageHeaders = new RecordHeaders();
            garbageHeaders.add("communication-status", "SCHEDULED".getBytes(StandardCharsets.UTF_8));
            records.add(new ProducerRecord<>(Topic.CRM_COMMUNICATIONS.topicName(), null, garbageKey,
                    "not avro".getBytes(StandardCharsets.UTF_8), garbageHeaders));
            // An older producer: no status header. Decoded, then dropped by the handler (RESCHEDULED).
            CommunicationEvent unlabelled = CommunicationEvent.newBuilder(DocumentLockOrderTest.sent(stay, "IN_STAY",
                    UUID.randomUUID())).setStatus(CommunicationStatus.RESCHEDULED).build();
            unlabelledIds.add(unlabelled.getMetadata().getEventId());
            records.add(record(stay.key(), unlabelled, false));
            // The outcomes: the confirmation SENT with its header, the pre-stay SENT from an older producer.
            records.add(record(stay.key(), DocumentLockOrderTest.sent(stay, "CONFIRMATION", confirmation), true));
            records.add(record(stay.key(), DocumentLockOrderTest.sent(stay, "PRE_STAY", preStay), false));
        }
        double unreadBefore = count("desk.communications.unread", null);
        double ignoredBefore = count("guestcrm.intake.records", "ignored");
        double appliedBefore = count("guestcrm.intake.records", "applied");
        send(records);

        for (Stay stay : stays) {
            DocumentsTest.awaitDocuments(stay, d -> "SENT".equals(d.getString("find { it.kind == 'CONFIRMATION' }.state"))
                    && "SENT".equals(d.getString("find { it.kind == 'PRE_ARRIVAL' }.state")));
        }
        // The counters move after each batch's commit; the outcomes were the last records of every key.
        await().atMost(Duration.ofSeconds(30)).until(() -> count("guestcrm.intake.records", "applied") - appliedBefore
                >= 2 * BOOKINGS && count("desk.communications.unread", null) - unreadBefore >= BOOKINGS * (STEPS.size() + 1)
                && count("guestcrm.intake.records", "ignored") - ignoredBefore >= BOOKINGS);
        double unread = count("desk.communications.unread", null) - unreadBefore;
        double ignored = count("guestcrm.intake.records", "ignored") - ignoredBefore;
        double applied = count("guestcrm.intake.records", "applied") - appliedBefore;
        LOG.infof("%d bookings: %.0f records skipped unread, %.0f decoded and dropped, %.0f applied", BOOKINGS, unread,
                ignored, applied);
        assertEquals(BOOKINGS * (STEPS.size() + 1), unread, "five SCHEDULED per booking and the garbage are never read");
        // (other classes' late records in the same JVM may add to the decoded counts, never to the unread one)
        assertTrue(ignored >= BOOKINGS, "the records without header are decoded and then dropped: " + ignored);
        assertEquals(0, processedRows(skippedIds), "no processed-event row for a record skipped unread");
        assertEquals(0, processedRows(unlabelledIds), "nor for a decoded record the handler does not want");
        assertEquals(List.of("SENT:" + 2 * BOOKINGS), tally(base.tenant()),
                "only the outcomes are counted in the figures, nothing for SCHEDULED/RESCHEDULED");
        assertTrue(KafkaTestClients.readRaw("crm.communications.dlq").stream().noneMatch(r -> garbageKeys.contains(r.key())),
                "a record skipped from its header is never read, so never a dead letter");
    }

    static ProducerRecord<String, Object> record(String key, CommunicationEvent event, boolean withStatus) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("event-id", event.getMetadata().getEventId().toString().getBytes(StandardCharsets.UTF_8));
        headers.add("event-type", "CommunicationEvent".getBytes(StandardCharsets.UTF_8));
        if (withStatus) {
            headers.add("communication-status", event.getStatus().name().getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(Topic.CRM_COMMUNICATIONS.topicName(), null, key, event, headers);
    }

    /** Serialises Avro values with the registry (raw bytes as they are), keeping each record's headers. */
    static void send(List<ProducerRecord<String, Object>> records) {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", KafkaTestClients.bootstrapServers());
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("acks", "all");
        java.util.Map<String, Object> registry = java.util.Map.of("apicurio.registry.url", KafkaTestClients.registryUrl(),
                "apicurio.registry.auto-register", "true",
                "apicurio.registry.artifact-resolver-strategy", "io.apicurio.registry.serde.avro.strategy.RecordIdStrategy");
        try (AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>();
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            serializer.configure(registry, false);
            for (ProducerRecord<String, Object> r : records) {
                byte[] bytes = r.value() instanceof byte[] raw ? raw : serializer.serialize(r.topic(), r.headers(), r.value());
                producer.send(new ProducerRecord<>(r.topic(), null, r.key(), bytes, r.headers()));
            }
            producer.flush();
        } catch (Exception e) {
            throw new IllegalStateException("Could not send the test records", e);
        }
    }

    private double count(String meter, String outcome) {
        var search = meters.find(meter);
        if (outcome != null) {
            search = search.tags("consumer", "desk-communications", "outcome", outcome);
        }
        Counter counter = search.counter();
        return counter == null ? 0 : counter.count();
    }

    private long processedRows(List<UUID> ids) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "select count(*) from processed_event where event_id in (?1)").setParameter(1, ids).getSingleResult())
                .longValue());
    }

    @SuppressWarnings("unchecked")
    private List<String> tally(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> ((List<Object[]>) entityManager.createNativeQuery(
                "select status, sum(events) from communication_tally where tenant = ?1 group by status order by status")
                .setParameter(1, tenant).getResultList()).stream().map(r -> r[0] + ":" + ((Number) r[1]).longValue())
                .toList());
    }
}
