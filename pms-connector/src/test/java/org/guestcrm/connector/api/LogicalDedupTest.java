package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Samples;
import org.guestcrm.connector.Staff;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Logical deduplication and ordering (issue 7) end to end: the same change in a new envelope emits nothing new; an
 * older version never overwrites a newer one; a PMS sequence reset is accepted and its sequence continued.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class LogicalDedupTest {

    @Inject
    DataSource dataSource;

    @Test
    void theOtaSamplesResentWithANewEchoTokenAndTimeStampEmitNothingNew() throws Exception {
        for (String sample : List.of(Samples.otaHotelResNotif(), Samples.otaHotelResModifyNotif())) {
            String unique = "D" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
            // each run its own reservation id (the other tests send the sample as it is)
            String first = sample.replace("ResID_Value=\"7865\"", "ResID_Value=\"" + unique + "\"")
                    .replace("ResID_Value=\"82329987\"", "ResID_Value=\"" + unique + "\"");
            String firstId = OtaPushTest.postOta("demo-ota", "demo", first).then().statusCode(200)
                    .body(containsString("<Success/>")).extract().header("X-Message-Id");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), firstId), l -> l.size() == 1);

            String resent = first.replaceFirst("EchoToken=\"[0-9]+\"", "EchoToken=\"9" + unique.substring(1) + "\"")
                    .replaceFirst("TimeStamp=\"2005-01-26T[0-9:]+", "TimeStamp=\"2005-01-27T08:00:00");
            assertNotEquals(first, resent);
            String resentId = OtaPushTest.postOta("demo-ota", "demo", resent).then().statusCode(200)
                    .body(containsString("<Success/>"))
                    .body(containsString("EchoToken=\"9" + unique.substring(1) + "\""))
                    .extract().header("X-Message-Id");
            assertNotEquals(firstId, resentId, "a new envelope is a new message");
            assertEquals(0, outboxRows(resentId), "nothing new in the outbox");
            assertEquals(0, eventCount(resentId));
        }
        Staff.ops().get("/q/metrics").then().statusCode(200)
                .body(containsString("connector_versions_skipped_total{aggregate=\"reservation\",feed=\"demo-ota\",reason=\"redelivery\"}"))
                .body(containsString("connector_versions_skipped_total{aggregate=\"profile\",feed=\"demo-ota\",reason=\"redelivery\"}"));
    }

    @Test
    void canonicalJsonResentWithANewMessageIdIsAcceptedAsADuplicateAndEmitsNothing() throws Exception {
        String reservationId = "LD-" + UUID.randomUUID();
        String body = json(reservationId, null, "2026-06-01T10:00:00Z", "CONFIRMED", "\"messageId\": \"m-1\", ");
        String first = postJson(body).body("duplicate", equalTo(false)).body("eventIds", hasSize(2))
                .extract().path("messageId");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), first), l -> l.size() == 1);

        String again = body.replace("\"m-1\"", "\"m-2\"");
        String second = postJson(again).body("duplicate", equalTo(true)).body("eventIds", empty())
                .body("unchanged.reason", org.hamcrest.Matchers.everyItem(equalTo("REDELIVERY")))
                .body("unchanged.aggregate", org.hamcrest.Matchers.containsInAnyOrder("reservation", "profile"))
                .extract().path("messageId");
        assertNotEquals(first, second);
        assertEquals(0, outboxRows(second));
        Staff.ops().get("/q/metrics").then()
                .body(containsString("connector_versions_skipped_total{aggregate=\"reservation\",feed=\"demo-json\",reason=\"redelivery\"}"));
    }

    @Test
    void anOlderVersionNeverOverwritesANewerOne() throws Exception {
        String reservationId = "LO-" + UUID.randomUUID();
        // the case: sequence 5 at t10, an unsequenced update at t12, then sequence 6 at t11
        String five = postJson(json(reservationId, 5L, "2026-06-01T10:00:00Z", "CONFIRMED", ""))
                .body("eventIds", hasSize(2)).extract().path("messageId");
        String unsequenced = postJson(json(reservationId, null, "2026-06-01T12:00:00Z", "CANCELLED", ""))
                .body("eventIds", empty()).body("duplicate", equalTo(false))
                .body("unchanged.find { it.aggregate == 'reservation' }.reason", equalTo("OLDER"))
                .extract().path("messageId");
        String six = postJson(json(reservationId, 6L, "2026-06-01T11:00:00Z", "TENTATIVE", ""))
                .body("eventIds", hasSize(1)).extract().path("messageId");
        String four = postJson(json(reservationId, 4L, "2026-06-01T13:00:00Z", "CHECKED_OUT", ""))
                .body("eventIds", empty()).extract().path("messageId");
        assertEquals(0, outboxRows(unsequenced));
        assertEquals(0, outboxRows(four));
        List<DecodedRecord<ReservationChanged>> emitted = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<ReservationChanged>recordsOf(Topic.PMS_RESERVATIONS.topicName(), six), l -> l.size() == 1);
        assertEquals(6L, emitted.getFirst().value().getPmsSequence());
        assertEquals(1, OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), five).size());

        // two unsequenced versions compare by modification time
        String other = "LT-" + UUID.randomUUID();
        postJson(json(other, null, "2026-06-02T10:00:00Z", "CONFIRMED", "")).body("eventIds", hasSize(2));
        postJson(json(other, null, "2026-06-02T09:00:00Z", "CANCELLED", "")).body("eventIds", empty());
        postJson(json(other, null, "2026-06-02T11:00:00Z", "CANCELLED", "")).body("eventIds", hasSize(1));
        Staff.ops().get("/q/metrics").then()
                .body(containsString("connector_versions_skipped_total{aggregate=\"reservation\",feed=\"demo-json\",reason=\"older\"}"));
    }

    @Test
    void aSequenceResetIsAcceptedCountedAndItsSequenceContinued() throws Exception {
        String reservationId = "LR-" + UUID.randomUUID();
        postJson(json(reservationId, 1000L, "2026-06-01T10:00:00Z", "CONFIRMED", "")).body("eventIds", hasSize(2));
        // the PMS was reinstalled: its sequence starts again, two days later
        String reset = postJson(json(reservationId, 3L, "2026-06-03T10:00:00Z", "CANCELLED", ""))
                .body("eventIds", hasSize(1)).extract().path("messageId");
        String after = postJson(json(reservationId, 4L, "2026-06-03T10:05:00Z", "CONFIRMED", ""))
                .body("eventIds", hasSize(1)).extract().path("messageId");
        // a late message of the old numbering stays stale
        postJson(json(reservationId, 999L, "2026-06-01T09:00:00Z", "NO_SHOW", "")).body("eventIds", empty());

        List<DecodedRecord<ReservationChanged>> resetEvents = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<ReservationChanged>recordsOf(Topic.PMS_RESERVATIONS.topicName(), reset), l -> l.size() == 1);
        assertEquals(1001L, resetEvents.getFirst().value().getPmsSequence(), "consumers comparing sequences see it as newer");
        List<DecodedRecord<ReservationChanged>> afterEvents = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<ReservationChanged>recordsOf(Topic.PMS_RESERVATIONS.topicName(), after), l -> l.size() == 1);
        assertEquals(1002L, afterEvents.getFirst().value().getPmsSequence());
        assertEquals(1, count("select sequence_resets from aggregate_version where aggregate_id = ?", "BERHB:" + reservationId));
        Staff.ops().get("/q/metrics").then().body(containsString("connector_sequence_resets_total{feed=\"demo-json\"}"));
    }

    static String json(String reservationId, Long sequence, String modifiedAt, String status, String extra) {
        return """
                {%s"hotelCode": "BERHB", "pmsReservationId": "%s", "status": "%s", "arrival": "2026-07-01",
                 "departure": "2026-07-04", %s"pmsModifiedAt": "%s",
                 "guests": [{"pmsProfileId": "P-%s", "firstName": "Anna", "emails": ["anna@example.org"]}]}
                """.formatted(extra, reservationId, status, sequence == null ? "" : "\"pmsSequence\": " + sequence + ", ",
                modifiedAt, reservationId);
    }

    static io.restassured.response.ValidatableResponse postJson(String body) {
        return given().contentType("application/json").header("Authorization", "Bearer demo").body(body)
                .when().post("/api/v1/feeds/{feedId}/reservations", "demo-json").then().statusCode(202);
    }

    long outboxRows(String messageId) throws SQLException {
        return count("select count(*) from outbox_event where correlation_id = ?", messageId);
    }

    long eventCount(String messageId) throws SQLException {
        return count("select event_count from inbound_message where message_id = ?::uuid", messageId);
    }

    long count(String sql, String param) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, param);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
