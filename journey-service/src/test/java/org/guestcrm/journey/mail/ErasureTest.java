package org.guestcrm.journey.mail;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.journey.mail.MailTestSupport.WAIT;
import static org.guestcrm.journey.mail.MailTestSupport.awaitCommunications;
import static org.guestcrm.journey.mail.MailTestSupport.stepIs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ContactPoint;
import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.ErasureRequester;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.platform.domain.ContactPointRef;
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
 * crm.erasures through Kafka and PostgreSQL: an ErasureRequested naming a guest's e-mail (by its ContactPointRef)
 * cancels the pending communications of every reservation of that guest and forgets the name, e-mail, phone and the
 * addresses the communications went to; one naming a guest id deletes its directory row; a redelivery changes
 * nothing; a request that names nobody goes to crm.erasures.dlq with the reason.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class ErasureTest {

    @Inject
    EntityManager entityManager;

    @Test
    void anErasureForgetsTheGuestOfEveryReservationAndCancelsWhatIsPending() {
        Booking first = Booking.unique();
        Booking second = new Booking(first.tenant(), "OTHERHOTEL", first.reservationId() + "b", first.email());
        Booking bystander = new Booking(first.tenant(), first.hotelCode(), first.reservationId() + "c",
                "other-" + first.email());
        for (Booking booking : List.of(first, second, bystander)) {
            MailTestSupport.book(booking);
            awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        }
        assertEquals(first.email().toLowerCase(), contactPointOfConfirmation(first));

        ErasureRequested erasure = erasure(first.tenant(), null,
                List.of(ContactPointRef.of(first.tenant(), "EMAIL", first.email().toLowerCase())));
        KafkaTestClients.sendAvro(Topic.CRM_ERASURES.topicName(), first.tenant() + ":x", erasure);

        for (Booking erased : List.of(first, second)) {
            JsonPath communications = awaitCommunications(erased, stepIs("PRE_STAY", "CANCELLED"));
            assertEquals("guest erased", communications.getString("find { it.step == 'PRE_STAY' }.reason"));
            assertEquals(List.of(), communications.getList("findAll { it.status == 'SCHEDULED' }"), erased.key());
            assertEquals("SENT", communications.getString("find { it.step == 'CONFIRMATION' }.status"),
                    "what was sent stays sent");
            Object[] guest = guestOf(erased);
            assertNull(guest[0], "name forgotten");
            assertNull(guest[1], "e-mail forgotten");
            assertEquals(Boolean.TRUE, guest[2]);
            assertNull(contactPointOfConfirmation(erased), "the address the confirmation went to is forgotten");
        }
        assertEquals(List.of(), awaitCommunications(bystander, list -> true)
                .getList("findAll { it.status == 'CANCELLED' }"), "another guest keeps everything");
        assertEquals(bystander.email().toLowerCase(), contactPointOfConfirmation(bystander));

        // A later snapshot from the PMS (which still has the guest) does not bring the data back.
        LocalDate arrival = LocalDate.now().plusDays(30);
        var later = first.snapshot(2, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3));
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), first.key(), later);
        await().atMost(WAIT).until(() -> later.getMetadata().getEventId().equals(lastEventOf(first)));
        assertNull(guestOf(first)[1], "still forgotten");

        // Redelivered, and the same request again under a new event id: nothing left to change.
        KafkaTestClients.sendAvro(Topic.CRM_ERASURES.topicName(), first.tenant() + ":x", erasure);
        ErasureRequested again = ErasureRequested.newBuilder(erasure).setMetadata(metadata(first.tenant())).build();
        KafkaTestClients.sendAvro(Topic.CRM_ERASURES.topicName(), first.tenant() + ":x", again);
        await().atMost(WAIT).until(() -> processed(again.getMetadata().getEventId()));
        assertEquals("CANCELLED", awaitCommunications(first, list -> true)
                .getString("find { it.step == 'PRE_STAY' }.status"));
    }

    @Test
    void anErasureByGuestIdDeletesTheDirectoryRowAndAProfileRefFindsTheReservation() {
        Booking booking = Booking.unique();
        MailTestSupport.book(booking);
        awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        String guestId = "g-" + UUID.randomUUID();
        GuestUpdated guest = GuestUpdated.newBuilder()
                .setMetadata(metadata(booking.tenant()))
                .setGuestId(guestId)
                .setVersion(1)
                .setLanguage("en")
                .setEmails(List.of(ContactPoint.newBuilder().setValue("dir-" + booking.email()).setPrimary(true)
                        .setSources(List.of()).build()))
                .setStayCount(1)
                .setSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId("P-" + booking.reservationId()).setHotelCode(booking.hotelCode()).build()))
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), guestId, guest);
        await().atMost(WAIT).until(() -> directoryRows(guestId) == 1);

        ErasureRequested erasure = ErasureRequested.newBuilder(erasure(booking.tenant(), guestId, List.of()))
                .setSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId("P-" + booking.reservationId()).setHotelCode(null).build()))
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_ERASURES.topicName(), booking.tenant() + ":" + guestId, erasure);

        await().atMost(WAIT).until(() -> directoryRows(guestId) == 0);
        JsonPath communications = awaitCommunications(booking, stepIs("PRE_STAY", "CANCELLED"));
        assertEquals("guest erased", communications.getString("find { it.step == 'PRE_STAY' }.reason"));
        assertNull(guestOf(booking)[1]);
    }

    @Test
    void anErasureThatNamesNobodyGoesToTheDeadLetterTopicWithTheReason() {
        String tenant = "tenant-" + UUID.randomUUID().toString().substring(0, 8);
        ErasureRequested nobody = erasure(tenant, null, List.of());
        KafkaTestClients.sendAvro(Topic.CRM_ERASURES.topicName(), tenant + ":nobody", nobody);

        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord(Topic.CRM_ERASURES.deadLetterTopicName(),
                r -> (tenant + ":nobody").equals(r.key()), WAIT);
        String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("guestId, contactPointRefs or sourceProfiles is required"), reason);
        assertTrue(reason.contains(nobody.getMetadata().getEventId().toString()), reason);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static ErasureRequested erasure(String tenant, String guestId, List<String> refs) {
        return ErasureRequested.newBuilder()
                .setMetadata(metadata(tenant))
                .setErasureId(UUID.randomUUID())
                .setGuestId(guestId)
                .setContactPointRefs(refs)
                .setSourceProfiles(List.of())
                .setRequestedBy(ErasureRequester.GUEST)
                .setConfirmedAt(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                .build();
    }

    private static EventMetadata metadata(String tenant) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("ErasureRequested")
                .setOccurredAt(Instant.now()).setSource("test").setTenantId(tenant)
                .setCorrelationId("corr-" + UUID.randomUUID()).setCausationId(null).setSchemaVersion(1).build();
    }

    private Object[] guestOf(Booking booking) {
        return QuarkusTransaction.requiringNew().call(() -> (Object[]) entityManager.createNativeQuery("""
                        SELECT guest_name, guest_email, guest_erased FROM reservation
                        WHERE tenant = :t AND hotel_code = :h AND pms_reservation_id = :r""")
                .setParameter("t", booking.tenant()).setParameter("h", booking.hotelCode())
                .setParameter("r", booking.reservationId()).getSingleResult());
    }

    private UUID lastEventOf(Booking booking) {
        return QuarkusTransaction.requiringNew().call(() -> (UUID) entityManager.createNativeQuery("""
                        SELECT last_event_id FROM reservation
                        WHERE tenant = :t AND hotel_code = :h AND pms_reservation_id = :r""")
                .setParameter("t", booking.tenant()).setParameter("h", booking.hotelCode())
                .setParameter("r", booking.reservationId()).getSingleResult());
    }

    private String contactPointOfConfirmation(Booking booking) {
        return QuarkusTransaction.requiringNew().call(() -> (String) entityManager.createNativeQuery("""
                        SELECT contact_point FROM communication
                        WHERE tenant = :t AND hotel_code = :h AND pms_reservation_id = :r AND step = 'CONFIRMATION'""")
                .setParameter("t", booking.tenant()).setParameter("h", booking.hotelCode())
                .setParameter("r", booking.reservationId()).getSingleResult());
    }

    private int directoryRows(String guestId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "SELECT count(*) FROM guest_directory WHERE guest_id = :g")
                .setParameter("g", guestId).getSingleResult()).intValue());
    }

    private boolean processed(UUID eventId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "SELECT count(*) FROM processed_event WHERE consumer = 'journey-erasures' AND event_id = :e")
                .setParameter("e", eventId).getSingleResult()).intValue()) == 1;
    }
}
