package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.Money;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationGuest;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Stays and spend from pms.reservations through Kafka and PostgreSQL: per guest across its profiles, per currency
 * and hotel; MISSING_FROM_EXPORT changes nothing; history stays history on crm.guests; older states and duplicates
 * change nothing; a reservation without its hotel goes to pms.reservations.dlq with the reason.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class StaysFlowTest {

    static ReservationChanged.Builder reservation(String tenant, String system, String hotel, String id, long sequence,
            String profileId, ReservationStatus status, LocalDate arrival, int nights, String amount, String currency) {
        return ReservationChanged.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("ReservationChanged")
                        .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setSource("test-" + system)
                        .setTenantId(tenant).setCorrelationId(UUID.randomUUID().toString()).build())
                .setChangeType(ReservationChangeType.MODIFIED)
                .setPmsSystem(system).setHotelCode(hotel).setPmsReservationId(id).setPmsSequence(sequence)
                .setStatus(status).setArrival(arrival).setDeparture(arrival.plusDays(nights))
                .setTotalAmount(amount == null ? null : Money.newBuilder()
                        .setAmount(new BigDecimal(amount).setScale(4)).setCurrency(currency).build())
                .setChannel("WEB")
                .setGuests(List.of(ReservationGuest.newBuilder().setPmsProfileId(profileId).setPrimary(true)
                        .setFirstName("Anna").setLastName("Muster").build()));
    }

    static void send(ReservationChanged r) {
        KafkaTestClients.sendAvro("pms.reservations",
                r.getMetadata().getTenantId() + ":" + r.getHotelCode() + ":" + r.getPmsReservationId(), r);
    }

    private static List<GuestUpdated> guestUpdates(String guestId) {
        return KafkaTestClients.<GuestUpdated>readAvro("crm.guests").stream().filter(r -> guestId.equals(r.key()))
                .map(ConsumerRecord::value).toList();
    }

    @Test
    void staysAndSpendOfAllTheGuestsProfilesPerCurrencyAndHotel() {
        String tenant = "tenant-" + UUID.randomUUID();
        LocalDate past = LocalDate.now().minusDays(200);
        // A reservation that arrives before its profile counts once the profile has a guest.
        send(reservation(tenant, "opera", "ZRH1", "R-1", 1, "P-1", ReservationStatus.CHECKED_OUT, past, 3, "600", "CHF").build());
        GuestProfiles.send(profile(tenant, "opera", "P-1", 1L).setEmails(List.of(email("stays@example.com", true))).build());
        GuestProfiles.send(profile(tenant, "mews", "M-1", 1L).setEmails(List.of(email("stays@example.com", true))).build());
        String guestId = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "P-1");
        assertEquals(guestId, SurvivorshipFlowTest.awaitGuestId(tenant, "mews", "M-1"));

        send(reservation(tenant, "mews", "PAR1", "R-2", 1, "M-1", ReservationStatus.CONFIRMED, past.plusDays(30), 2, "300", "EUR").build());
        send(reservation(tenant, "mews", "PAR1", "R-2", 2, "M-1", ReservationStatus.CHECKED_OUT, past.plusDays(30), 2, "310", "EUR").build());
        // Older state, redelivery of it, and an export that left R-2 out: nothing changes.
        send(reservation(tenant, "mews", "PAR1", "R-2", 1, "M-1", ReservationStatus.CANCELLED, past.plusDays(30), 2, "0", "EUR").build());
        send(reservation(tenant, "mews", "PAR1", "R-2", 3, "M-1", ReservationStatus.UNKNOWN, past.plusDays(30), 2, null, null)
                .setChangeType(ReservationChangeType.MISSING_FROM_EXPORT).build());
        send(reservation(tenant, "opera", "ZRH1", "R-3", 1, "P-1", ReservationStatus.CANCELLED, past.plusDays(60), 4, "800", "CHF").build());

        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", guestId).then().statusCode(200)
                .body("stays.cancelled", equalTo(1)));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then()
                .body("stays.stays", equalTo(2))
                .body("stays.nights", equalTo(5))
                .body("stays.lastStayDeparture", equalTo(past.plusDays(32).toString()))
                .body("stays.lastStayHotelCode", equalTo("PAR1"))
                .body("stays.spendByCurrency.CHF", equalTo(600.0f))
                .body("stays.spendByCurrency.EUR", equalTo(310.0f))
                .body("stays.byHotel.PAR1.stays", equalTo(1))
                .body("stays.byHotel.ZRH1.nights", equalTo(3));
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> guestUpdates(guestId).stream()
                .anyMatch(g -> g.getStayCount() == 2));
        GuestUpdated latest = guestUpdates(guestId).getLast();
        assertEquals(2, latest.getStayCount());
        assertEquals(past.plusDays(32), latest.getLastStayDeparture());
        assertEquals("PAR1", latest.getLastStayHotelCode(), "the later reservation at ZRH1 was cancelled: no stay");
        assertEquals(1, latest.getTotalSpend() == null ? 0 : 1, "one total, in the currency of most stays");

        // A later stay at ZRH1 (checked in, on the other profile's PMS) moves the last stay there.
        send(reservation(tenant, "opera", "ZRH1", "R-4", 1, "P-1", ReservationStatus.CHECKED_IN, past.plusDays(90), 2, "400", "CHF").build());
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> guestUpdates(guestId).stream()
                .anyMatch(g -> g.getStayCount() == 3));
        GuestUpdated later = guestUpdates(guestId).getLast();
        assertEquals(past.plusDays(92), later.getLastStayDeparture());
        assertEquals("ZRH1", later.getLastStayHotelCode());
    }

    @Test
    void historyStaysHistoryAndABrokenReservationIsDeadLettered() {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "H-1", 1L).setEmails(List.of(email("history@example.com", true))).build());
        String guestId = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "H-1");
        ReservationChanged.Builder imported = reservation(tenant, "opera", "ZRH1", "old-1", 1, "H-1",
                ReservationStatus.CHECKED_OUT, LocalDate.of(2019, 6, 1), 7, "1400", "CHF")
                .setChangeType(ReservationChangeType.IMPORTED);
        imported.setMetadata(EventMetadata.newBuilder(imported.getMetadata()).setHistory(true).build());
        send(imported.build());
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> guestUpdates(guestId).stream()
                .anyMatch(g -> g.getStayCount() == 1));
        GuestUpdated fromHistory = guestUpdates(guestId).stream().filter(g -> g.getStayCount() == 1).findFirst().orElseThrow();
        assertTrue(fromHistory.getMetadata().getHistory(), "a GuestUpdated caused by a history import is history");

        String key = tenant + ":ZRH1:broken";
        ReservationChanged broken = reservation(tenant, "opera", "", "broken", 1, "H-1", ReservationStatus.CONFIRMED,
                LocalDate.now(), 1, null, null).build();
        KafkaTestClients.sendAvro("pms.reservations", key, broken);
        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord("pms.reservations.dlq",
                r -> key.equals(r.key()), SurvivorshipFlowTest.PATIENCE);
        String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("hotelCode"), reason);
        Optional<GuestUpdated> none = guestUpdates(guestId).stream().filter(g -> g.getStayCount() > 1).findAny();
        assertTrue(none.isEmpty());
    }
}
