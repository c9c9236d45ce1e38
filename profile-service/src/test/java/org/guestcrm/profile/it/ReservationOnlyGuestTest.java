package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationGuest;
import org.guestcrm.events.ReservationStatus;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Guests that exist only inside reservations (a PMS without stable guest ids): the lead guest becomes a source profile
 * of its own ({@code reservation:<hotel>:<id>}) with a golden record and the stay; the same person's next reservation,
 * at another hotel, joins that guest by the model (same e-mail and names); a lead guest with nothing to tell him apart
 * creates no guest.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class ReservationOnlyGuestTest {

    private static ReservationChanged withoutProfileId(String tenant, String hotel, String id, ReservationGuest lead) {
        return StaysFlowTest.reservation(tenant, "protel", hotel, id, 1, "", ReservationStatus.CHECKED_OUT,
                LocalDate.now().minusDays(30), 3, "600", "CHF").setGuests(List.of(lead)).build();
    }

    @Test
    void aGuestKnownOnlyFromReservationsGetsOneGoldenRecordWithItsStays() {
        String tenant = "tenant-" + UUID.randomUUID();
        ReservationGuest lead = ReservationGuest.newBuilder().setPmsProfileId("").setPrimary(true).setFirstName("Marta")
                .setLastName("Lindqvist").setEmail("Marta.Lindqvist@example.se").setPhone("+46 8 123 456 78").build();
        StaysFlowTest.send(withoutProfileId(tenant, "STO1", "R-100", lead));
        String guestId = SurvivorshipFlowTest.awaitGuestId(tenant, "protel", "reservation:STO1:R-100");
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", guestId).then().statusCode(200)
                .body("lastName", equalTo("Lindqvist"))
                .body("emails.value", hasItem("marta.lindqvist@example.se"))
                .body("stays.stays", equalTo(1)).body("stays.nights", equalTo(3)));

        // The same person books another hotel of the group, again without a PMS guest id: one guest, two stays.
        ReservationGuest again = ReservationGuest.newBuilder(lead).setPhone(null).build();
        StaysFlowTest.send(withoutProfileId(tenant, "GOT1", "R-200", again));
        String second = SurvivorshipFlowTest.awaitGuestId(tenant, "protel", "reservation:GOT1:R-200");
        assertEquals(guestId, second, "the second reservation's guest joined the first by the model");
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", guestId).then().statusCode(200)
                .body("stays.stays", equalTo(2)).body("stays.nights", equalTo(6)));

        // A lead guest with no surname, e-mail or phone: no guest (there is nothing to tell him from anyone).
        ReservationGuest anonymous = ReservationGuest.newBuilder().setPmsProfileId("").setPrimary(true)
                .setFirstName("Guest").build();
        StaysFlowTest.send(withoutProfileId(tenant, "STO1", "R-300", anonymous));
        // Sent after it (same topic; the test broker's topic has one partition, so it is applied after it): once this
        // one has its guest, the anonymous reservation has been applied too.
        ReservationGuest marker = ReservationGuest.newBuilder(lead).setLastName("Berg").setEmail("berg@example.se")
                .setPhone(null).build();
        StaysFlowTest.send(withoutProfileId(tenant, "STO1", "R-301", marker));
        SurvivorshipFlowTest.awaitGuestId(tenant, "protel", "reservation:STO1:R-301");
        SurvivorshipFlowTest.lookup(tenant, "protel", "reservation:STO1:R-300").then().statusCode(404);
    }
}
