package org.guestcrm.desk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * The deadlock of `./crm bench 20000 8` (PostgreSQL 40P01 on document rows): the reservations consumer and the
 * communications consumer work on the same reservations at the same moment, through the real broker and database.
 * The bookings are produced in one order and their three documents' communications in the reverse order (as the
 * journey's partitions deliver them), so two batches that take document locks in the order of their records cross.
 * With the one global lock order (every document ensured and locked sorted by reservation_key, kind, before any
 * change) neither consumer meets a lock conflict: no transient failure (a 40P01 is retried as one), no fallback to
 * record-by-record isolation, nothing dead-lettered, and no update lost: every document ends SENT by its
 * communication.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class DocumentLockOrderTest {

    static final int ROUNDS = 3;
    static final int RESERVATIONS = 80;
    static final List<String> DESK_CONSUMERS = List.of("desk-reservations", "desk-communications");
    static final List<String> STEPS = List.of("CONFIRMATION", "PRE_STAY", "PRE_CHECK_IN");
    static final List<String> KINDS = List.of("CONFIRMATION", "PRE_ARRIVAL", "ONLINE_CHECK_IN");

    @Inject
    MeterRegistry meters;

    @Test
    void bothConsumersOnTheSameDocumentsInCrossedOrderNeverDeadlockNorLoseAnUpdate() throws Exception {
        double transientBefore = count("guestcrm.intake.transient.failures", null);
        double deadBefore = count("guestcrm.intake.records", "dead_lettered");
        for (int round = 0; round < ROUNDS; round++) {
            Stay base = Stay.unique("BERLIN");
            List<Stay> stays = new ArrayList<>();
            List<List<UUID>> communications = new ArrayList<>();
            Instant booked = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            try (KafkaProducer<String, Object> producer = new KafkaProducer<>(producerProps())) {
                for (int i = 0; i < RESERVATIONS; i++) {
                    Stay stay = base.withReservation(base.reservationId() + "-" + i);
                    stays.add(stay);
                    communications.add(List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()));
                }
                for (Stay stay : stays) {
                    producer.send(new ProducerRecord<>(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                            stay.snapshot(1, ReservationStatus.CONFIRMED, booked)));
                }
                for (int i = RESERVATIONS - 1; i >= 0; i--) {
                    for (int s = STEPS.size() - 1; s >= 0; s--) {
                        producer.send(new ProducerRecord<>(Topic.CRM_COMMUNICATIONS.topicName(), stays.get(i).key(),
                                sent(stays.get(i), STEPS.get(s), communications.get(i).get(s))));
                    }
                }
                producer.flush();
            }
            for (int i = 0; i < RESERVATIONS; i++) {
                Stay stay = stays.get(i);
                JsonPath documents = DocumentsTest.awaitDocuments(stay, d -> d.getList("kind").size() == 3
                        && d.getList("state").stream().allMatch("SENT"::equals));
                // Whichever consumer created a document first (its due time, so the list's order, follows), each
                // reservation owes each document once, SENT by its own communication.
                assertEquals(java.util.Set.of("CONFIRMATION", "PRE_ARRIVAL", "ONLINE_CHECK_IN"),
                        java.util.Set.copyOf(documents.getList("kind")));
                for (int s = 0; s < STEPS.size(); s++) {
                    assertEquals(communications.get(i).get(s).toString(), documents.getString(
                            "find { it.kind == '" + KINDS.get(s) + "' }.communicationId"),
                            stay.reservationId() + " " + STEPS.get(s));
                }
            }
        }
        assertEquals(transientBefore, count("guestcrm.intake.transient.failures", null),
                "no desk consumer met a lock conflict (40P01 is retried as a transient failure)");
        assertEquals(deadBefore, count("guestcrm.intake.records", "dead_lettered"), "nothing was dead-lettered");
    }

    private double count(String meter, String outcome) {
        double sum = 0;
        for (String consumer : DESK_CONSUMERS) {
            var search = meters.find(meter).tag("consumer", consumer);
            Counter counter = (outcome == null ? search : search.tag("outcome", outcome)).counter();
            sum += counter == null ? 0 : counter.count();
        }
        return sum;
    }

    static CommunicationEvent sent(Stay stay, String step, UUID communicationId) {
        return CommunicationEvent.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("CommunicationEvent")
                        .setOccurredAt(Instant.now()).setSource("journey-service").setTenantId(stay.tenant())
                        .setCorrelationId("corr-" + UUID.randomUUID()).build())
                .setCommunicationId(communicationId)
                .setHotelCode(stay.hotelCode())
                .setPmsReservationId(stay.reservationId())
                .setStep(step)
                .setChannel(CommunicationChannel.EMAIL)
                .setStatus(CommunicationStatus.SENT)
                .setTenantId(stay.tenant())
                .build();
    }

    static Properties producerProps() {
        Properties props = new Properties();
        props.put("bootstrap.servers", KafkaTestClients.bootstrapServers());
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", AvroKafkaSerializer.class.getName());
        props.put("apicurio.registry.url", KafkaTestClients.registryUrl());
        props.put("apicurio.registry.auto-register", "true");
        props.put("apicurio.registry.find-latest", "true");
        props.put("apicurio.registry.artifact-resolver-strategy",
                "io.apicurio.registry.serde.avro.strategy.RecordIdStrategy");
        props.put("acks", "all");
        props.put("linger.ms", "20");
        return props;
    }
}
