package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Issue 5 (b): the reservations consumer records no processed-event row (its writes are guarded by the snapshot
 * version), so a redelivered batch is applied again; through the real broker, registry and PostgreSQL it must have no
 * second effect. A batch of requests (TENTATIVE: lead + call-back + TaskChanged OPENED), requests then bookings
 * (WAITLISTED v1, CONFIRMED v2: lead booked, task DONE + TaskChanged DONE, documents owed) and bookings (CONFIRMED: three
 * documents) is applied; then the very same records (same event ids, same order) are delivered again and taken in by
 * the intake (its applied count rises by all of them: nothing deduplicated them by id): leads, tasks, outbox events,
 * documents and the reservations' snapshot rows are exactly as they were (not even rewritten: same updated_at).
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class ReservationRedeliveryTest {

    static final int PER_KIND = 3;

    @Inject
    MeterRegistry meters;
    @Inject
    EntityManager entityManager;

    @Test
    void aRedeliveredBatchOfReservationsHasNoSecondEffect() throws Exception {
        Stay base = Stay.unique("BERLIN");
        Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<ProducerRecord<String, Object>> batch = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < PER_KIND; i++) {
            Stay request = base.withReservation(base.reservationId() + "-req-" + i);
            add(batch, ids, request, request.snapshot(1, ReservationStatus.TENTATIVE, at));
            Stay converted = base.withReservation(base.reservationId() + "-conv-" + i);
            add(batch, ids, converted, converted.snapshot(1, ReservationStatus.WAITLISTED, at));
            add(batch, ids, converted, converted.snapshot(2, ReservationStatus.CONFIRMED, at.plusSeconds(60)));
            Stay booking = base.withReservation(base.reservationId() + "-book-" + i);
            add(batch, ids, booking, booking.snapshot(1, ReservationStatus.CONFIRMED, at));
        }
        String tenant = base.tenant();

        double appliedBefore = applied();
        send(batch);
        // Applied: 6 leads (3 open, 3 booked), 6 call-backs (3 OPEN, 3 DONE), 9 TaskChanged, 6 x 3 documents.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                scalar("select count(*) from lead where tenant = ?1 and status = 'BOOKED'", tenant) == PER_KIND
                && scalar("select count(*) from task where tenant = ?1 and status = 'OPEN'", tenant) == PER_KIND
                && scalar("select count(*) from document where tenant = ?1", tenant) == 6L * PER_KIND
                && scalar("select count(*) from reservation_state where tenant = ?1 and pms_sequence = 2", tenant) == PER_KIND);
        await().atMost(Duration.ofSeconds(30)).until(() -> applied() - appliedBefore >= batch.size());
        String first = fingerprint(tenant);
        assertEquals(PER_KIND * 2L, scalar("select count(*) from task where tenant = ?1", tenant));
        assertEquals(PER_KIND * 3L, outboxEvents(tenant), "OPENED for each call-back, DONE for each booked one");
        assertEquals(0, processedRows(ids), "the reservations consumer writes no processed-event row");

        double appliedBeforeRedelivery = applied();
        send(batch); // the same records again: what a redelivery after a lost offset commit looks like to the desk
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> applied() - appliedBeforeRedelivery >= batch.size());

        assertEquals(first, fingerprint(tenant), "no lead, task, document or snapshot row changed, none was added");
        assertEquals(PER_KIND * 2L, scalar("select count(*) from task where tenant = ?1", tenant), "no second task");
        assertEquals(PER_KIND * 3L, outboxEvents(tenant), "no second TaskChanged");
        assertEquals(0, processedRows(ids));
        assertFalse(first.isBlank());
    }

    private static void add(List<ProducerRecord<String, Object>> batch, List<UUID> ids, Stay stay, ReservationChanged r) {
        batch.add(new ProducerRecord<>(Topic.PMS_RESERVATIONS.topicName(), stay.key(), r));
        ids.add(r.getMetadata().getEventId());
    }

    private static void send(List<ProducerRecord<String, Object>> batch) throws Exception {
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(DocumentLockOrderTest.producerProps())) {
            for (ProducerRecord<String, Object> record : batch) {
                producer.send(record);
            }
            producer.flush();
        }
    }

    private double applied() {
        Counter counter = meters.find("guestcrm.intake.records").tags("consumer", "desk-reservations", "outcome", "applied")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** Every row the reservations consumer writes for the tenant, with the columns that move when it is rewritten. */
    @SuppressWarnings("unchecked")
    private String fingerprint(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> {
            StringBuilder all = new StringBuilder();
            for (String sql : List.of(
                    "select id, status, updated_at, closed_at from lead where tenant = ?1 order by id",
                    "select id, status, outcome, attempt, updated_at from task where tenant = ?1 order by id",
                    "select reservation_key, kind, state, due_at, updated_at from document where tenant = ?1 order by 1, 2",
                    "select reservation_key, status, pms_sequence, last_event_id, updated_at from reservation_state"
                            + " where tenant = ?1 order by 1")) {
                for (Object row : entityManager.createNativeQuery(sql).setParameter(1, tenant).getResultList()) {
                    all.append(java.util.Arrays.toString((Object[]) row)).append('\n');
                }
            }
            return all.toString();
        });
    }

    private long outboxEvents(String tenant) {
        return scalar("""
                select count(*) from outbox_event where topic = 'crm.tasks'
                  and record_key in (select cast(id as varchar) from task where tenant = ?1)""", tenant);
    }

    private long processedRows(List<UUID> ids) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "select count(*) from processed_event where consumer = 'desk-reservations' and event_id in (?1)")
                .setParameter(1, ids).getSingleResult()).longValue());
    }

    private long scalar(String sql, String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(sql)
                .setParameter(1, tenant).getSingleResult()).longValue());
    }
}
