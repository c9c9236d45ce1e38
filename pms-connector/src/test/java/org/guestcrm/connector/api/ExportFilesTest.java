package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.guestcrm.connector.Staff;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Daily export files end to end: a per-feed column mapping, three days of exports diffed with each other (only changes
 * emitted), a reservation leaving the window uncertainly emitted as MISSING_FROM_EXPORT and counted until settled.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class ExportFilesTest {

    static final String FILES = "/api/v1/feeds/{feedId}/files";

    private static String export(String name, String run) {
        try (InputStream in = ExportFilesTest.class.getResourceAsStream("/exports/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("RUN-", run + "-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonPath upload(String body, String exportedAt) {
        return Staff.admin("demo").contentType("text/csv").body(body.getBytes(StandardCharsets.UTF_8))
                .queryParam("exportedAt", exportedAt).when().post(FILES, "demo-json")
                .then().statusCode(200).body(not(containsString("leonard"))).extract().jsonPath();
    }

    private static List<DecodedRecord<ReservationChanged>> reservations(String exportId, int count) {
        return await().atMost(Duration.ofSeconds(60)).until(
                () -> OtaPushTest.<ReservationChanged>recordsOf(Topic.PMS_RESERVATIONS.topicName(), "export:" + exportId),
                l -> l.size() == count);
    }

    @Test
    void threeDaysOfExportsEmitOnlyTheChangesAndHoldTheOneThatLeftTheWindow() {
        String run = "X" + UUID.randomUUID().toString().substring(0, 6);
        String hotel = "EXP-" + run;
        Staff.admin("demo").contentType("application/json").body("""
                        {"columns": {"pmsReservationId": "Reservierung", "arrival": "Anreise", "departure": "Abreise",
                          "status": "Status", "firstName": "Vorname", "lastName": "Nachname", "email": "E-Mail",
                          "totalAmount": "Betrag", "currency": "Waehrung"},
                         "delimiter": ";", "windowDays": 15, "datePattern": "dd.MM.yyyy",
                         "statusValues": {"Bestätigt": "CONFIRMED", "Storniert": "CANCELLED"},
                         "constants": {"hotelCode": "%s"}}""".formatted(hotel))
                .when().put("/api/v1/feeds/{feedId}/export-mapping", "demo-json").then().statusCode(200)
                .body("delimiter", equalTo(";"));

        // day 1: three accepted, the impossible date rejected alone (line and field, never the value)
        String day1 = export("arrivals-day1.csv", run);
        JsonPath first = upload(day1, "2026-06-01T06:00:00Z");
        assertEquals(4, first.getInt("rowsRead"));
        assertEquals(3, first.getInt("rowsAccepted"));
        assertEquals(1, first.getInt("rowsRejected"));
        assertEquals(4, first.getInt("rejections[0].line"));
        assertEquals("arrival", first.getString("rejections[0].field"));
        assertEquals(0, first.getInt("missingFromExport"));
        String firstId = first.getString("exportId");
        List<DecodedRecord<ReservationChanged>> day1Events = reservations(firstId, 3);
        ReservationChanged lena = day1Events.stream().map(DecodedRecord::value)
                .filter(r -> r.getPmsReservationId().equals(run + "-1")).findFirst().orElseThrow();
        assertEquals(hotel, lena.getHotelCode());
        assertEquals(LocalDate.of(2026, 6, 5), lena.getArrival());
        assertEquals(0, new java.math.BigDecimal("420").compareTo(lena.getTotalAmount().getAmount()));
        assertEquals("Lena", lena.getGuests().getFirst().getFirstName());
        ReservationChanged paul = day1Events.stream().map(DecodedRecord::value)
                .filter(r -> r.getPmsReservationId().equals(run + "-4")).findFirst().orElseThrow();
        assertNull(paul.getGuests().getFirst().getEmail(), "the e-mail typo is dropped, the booking kept");

        // the same file again does nothing
        JsonPath again = upload(day1, "2026-06-01T06:00:00Z");
        assertTrue(again.getBoolean("duplicate"));
        assertEquals(firstId, again.getString("exportId"));

        // day 2: RUN-1 unchanged (nothing), RUN-4's departure moved (emitted), RUN-2 gone while its arrival is ahead
        JsonPath second = upload(export("arrivals-day2.csv", run), "2026-06-02T06:00:00Z");
        assertEquals(1, second.getInt("rowsUnchanged"));
        assertEquals(1, second.getInt("missingFromExport"));
        assertEquals(1, second.getLong("unsettledMissing"));
        List<DecodedRecord<ReservationChanged>> day2Events = reservations(second.getString("exportId"), 2);
        ReservationChanged missing = day2Events.stream().map(DecodedRecord::value)
                .filter(r -> r.getPmsReservationId().equals(run + "-2")).findFirst().orElseThrow();
        assertEquals(ReservationChangeType.MISSING_FROM_EXPORT, missing.getChangeType());
        assertEquals(ReservationStatus.CONFIRMED, missing.getStatus(), "status unchanged: not assumed cancelled");
        assertEquals(LocalDate.of(2026, 6, 10), missing.getArrival());
        ReservationChanged moved = day2Events.stream().map(DecodedRecord::value)
                .filter(r -> r.getPmsReservationId().equals(run + "-4")).findFirst().orElseThrow();
        assertEquals(LocalDate.of(2026, 6, 9), moved.getDeparture());
        Staff.admin("demo").get("/api/v1/feeds/{feedId}/exports", "demo-json").then().statusCode(200)
                .body("unsettledMissing", equalTo(1))
                .body("unsettled.reservation", hasItem(hotel + ":" + run + "-2"));

        // day 3: RUN-2 is listed again: emitted (no longer missing), settled; nothing else changed
        JsonPath third = upload(export("arrivals-day3.csv", run), "2026-06-03T06:00:00Z");
        assertEquals(1, third.getInt("settled"));
        assertEquals(0, third.getLong("unsettledMissing"));
        assertEquals(2, third.getInt("rowsUnchanged"));
        ReservationChanged back = reservations(third.getString("exportId"), 1).getFirst().value();
        assertEquals(run + "-2", back.getPmsReservationId());
        assertTrue(back.getChangeType() != ReservationChangeType.MISSING_FROM_EXPORT);
        Staff.admin("demo").get("/api/v1/feeds/{feedId}/exports", "demo-json").then().statusCode(200)
                .body("unsettledMissing", equalTo(0));
    }

    @Test
    void aBadMappingIsA400NamingTheFieldAndAnotherTenantSeesNothing() {
        Staff.admin("demo").contentType("application/json")
                .body("{\"columns\": {\"pmsReservationId\": \"Id\", \"guestColour\": \"Farbe\"}, \"windowDays\": 0}")
                .when().put("/api/v1/feeds/{feedId}/export-mapping", "demo-json").then().statusCode(400)
                .body(containsString("columns.guestColour")).body(containsString("windowDays"));
        Staff.admin("other-tenant").get("/api/v1/feeds/{feedId}/exports", "demo-json").then().statusCode(404);
        Staff.admin("other-tenant").contentType("text/csv").body("a;b\n1;2\n")
                .when().post(FILES, "demo-json").then().statusCode(404);
        Staff.as("demo", "viewer").get("/api/v1/feeds/{feedId}/export-mapping", "demo-json").then().statusCode(403);
        Staff.admin("demo").contentType("text/csv").body("x").queryParam("exportedAt", "yesterday")
                .when().post(FILES, "demo-json").then().statusCode(400).body(containsString("exportedAt"));
    }
}
