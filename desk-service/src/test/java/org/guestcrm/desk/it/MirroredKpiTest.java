package org.guestcrm.desk.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.events.MergeDecision;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Reservations mirrored and golden-guest totals, from the real topics (pms.reservations, crm.guests,
 * crm.guest-merges) into PostgreSQL and out of the KPI API, CSV and page: a reservation created, changed, cancelled
 * (its cancellation redelivered, an older snapshot late), a request, a history import, a reservation changed ten days
 * ago (known, but not in this period); golden guests listed, one redelivered and one updated, two merged away, one
 * split off and then listed.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class MirroredKpiTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String RESERVATIONS = Topic.PMS_RESERVATIONS.topicName();

    @Test
    void reservationsMirroredAndGoldenGuestsPerHotelAndGroup() {
        Instant now = Instant.now();
        Stay r1 = Stay.unique("BERLIN");
        String tenant = r1.tenant();
        Stay r2 = r1.withReservation(r1.reservationId() + "-2");
        Stay r3 = new Stay(tenant, "MUNICH", r1.reservationId() + "-3", "m3-" + r1.email(), r1.arrival(), r1.departure());
        Stay r4 = new Stay(tenant, "MUNICH", r1.reservationId() + "-4", "m4-" + r1.email(), r1.arrival(), r1.departure());
        Stay old = new Stay(tenant, "MUNICH", r1.reservationId() + "-5", "m5-" + r1.email(), r1.arrival(), r1.departure());
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        String period = "&from=" + today.minusDays(1) + "&to=" + today.plusDays(2);

        // BERLIN: r1 booked, changed, cancelled (the cancellation redelivered, then its sequence 2 again, late); r2 a
        // request. MUNICH: r3 booked; r4 a history import, checked out; "old" booked and changed ten days ago.
        send(r1, r1.snapshot(1, ReservationStatus.CONFIRMED, now.minusSeconds(30)));
        ReservationChanged changed = r1.snapshot(2, ReservationStatus.CONFIRMED, now.minusSeconds(20));
        send(r1, changed);
        ReservationChanged cancelled = r1.snapshot(3, ReservationStatus.CANCELLED, now.minusSeconds(10));
        send(r1, cancelled);
        send(r1, cancelled);
        send(r1, ReservationChanged.newBuilder(changed).setMetadata(GuestLinkTest.metadata(tenant, "ReservationChanged"))
                .build());
        send(r2, r2.snapshot(1, ReservationStatus.TENTATIVE, now));
        send(r3, r3.snapshot(1, ReservationStatus.CONFIRMED, now));
        send(r4, r4.snapshot(1, ReservationStatus.CHECKED_OUT, now, true));
        Instant tenDaysAgo = now.minus(Duration.ofDays(10));
        send(old, old.snapshot(1, ReservationStatus.CONFIRMED, tenDaysAgo));
        send(old, old.snapshot(2, ReservationStatus.CONFIRMED, tenDaysAgo.plusSeconds(60)));

        // Golden guests: g1..g4 listed (g1 redelivered, g4 in a newer version too), g2 and g3 merged into g1; g1's
        // profile P-x split off to n1, which profile-service then lists.
        String guests = Topic.CRM_GUESTS.topicName();
        var g1 = GuestLinkTest.guest(tenant, "g1-" + tenant, 1, "P-" + r1.reservationId());
        KafkaTestClients.sendAvro(guests, "g1-" + tenant, g1);
        KafkaTestClients.sendAvro(guests, "g1-" + tenant, g1);
        KafkaTestClients.sendAvro(guests, "g2-" + tenant, GuestLinkTest.guest(tenant, "g2-" + tenant, 1, "P-" + r2.reservationId()));
        KafkaTestClients.sendAvro(guests, "g3-" + tenant, GuestLinkTest.guest(tenant, "g3-" + tenant, 1, "P-x-" + tenant));
        KafkaTestClients.sendAvro(guests, "g4-" + tenant, GuestLinkTest.guest(tenant, "g4-" + tenant, 1, "P-" + r3.reservationId()));
        KafkaTestClients.sendAvro(guests, "g4-" + tenant, GuestLinkTest.guest(tenant, "g4-" + tenant, 2, "P-" + r3.reservationId()));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> kpis(tenant, period).getInt("goldenGuests.guests") == 4);
        String merges = Topic.CRM_GUEST_MERGES.topicName();
        KafkaTestClients.sendAvro(merges, "g1-" + tenant, GuestMerged.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "GuestMerged")).setSurvivingGuestId("g1-" + tenant)
                .setMergedGuestIds(List.of("g2-" + tenant, "g3-" + tenant)).setDecidedBy(MergeDecision.AUTOMATIC).build());
        KafkaTestClients.sendRaw(guests, "g2-" + tenant, null);
        KafkaTestClients.sendRaw(guests, "g3-" + tenant, null);
        KafkaTestClients.sendAvro(merges, "g1-" + tenant, GuestSplit.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "GuestSplit")).setOriginalGuestId("g1-" + tenant)
                .setNewGuestId("n1-" + tenant).setMovedSourceProfiles(List.of()).setDecidedBy(MergeDecision.REVIEWER)
                .build());
        KafkaTestClients.sendAvro(guests, "n1-" + tenant, GuestLinkTest.guest(tenant, "n1-" + tenant, 1, "P-x-" + tenant));

        Map<String, Object> guestFigures = Map.of("guests", 3, "guestsNew", 3, "merges", 1, "guestsMerged", 2, "splits", 1);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            JsonPath k = kpis(tenant, period);
            return k.getInt("group.reservations.known") == 5 && k.getInt("group.reservations.cancelled") == 1
                    && guestFigures.equals(k.getMap("goldenGuests"));
        });
        JsonPath k = kpis(tenant, period);
        // Group: 5 known (1 cancelled, 2 confirmed, 1 tentative, 1 checked out); in the period 4 first seen (r1, r2, r3,
        // r4), r1's two changes (the redelivery and the late sequence 2 count nothing), 1 cancelled; "old" is known but
        // its creation and change fell ten days ago.
        assertEquals(Map.of("known", 5, "created", 4, "changed", 2, "cancelled", 1, "byStatus", List.of(
                Map.of("status", "CANCELLED", "reservations", 1), Map.of("status", "CHECKED_OUT", "reservations", 1),
                Map.of("status", "CONFIRMED", "reservations", 2), Map.of("status", "TENTATIVE", "reservations", 1))),
                k.getMap("group.reservations"));
        assertEquals(List.of("BERLIN", "MUNICH"), k.getList("hotels.hotelCode"));
        assertEquals(Map.of("known", 2, "created", 2, "changed", 2, "cancelled", 1, "byStatus", List.of(
                Map.of("status", "CANCELLED", "reservations", 1), Map.of("status", "TENTATIVE", "reservations", 1))),
                k.getMap("hotels[0].reservations"));
        assertEquals(Map.of("known", 3, "created", 2, "changed", 0, "cancelled", 0, "byStatus", List.of(
                Map.of("status", "CHECKED_OUT", "reservations", 1), Map.of("status", "CONFIRMED", "reservations", 2))),
                k.getMap("hotels[1].reservations"));
        assertTrue(k.getList("notComputedHere").stream().noneMatch(g -> g.toString().startsWith("reservations mirrored")));

        // Ten days ago: "old"'s creation and change; the state now is the same.
        JsonPath earlier = kpis(tenant, "&from=" + today.minusDays(11) + "&to=" + today.minusDays(9));
        assertEquals(1, earlier.getInt("group.reservations.created"));
        assertEquals(1, earlier.getInt("group.reservations.changed"));
        assertEquals(5, earlier.getInt("group.reservations.known"));
        assertEquals(0, earlier.getInt("goldenGuests.guestsNew"));
        assertEquals(3, earlier.getInt("goldenGuests.guests"));
        // One hotel: its reservations; golden guests name no hotel.
        JsonPath munich = kpis(tenant, period + "&hotel=MUNICH");
        assertEquals(k.getMap("hotels[1].reservations"), munich.getMap("group.reservations"));
        assertNull(munich.get("goldenGuests"));

        // CSV: the same figures; a column per status; golden guests on the group row only.
        String csv = Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + period + "&format=csv")
                .then().statusCode(200).extract().asString();
        String[] lines = csv.split("\r\n");
        List<String> header = Arrays.asList(lines[0].split(",", -1));
        List<String> group = Arrays.asList(lines[1].split(",", -1));
        List<String> berlin = Arrays.asList(lines[2].split(",", -1));
        assertEquals("5", group.get(header.indexOf("reservationsKnown")));
        assertEquals("4", group.get(header.indexOf("reservationsCreated")));
        assertEquals("2", group.get(header.indexOf("reservationsChanged")));
        assertEquals("1", group.get(header.indexOf("reservationsCancelled")));
        assertEquals("2", group.get(header.indexOf("reservations:CONFIRMED")));
        assertEquals("3", group.get(header.indexOf("goldenGuests")));
        assertEquals("3", group.get(header.indexOf("goldenGuestsNew")));
        assertEquals("0", berlin.get(header.indexOf("reservations:CONFIRMED")));
        assertEquals("1", berlin.get(header.indexOf("reservations:TENTATIVE")));
        assertEquals("", berlin.get(header.indexOf("goldenGuests")));

        // The page: figures cells, the status table, the golden guests.
        String page = given().auth().oauth2(Staff.token(Set.of(tenant), "v", Roles.VIEWER))
                .get("/desk/kpis?tenant=" + tenant + period).then().statusCode(200).extract().asString();
        assertTrue(page.contains("data-figure=\"reservationsKnown\">5<"), page);
        assertTrue(page.contains("data-figure=\"reservationsChanged\">2<"), page);
        assertTrue(page.contains("<tr data-scope=\"MUNICH\" data-status=\"CONFIRMED\"><th scope=\"row\">MUNICH</th>"
                + "<td>CONFIRMED</td><td data-figure=\"reservations\">2</td></tr>"), page);
        assertTrue(page.contains("data-figure=\"goldenGuests\">3<"), page);
        assertTrue(page.contains("data-figure=\"goldenGuestsNew\">3<"), page);
    }

    private static void send(Stay stay, ReservationChanged snapshot) {
        KafkaTestClients.sendAvro(RESERVATIONS, stay.key(), snapshot);
    }

    private static JsonPath kpis(String tenant, String query) {
        return Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + query).then().statusCode(200)
                .extract().jsonPath();
    }
}
