package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Staff;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The canonical JSON batch push: answered per item, a bad item never refuses the others, a re-sent batch emits nothing. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class CanonicalBatchPushTest {

    static final String BATCH_PATH = "/api/v1/feeds/{feedId}/reservations/batch";

    @Inject
    DataSource dataSource;

    private static String reservation(String id, String extra) {
        return """
                {"hotelCode": "BERHB", "pmsReservationId": "%s", "status": "CONFIRMED", "arrival": "2026-07-01",
                 "departure": "2026-07-04", "pmsModifiedAt": "2026-06-01T10:00:00Z"%s,
                 "guests": [{"pmsProfileId": "%s-P", "firstName": "Anna", "emails": ["anna.%s@example.org"]}]}"""
                .formatted(id, extra, id, id.toLowerCase(java.util.Locale.ROOT));
    }

    private static io.restassured.response.Response post(String body) {
        return given().contentType("application/json").header("Authorization", "Bearer demo").body(body)
                .when().post(BATCH_PATH, "demo-json");
    }

    @Test
    void eachItemIsAnsweredOnItsOwnAndOnlyTheValidOnesAreEmitted() throws Exception {
        String run = "B" + UUID.randomUUID().toString().substring(0, 8);
        String typo = reservation(run + "-2", "").replace("anna." + (run + "-2").toLowerCase(java.util.Locale.ROOT)
                + "@example.org", "r..m51@leonard.net");
        String batch = "[" + String.join(",",
                reservation(run + "-1", ""),
                typo,
                reservation(run + "-3", "").replace("\"hotelCode\": \"BERHB\", ", ""),
                reservation(run + "-4", ", \"adults\": 12345678901"),
                "\"not an object\"") + "]";
        JsonPath answer = post(batch).then().statusCode(207)
                .body("accepted", equalTo(2)).body("rejected", equalTo(3)).body("duplicates", equalTo(0))
                .body("items", hasSize(5))
                .body(not(containsString("leonard"))).body(not(containsString("12345678901")))
                .extract().jsonPath();
        assertEquals("ACCEPTED", answer.getString("items[0].outcome"));
        assertEquals(run + "-1", answer.getString("items[0].pmsReservationId"));
        assertEquals(2, answer.getList("items[0].eventIds").size(), "the reservation and its guest");
        assertEquals("ACCEPTED", answer.getString("items[1].outcome"));
        assertEquals("guests[0].emails[0]", answer.getString("items[1].warnings[0].field"));
        assertEquals("REJECTED", answer.getString("items[2].outcome"));
        assertEquals("hotelCode", answer.getString("items[2].problems[0].field"));
        assertNull(answer.get("items[2].messageId"));
        assertEquals("REJECTED", answer.getString("items[3].outcome"));
        assertEquals("adults", answer.getString("items[3].problems[0].field"));
        assertEquals("item", answer.getString("items[4].problems[0].field"));

        String first = answer.getString("items[0].messageId");
        List<DecodedRecord<ReservationChanged>> emitted = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<ReservationChanged>recordsOf(Topic.PMS_RESERVATIONS.topicName(), first), l -> l.size() == 1);
        assertEquals(run + "-1", emitted.getFirst().value().getPmsReservationId());
        String second = answer.getString("items[1].messageId");
        ReservationChanged withTypo = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<ReservationChanged>recordsOf(Topic.PMS_RESERVATIONS.topicName(), second), l -> l.size() == 1)
                .getFirst().value();
        assertNull(withTypo.getGuests().getFirst().getEmail(), "the malformed e-mail is dropped, the booking kept");
        assertEquals(0, count("select count(*) from inbound_message where body_sha256 is not null and masked_payload like ?",
                "%" + run + "-3%"), "a rejected item is not stored as accepted");

        // the PMS re-sends the batch (a timeout on its side): the stored items are duplicates, nothing new is emitted
        JsonPath again = post(batch).then().statusCode(207)
                .body("accepted", equalTo(0)).body("duplicates", equalTo(2)).body("rejected", equalTo(3))
                .extract().jsonPath();
        assertEquals(first, again.getString("items[0].messageId"));
        assertEquals(2, count("select count(*) from outbox_event where correlation_id in (?, ?)", first, second) / 2);
        // a batch of only valid items is a 200
        post("[" + reservation(run + "-5", "") + "]").then().statusCode(200).body("accepted", equalTo(1));
        Staff.ops().get("/q/metrics").then()
                .body(containsString("connector_fields_dropped_total{feed=\"demo-json\",field=\"email\"}"));
    }

    @Test
    void versionsOfOneReservationOutOfOrderInABatchNeverLetTheOlderOneOverwriteTheNewer() throws Exception {
        String id = "BO" + UUID.randomUUID().toString().substring(0, 8);
        // sequence 6, then the older sequence 5 (a cancellation the PMS sent earlier, delivered late), then sequence 7
        String batch = "[" + String.join(",",
                reservation(id, ", \"pmsSequence\": 6"),
                reservation(id, ", \"pmsSequence\": 5").replace("\"CONFIRMED\"", "\"CANCELLED\""),
                reservation(id, ", \"pmsSequence\": 7").replace("\"CONFIRMED\"", "\"TENTATIVE\"")) + "]";
        JsonPath answer = post(batch).then().statusCode(200)
                .body("accepted", equalTo(3)).body("rejected", equalTo(0)).body("duplicates", equalTo(0))
                .extract().jsonPath();
        assertEquals(2, answer.getList("items[0].eventIds").size(), "the reservation and its guest");
        assertTrue(answer.getList("items[1].eventIds") == null || answer.getList("items[1].eventIds").isEmpty(),
                "the older version emits nothing");
        assertEquals("OLDER", answer.getString("items[1].unchanged.find { it.aggregate == 'reservation' }.reason"));
        assertEquals(1, answer.getList("items[2].eventIds").size(), "the newer reservation; its guest is unchanged");
        String six = answer.getString("items[0].messageId");
        String five = answer.getString("items[1].messageId");
        String seven = answer.getString("items[2].messageId");
        ReservationChanged newest = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<ReservationChanged>recordsOf(Topic.PMS_RESERVATIONS.topicName(), seven),
                        l -> l.size() == 1).getFirst().value();
        assertEquals(7L, newest.getPmsSequence());
        assertEquals(org.guestcrm.events.ReservationStatus.TENTATIVE, newest.getStatus());
        assertEquals(1, OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), six).size());
        assertEquals(0, count("select count(*) from outbox_event where correlation_id in (?, ?)", five, five),
                "nothing of the older version in the outbox");
    }

    @Test
    void aBatchThatIsNoArrayOrTooLargeIsRefusedWholeAndStoresNothing() throws Exception {
        long before = count("select count(*) from inbound_message where feed_id = ?", "demo-json");
        post("{\"hotelCode\": \"BERHB\"}").then().statusCode(400).body("errors[0].field", equalTo("items"));
        post("[]").then().statusCode(400).body("errors[0].field", equalTo("items"));
        post("[{").then().statusCode(400).body("errors[0].field", equalTo("body"));
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            items.add("{\"pmsReservationId\": \"T" + i + "\"}");
        }
        post("[" + String.join(",", items) + "]").then().statusCode(400)
                .body("errors[0].message", equalTo("has more than 100 entries"));
        given().contentType("application/json").body("[" + reservation("NOAUTH", "") + "]")
                .when().post(BATCH_PATH, "demo-json").then().statusCode(401);
        given().contentType("application/json").header("Authorization", "Bearer demo").body("[]")
                .when().post(BATCH_PATH, "no-such-feed").then().statusCode(404);
        assertEquals(before, count("select count(*) from inbound_message where feed_id = ?", "demo-json"));
    }

    @Test
    void theOpenApiDocumentDescribesTheBatchWithExamples() {
        String openapi = Staff.ops().get("/q/openapi").then().statusCode(200).extract().asString();
        assertTrue(openapi.contains("/api/v1/feeds/{feedId}/reservations/batch"), "batch path documented");
        assertTrue(openapi.contains("two bookings (one with an e-mail typo) and an invalid one"), "request example");
        assertTrue(openapi.contains("\"207\"") || openapi.contains("'207'") || openapi.contains("207:"), "per-item answer");
        assertTrue(openapi.contains("A confirmed booking with its guest"), "single push example");
        assertFalse(openapi.contains("4111111111111"), "no card data in examples");
    }

    private long count(String sql, String... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
