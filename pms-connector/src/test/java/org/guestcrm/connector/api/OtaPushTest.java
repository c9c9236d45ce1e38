package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.connector.Samples;
import org.guestcrm.connector.Staff;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.RealInfrastructure;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The OpenTravel push end to end: HTTP in, PostgreSQL outbox, real Kafka out (Apicurio Avro serde),
 * read back as a downstream service would.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class OtaPushTest {

    static final String OTA_PATH = "/api/v1/feeds/{feedId}/ota";

    @Inject
    DataSource dataSource;

    static Response postOta(String feedId, String token, String body) {
        var request = given().contentType("application/xml").body(body.getBytes(StandardCharsets.UTF_8));
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.when().post(OTA_PATH, feedId);
    }

    @Test
    void theUnmodifiedSampleIsAnsweredWithSuccessAndPublishedAsReservationAndProfile() {
        List<String> logLines = new CopyOnWriteArrayList<>();
        Handler capture = captureLogs(logLines);
        String messageId;
        try {
            messageId = postOta("demo-ota", "demo", Samples.otaHotelResNotif())
                    .then()
                    .statusCode(200)
                    .contentType(containsString("application/xml"))
                    .body(containsString("<OTA_HotelResNotifRS xmlns=\"http://www.opentravel.org/OTA/2003/05\" EchoToken=\"354\""))
                    .body(containsString("<Success/>"))
                    .body(containsString("ResID_Value=\"7865\""))
                    .extract().header("X-Message-Id");
            assertNotNull(messageId);

            List<DecodedRecord<ReservationChanged>> reservations = await().atMost(Duration.ofSeconds(60))
                    .until(() -> recordsOf(Topic.PMS_RESERVATIONS.topicName(), messageId), list -> list.size() == 1);
            DecodedRecord<ReservationChanged> record = reservations.getFirst();
            ReservationChanged event = record.value();
            assertAll(
                    () -> assertEquals("demo:WASJW:7865", record.key()),
                    () -> assertEquals("WASJW", event.getHotelCode()),
                    () -> assertEquals("JW Marriott Hotel Pennsylvania Avenue", event.getHotelName()),
                    () -> assertEquals("7865", event.getPmsReservationId()),
                    () -> assertEquals("demo-ota", event.getPmsSystem()),
                    () -> assertEquals(ReservationStatus.CONFIRMED, event.getStatus()),
                    () -> assertEquals(ReservationChangeType.CREATED, event.getChangeType()),
                    () -> assertEquals(LocalDate.of(2005, 10, 18), event.getArrival()),
                    () -> assertEquals(LocalDate.of(2005, 10, 20), event.getDeparture()),
                    () -> assertEquals(new BigDecimal("560.0000"), event.getTotalAmount().getAmount()),
                    () -> assertEquals("USD", event.getTotalAmount().getCurrency()),
                    () -> assertEquals("WEB", event.getChannel()),
                    () -> assertEquals("Travel Today", event.getOrigin()),
                    () -> assertEquals("david.dewberry@dewberrycorp.com", event.getGuests().getFirst().getEmail()),
                    () -> assertEquals("demo", event.getMetadata().getTenantId()),
                    () -> assertEquals(messageId, event.getMetadata().getCorrelationId()),
                    () -> assertEquals(event.getMetadata().getEventId().toString(), record.headers().get("event-id")),
                    () -> assertFalse(record.rawValueText().contains(Samples.CARD_NUMBER), "card number on Kafka"));

            List<DecodedRecord<GuestProfileChanged>> profiles = await().atMost(Duration.ofSeconds(60))
                    .until(() -> recordsOf(Topic.PMS_PROFILES.topicName(), messageId), list -> list.size() == 1);
            DecodedRecord<GuestProfileChanged> profile = profiles.getFirst();
            assertAll(
                    () -> assertEquals("demo:demo-ota:7865-G1", profile.key()),
                    () -> assertEquals("David", profile.value().getFirstName()),
                    () -> assertEquals("Dewberry", profile.value().getLastName()),
                    () -> assertEquals("david.dewberry@dewberrycorp.com", profile.value().getEmails().getFirst().getAddress()),
                    () -> assertEquals("7245554321", profile.value().getPhones().getFirst().getNumber()),
                    () -> assertEquals("Latrobe", profile.value().getAddresses().getFirst().getCity()),
                    () -> assertFalse(profile.rawValueText().contains(Samples.CARD_NUMBER), "card number on Kafka"));
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(capture);
        }

        assertFalse(databaseText(messageId).contains(Samples.CARD_NUMBER), "card number in the database");
        assertTrue(databaseText(messageId).contains("WASJW"), "the stored payload is there, card-free");
        assertFalse(logLines.isEmpty(), "the capture saw the application's log");
        for (String line : logLines) {
            assertFalse(line.contains(Samples.CARD_NUMBER), "card number in the log: " + line);
            assertFalse(line.contains("dewberrycorp.com"), "e-mail address in the log: " + line);
            assertFalse(line.contains("Dewberry"), "guest name in the log: " + line);
        }
    }

    @Test
    void aRetransmissionIsAnsweredWithSuccessAndCarriesTheSameEventsOnlyOnce() throws Exception {
        String first = postOta("demo-ota", "demo", Samples.otaHotelResNotif()).then().statusCode(200)
                .body(containsString("<Success/>")).extract().header("X-Message-Id");
        String second = postOta("demo-ota", "demo", Samples.otaHotelResNotif()).then().statusCode(200)
                .body(containsString("<Success/>")).extract().header("X-Message-Id");
        assertEquals(first, second, "the same body on the same feed is the same message");

        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "select count(*) from outbox_event where message_id = ? and sent_at is null", first) == 0);
        assertEquals(1, count("select count(*) from inbound_message where message_id = ?", first));
        assertEquals(2, count("select count(*) from outbox_event where message_id = ?", first),
                "one reservation and one profile event, not two sets");

        List<DecodedRecord<ReservationChanged>> reservations = recordsOf(Topic.PMS_RESERVATIONS.topicName(), first);
        List<DecodedRecord<GuestProfileChanged>> profiles = recordsOf(Topic.PMS_PROFILES.topicName(), first);
        assertEquals(1, reservations.size(), "published once");
        assertEquals(1, profiles.size(), "published once");
        assertEquals(UUID.nameUUIDFromBytes(("guestcrm:event:demo-ota:" + sha256(Samples.otaHotelResNotif()) + ":0")
                .getBytes(StandardCharsets.UTF_8)), reservations.getFirst().value().getMetadata().getEventId(),
                "event ids derive from feed, body hash and position: a retransmission reproduces them");
    }

    @Test
    void aWrongOrMissingTokenIsAnswered401WithAnOtaError() {
        postOta("demo-ota", "not-the-token", Samples.otaHotelResNotif())
                .then().statusCode(401)
                .body(containsString("<Errors><Error Type=\"4\" Code=\"497\""))
                .body(not(containsString("not-the-token")));
        postOta("demo-ota", null, Samples.otaHotelResNotif()).then().statusCode(401);
    }

    @Test
    void anUnknownFeedIsA404Problem() {
        postOta("no-such-feed", "demo", Samples.otaHotelResNotif())
                .then().statusCode(404)
                .contentType(containsString("application/problem+json"))
                .body("status", equalTo(404))
                .body("detail", containsString("no-such-feed"));
    }

    @Test
    void malformedAndInvalidMessagesAre400WithOtaErrorsAndNothingIsStoredOrPublished() throws Exception {
        long messagesBefore = count("select count(*) from inbound_message");
        long eventsBefore = count("select count(*) from outbox_event");

        postOta("demo-ota", "demo", Samples.otaHotelResNotif().replace("</HotelReservations>", ""))
                .then().statusCode(400)
                .body(containsString("<OTA_HotelResNotifRS"))
                .body(containsString("<Errors><Error Type=\"7\" Code=\"450\" ShortText=\"Unable to process\">malformed XML at line"));
        postOta("demo-ota", "demo", Samples.otaHotelResNotif().replace("HotelCode=\"WASJW\"", ""))
                .then().statusCode(400)
                .body(containsString("EchoToken=\"354\""))
                .body(containsString("Code=\"321\""))
                .body(containsString("BasicPropertyInfo@HotelCode is required"));
        postOta("demo-ota", "demo", Samples.otaHotelResNotif().replace("End=\"2005-10-20\"", "End=\"2005-10-01\""))
                .then().statusCode(400)
                .body(containsString("TimeSpan@End is before"))
                .body(not(containsString("2005-10-01")));
        postOta("demo-ota", "demo", """
                <?xml version="1.0"?>
                <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
                <OTA_HotelResNotifRQ xmlns="http://www.opentravel.org/OTA/2003/05" EchoToken="&xxe;"/>""")
                .then().statusCode(400)
                .body(containsString("DOCTYPE declarations"))
                .body(not(containsString("root:")));

        assertEquals(messagesBefore, count("select count(*) from inbound_message"), "no inbound message stored");
        assertEquals(eventsBefore, count("select count(*) from outbox_event"), "no event in the outbox, so none published");
    }

    @Test
    void aBodyOverTheLimitIsAnswered413() {
        String padding = " ".repeat(1024 * 1024 + 16);
        String oversized = Samples.otaHotelResNotif().replace("<POS>", padding + "<POS>");
        postOta("demo-ota", "demo", oversized)
                .then().statusCode(413)
                .body(containsString("<Errors><Error Type=\"12\""))
                .body(containsString("exceeds 1048576 bytes"));
    }

    @Test
    void theModifySampleIsAcceptedOnTheSameEndpoint() {
        String messageId = postOta("demo-ota", "demo", Samples.otaHotelResModifyNotif())
                .then().statusCode(200)
                .body(containsString("<OTA_HotelResModifyNotifRS"))
                .body(containsString("<Success/>"))
                .extract().header("X-Message-Id");
        List<DecodedRecord<ReservationChanged>> records = await().atMost(Duration.ofSeconds(60))
                .until(() -> recordsOf(Topic.PMS_RESERVATIONS.topicName(), messageId), list -> list.size() == 1);
        assertEquals("demo:WASJW:82329987", records.getFirst().key());
        assertEquals(ReservationChangeType.MODIFIED, records.getFirst().value().getChangeType());
        assertEquals(LocalDate.of(2005, 10, 21), records.getFirst().value().getDeparture());
    }

    @Test
    void healthReportsTheOutboxAndMetricsCountMessagesPerFeed() {
        postOta("demo-ota", "demo", Samples.otaHotelResNotif()).then().statusCode(200);
        // service-platform's outbox readiness check, open to probes.
        given().when().get("/q/health/ready").then().statusCode(200)
                .body(containsString("\"outbox\""))
                .body(containsString("oldestUnsentAgeSeconds"));
        // Metrics and the OpenAPI document are for ops only.
        given().when().get("/q/metrics").then().statusCode(401);
        Staff.as("demo", "admin").when().get("/q/metrics").then().statusCode(403);
        Staff.ops().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("connector_inbound_messages_total{feed=\"demo-ota\""))
                .body(containsString("guestcrm_outbox_backlog"))
                .body(containsString("guestcrm_outbox_oldest_unsent_age_seconds"))
                .body(containsString("guestcrm_outbox_parked"));
        given().when().get("/q/openapi").then().statusCode(401);
        Staff.ops().when().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/feeds/{feedId}/ota"))
                .body(containsString("/api/v1/feeds/{feedId}/reservations"));
    }

    // --- helpers --------------------------------------------------------------------------------

    static <T extends org.apache.avro.specific.SpecificRecord> List<DecodedRecord<T>> recordsOf(String topic, String correlationId) {
        List<DecodedRecord<T>> all = KafkaTestClients.readDecoded(topic);
        List<DecodedRecord<T>> matching = new ArrayList<>();
        for (DecodedRecord<T> record : all) {
            if (correlationId.equals(record.headers().get("correlation-id"))) {
                matching.add(record);
            }
        }
        return matching;
    }

    long count(String sql, Object... params) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i] instanceof String s && s.length() == 36 ? UUID.fromString(s) : params[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Everything the database holds about one inbound message, as text. */
    String databaseText(String messageId) {
        StringBuilder text = new StringBuilder();
        try (Connection connection = dataSource.getConnection()) {
            for (String sql : List.of("select masked_payload from inbound_message where message_id = ?",
                    "select encode(payload, 'escape') from outbox_event where message_id = ?")) {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setObject(1, UUID.fromString(messageId));
                    try (ResultSet rs = statement.executeQuery()) {
                        while (rs.next()) {
                            text.append(rs.getString(1)).append('\n');
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    static String sha256(String body) {
        return org.guestcrm.connector.domain.Tokens.sha256Hex(body.getBytes(StandardCharsets.UTF_8));
    }

    static Handler captureLogs(List<String> into) {
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
                into.add(record.getLoggerName() + ": " + message
                        + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger("").addHandler(handler);
        return handler;
    }
}
