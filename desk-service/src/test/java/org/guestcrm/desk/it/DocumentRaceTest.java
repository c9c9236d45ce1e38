package org.guestcrm.desk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.platform.intake.BatchIntake;
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
 * Issue 5: the reservation consumer and the communication consumer see the same reservations at the same moment (its
 * booking on pms.reservations and its confirmation SENT on crm.communications, produced together), so both insert the
 * same CONFIRMATION document concurrently. Neither batch may fail on {@code document_once}: BatchIntake never falls
 * back to record-by-record isolation (its INFO line "applying them one by one" is counted), nothing is dead-lettered,
 * and every reservation ends with its three documents, the confirmation SENT.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class DocumentRaceTest {

    static final int RESERVATIONS = 60;
    static final List<String> DESK_CONSUMERS = List.of("desk-reservations", "desk-communications");

    @Inject
    MeterRegistry meters;

    @Test
    void bothConsumersCreatingTheSameDocumentAtOnceNeverFallBackToIsolation() throws Exception {
        List<LogRecord> isolations = new CopyOnWriteArrayList<>();
        Handler watcher = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String text = record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                        : String.valueOf(record.getMessage());
                if (text != null && text.contains("one by one")
                        && DESK_CONSUMERS.stream().anyMatch(c -> text.startsWith(c + ":"))) {
                    isolations.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        // Quarkus logs through JBoss LogManager's context (the JDK's own java.util.logging tree never sees the line).
        java.util.logging.Logger intakeLog = org.jboss.logmanager.LogContext.getLogContext()
                .getLogger(BatchIntake.class.getName());
        intakeLog.addHandler(watcher);
        // The watcher sees what BatchIntake logs (same logger, same context): a line of its shape is counted.
        org.jboss.logging.Logger.getLogger(BatchIntake.class).infof("%s: watcher check, applying them one by one",
                "desk-reservations");
        assertEquals(1, isolations.size(), "the watcher hears BatchIntake's logger");
        isolations.clear();
        double deadLetteredBefore = deadLettered();
        Stay base = Stay.unique("BERLIN");
        List<Stay> stays = new ArrayList<>();
        List<UUID> confirmations = new ArrayList<>();
        try {
            Instant booked = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            try (KafkaProducer<String, Object> producer = new KafkaProducer<>(producerProps())) {
                for (int i = 0; i < RESERVATIONS; i++) {
                    Stay stay = base.withReservation(base.reservationId() + "-" + i);
                    UUID confirmation = UUID.randomUUID();
                    stays.add(stay);
                    confirmations.add(confirmation);
                    producer.send(new ProducerRecord<>(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                            stay.snapshot(1, ReservationStatus.CONFIRMED, booked)));
                    producer.send(new ProducerRecord<>(Topic.CRM_COMMUNICATIONS.topicName(), stay.key(),
                            confirmationSent(stay, confirmation)));
                }
                producer.flush();
            }
            for (int i = 0; i < RESERVATIONS; i++) {
                Stay stay = stays.get(i);
                JsonPath documents = DocumentsTest.awaitDocuments(stay, d -> d.getList("kind").size() == 3
                        && "SENT".equals(d.getString("find { it.kind == 'CONFIRMATION' }.state")));
                assertEquals(List.of("CONFIRMATION", "PRE_ARRIVAL", "ONLINE_CHECK_IN"), documents.getList("kind"),
                        "reservation " + stay.reservationId() + " owes each document once");
                assertEquals(List.of("SENT", "DUE", "DUE"), documents.getList("state"), stay.reservationId());
                assertNotNull(documents.getString("[0].sentAt"), stay.reservationId());
                assertEquals(confirmations.get(i).toString(), documents.getString("[0].communicationId"),
                        stay.reservationId());
            }
        } finally {
            intakeLog.removeHandler(watcher);
        }
        assertEquals(0, isolations.size(), "no desk batch fell back to record-by-record isolation");
        assertEquals(deadLetteredBefore, deadLettered(), "nothing was dead-lettered");
    }

    private double deadLettered() {
        double sum = 0;
        for (String consumer : DESK_CONSUMERS) {
            Counter counter = meters.find("guestcrm.intake.records").tag("consumer", consumer)
                    .tag("outcome", "dead_lettered").counter();
            sum += counter == null ? 0 : counter.count();
        }
        return sum;
    }

    private static CommunicationEvent confirmationSent(Stay stay, UUID communicationId) {
        return CommunicationEvent.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("CommunicationEvent")
                        .setOccurredAt(Instant.now()).setSource("journey-service").setTenantId(stay.tenant())
                        .setCorrelationId("corr-" + UUID.randomUUID()).build())
                .setCommunicationId(communicationId)
                .setHotelCode(stay.hotelCode())
                .setPmsReservationId(stay.reservationId())
                .setStep("CONFIRMATION")
                .setChannel(CommunicationChannel.EMAIL)
                .setStatus(CommunicationStatus.SENT)
                .setTenantId(stay.tenant())
                .build();
    }

    private static Properties producerProps() {
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
