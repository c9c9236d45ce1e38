package org.guestcrm.journey.noshow;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The no-show cut-off through the real broker, registry and PostgreSQL: a confirmed booking that never checks in is
 * a no-show once its hotel's cut-off has passed (the sweep is run with the test's clock), once, and a late check-in
 * from the PMS reverses it. Test profile: hotel LATECUT 23:00 on the arrival day, tenant cutoff-tenant 06:00 the next
 * morning, hotel SEEBLICK (other tenants) none; hotel zones UTC.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class NoShowCutoffTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RESERVATIONS = Topic.PMS_RESERVATIONS.topicName();

    @Inject
    NoShowCutoffs cutoffs;
    @Inject
    EntityManager entityManager;

    @Test
    void aConfirmedGuestNotCheckedInByTheHotelsCutoffIsANoShowOnceAndALateCheckInReversesIt() {
        // Arrival tomorrow: the real clock of the intake is always before its cut-off; the sweep gets its own.
        LocalDate arrival = LocalDate.now(ZoneOffset.UTC).plusDays(1);
        Booking late = withHotel(Booking.unique(), "LATECUT");
        Booking elsewhere = Booking.unique();
        KafkaTestClients.sendAvro(RESERVATIONS, late.key(),
                late.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        KafkaTestClients.sendAvro(RESERVATIONS, elsewhere.key(),
                elsewhere.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        awaitCommunications(late, list -> "SCHEDULED".equals(statusOf(list, "IN_STAY")));
        awaitCommunications(elsewhere, list -> "SCHEDULED".equals(statusOf(list, "IN_STAY")));

        cutoffs.sweepAt(at(arrival, "22:59"));
        JsonPath before = communications(late);
        assertEquals("SCHEDULED", statusOf(before, "IN_STAY"), "a minute before the cut-off nothing changes");
        assertNull(before.get("find { it.step == 'NO_SHOW' }"));

        Instant sweptAt = at(arrival, "23:30");
        cutoffs.sweepAt(sweptAt);
        JsonPath noShow = communications(late);
        String reason = "no-show: not checked in by the cut-off (23:00 on the arrival day)";
        assertEquals("CANCELLED", statusOf(noShow, "IN_STAY"));
        assertEquals(reason, noShow.getString("find { it.step == 'IN_STAY' }.reason"));
        assertEquals("CANCELLED", statusOf(noShow, "POST_STAY_SURVEY"));
        assertEquals(reason, noShow.getString("find { it.step == 'POST_STAY_SURVEY' }.reason"));
        assertEquals("SCHEDULED", statusOf(noShow, "NO_SHOW"), "the follow-up is planned");
        assertEquals(at(arrival.plusDays(1), "10:00").toString(),
                Instant.parse(noShow.getString("find { it.step == 'NO_SHOW' }.dueAt")).toString());
        assertEquals("SCHEDULED", statusOf(communications(elsewhere), "IN_STAY"), "a hotel without a cut-off");
        String inStayId = noShow.getString("find { it.step == 'IN_STAY' }.id");
        ConsumerRecord<String, CommunicationEvent> cancelled = KafkaTestClients.<CommunicationEvent>awaitAvroRecords(
                Topic.CRM_COMMUNICATIONS.topicName(),
                (ConsumerRecord<String, CommunicationEvent> r) -> r.value() != null
                        && r.value().getCommunicationId().toString().equals(inStayId)
                        && r.value().getStatus() == CommunicationStatus.CANCELLED, 1, WAIT).getFirst();
        assertEquals(reason, cancelled.value().getReason());
        assertEquals(late.key(), cancelled.key());

        // Swept again (a second replica, a restart, the next minute): decided once, nothing changes.
        Object decidedAt = cutoffAt(late);
        cutoffs.sweepAt(at(arrival, "23:45"));
        cutoffs.sweepAt(at(arrival.plusDays(1), "01:00"));
        assertEquals(decidedAt, cutoffAt(late));
        assertEquals(noShow.getList("updatedAt"), communications(late).getList("updatedAt"));
        String followUpId = noShow.getString("find { it.step == 'NO_SHOW' }.id");
        assertEquals(1, communications(late).getList("findAll { it.step == 'NO_SHOW' }").size(), "one follow-up");
        // A newly planned step publishes no SCHEDULED event (issue 5: nobody reads it; journey.outbox.publish-scheduled).
        // The in-stay's CANCELLED of the same transaction was relayed above, so a SCHEDULED would be there by now.
        assertEquals(0, KafkaTestClients.<CommunicationEvent>readAvro(Topic.CRM_COMMUNICATIONS.topicName()).stream()
                .filter(r -> r.value() != null && r.value().getCommunicationId().toString().equals(followUpId))
                .count(), "no event for the follow-up planned");

        // The guest arrives late: the PMS reports the check-in. The follow-up is cancelled, in-stay and survey return.
        ReservationChanged checkedIn = late.snapshot(2, ReservationStatus.CHECKED_IN, arrival, arrival.plusDays(3));
        KafkaTestClients.sendAvro(RESERVATIONS, late.key(), checkedIn);
        JsonPath reversed = awaitCommunications(late, list -> "CANCELLED".equals(statusOf(list, "NO_SHOW")));
        assertEquals("no-show reversed", reversed.getString("find { it.step == 'NO_SHOW' }.reason"));
        assertEquals("SCHEDULED", statusOf(reversed, "IN_STAY"));
        assertEquals("SCHEDULED", statusOf(reversed, "POST_STAY_SURVEY"));
        assertNull(cutoffAt(late), "the decision is cleared");
        cutoffs.sweepAt(at(arrival.plusDays(1), "02:00"));
        assertEquals("SCHEDULED", statusOf(communications(late), "IN_STAY"), "a checked-in guest is never swept");
    }

    @Test
    void theTenantsNextMorningCutoffAppliesToItsHotelsAndASnapshotAfterItIsDecidedByTheIntake() {
        LocalDate arrival = LocalDate.now(ZoneOffset.UTC).plusDays(1);
        Booking booking = inTenant(Booking.unique(), "cutoff-tenant");
        ReservationChanged created = booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2));
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(), created);
        awaitCommunications(booking, list -> "SCHEDULED".equals(statusOf(list, "IN_STAY")));

        cutoffs.sweepAt(at(arrival, "23:30"));
        assertEquals("SCHEDULED", statusOf(communications(booking), "IN_STAY"), "the cut-off is the next morning");
        cutoffs.sweepAt(at(arrival.plusDays(1), "06:30"));
        JsonPath noShow = communications(booking);
        assertEquals("no-show: not checked in by the cut-off (06:00 the day after arrival)",
                noShow.getString("find { it.step == 'IN_STAY' }.reason"));
        assertEquals("SCHEDULED", statusOf(noShow, "NO_SHOW"));

        // A later PMS change that still says CONFIRMED (same dates) leaves it a no-show; a redelivery changes nothing.
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(), created);
        ReservationChanged touched = booking.snapshot(2, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2));
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(), touched);
        awaitProcessed(touched.getMetadata().getEventId());
        JsonPath after = communications(booking);
        assertEquals("SCHEDULED", statusOf(after, "NO_SHOW"));
        assertEquals("CANCELLED", statusOf(after, "IN_STAY"));
        assertEquals(noShow.getList("updatedAt"), after.getList("updatedAt"));

        // Moved to a later arrival by the PMS: no longer a no-show; the follow-up is cancelled, the stay replanned.
        LocalDate moved = arrival.plusDays(7);
        KafkaTestClients.sendAvro(RESERVATIONS, booking.key(),
                booking.snapshot(3, ReservationStatus.CONFIRMED, moved, moved.plusDays(2)));
        JsonPath replanned = awaitCommunications(booking, list -> "CANCELLED".equals(statusOf(list, "NO_SHOW")));
        assertEquals("no-show reversed", replanned.getString("find { it.step == 'NO_SHOW' }.reason"));
        assertEquals("SCHEDULED", statusOf(replanned, "IN_STAY"));
        assertEquals(at(moved.plusDays(1), "10:00"),
                Instant.parse(replanned.getString("find { it.step == 'IN_STAY' }.dueAt")));
    }

    private static Booking withHotel(Booking booking, String hotel) {
        return new Booking(booking.tenant(), hotel, booking.reservationId(), booking.email());
    }

    private static Booking inTenant(Booking booking, String tenant) {
        return new Booking(tenant, "MORNING" + UUID.randomUUID().toString().substring(0, 4), booking.reservationId(),
                booking.email());
    }

    private static Instant at(LocalDate day, String time) {
        return day.atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC);
    }

    private static String statusOf(JsonPath list, String step) {
        return list.getString("find { it.step == '" + step + "' }.status");
    }

    private static JsonPath communications(Booking booking) {
        return Staff.viewer(booking.tenant()).get(booking.communicationsPath()).then().statusCode(200).extract()
                .jsonPath();
    }

    private static JsonPath awaitCommunications(Booking booking, Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var response = Staff.viewer(booking.tenant()).get(booking.communicationsPath());
            if (response.statusCode() != 200) {
                return false;
            }
            last[0] = response.jsonPath();
            return condition.test(last[0]);
        });
        return last[0];
    }

    private Object cutoffAt(Booking booking) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                        "SELECT no_show_cutoff_at FROM reservation WHERE tenant = :t AND hotel_code = :h"
                                + " AND pms_reservation_id = :r")
                .setParameter("t", booking.tenant()).setParameter("h", booking.hotelCode())
                .setParameter("r", booking.reservationId()).getSingleResult());
    }

    private void awaitProcessed(UUID eventId) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> ((Number) entityManager.createNativeQuery(
                                "SELECT count(*) FROM processed_event WHERE event_id = :id")
                        .setParameter("id", eventId).getSingleResult()).intValue() == 1));
    }
}
