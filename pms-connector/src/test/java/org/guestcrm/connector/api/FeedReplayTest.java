package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Samples;
import org.guestcrm.connector.Staff;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.testsupport.LocalIdentity;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Replay of a feed's raw archive after a mapping fix, end to end: pushes over HTTP, the fix (the OTA feed's default
 * currency, which the OpenTravel sample's amounts fall back on), the replay over the admin API, and what reached the real
 * Kafka topics and the outbox.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class FeedReplayTest {

    static final String TENANT = "replay-tenant";

    @Inject
    DataSource dataSource;

    @Test
    void aReplayReEmitsWhatAFixChangedAcceptsWhatWasRefusedAndEmitsNothingForTheRest() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenant = TENANT + "-" + suffix;
        Instant from = Instant.now().minusSeconds(5);
        String otaFeed = feed(tenant, "rp-ota-" + suffix, "OTA_XML");
        String jsonFeed = feed(tenant, "rp-json-" + suffix, "CANONICAL_JSON");
        String otaToken = credential(tenant, otaFeed);
        String jsonToken = credential(tenant, jsonFeed);

        // the OpenTravel sample: amounts without a currency take the feed's default, USD until the fix
        given().header("Authorization", "Bearer " + otaToken).contentType("application/xml")
                .body(Samples.otaHotelResNotif()).post("/api/v1/feeds/{feedId}/ota", otaFeed).then().statusCode(200);
        String reservationKey = tenant + ":WASJW:7865";
        String profileKey = tenant + ":" + otaFeed + ":7865-G1";
        ReservationChanged original = await().atMost(Duration.ofSeconds(60))
                .until(() -> reservations(reservationKey), l -> l.size() == 1).getFirst().value();
        assertEquals("USD", original.getTotalAmount().getCurrency());
        assertFalse(original.getMetadata().getHistory());
        await().atMost(Duration.ofSeconds(60)).until(() -> profiles(profileKey), l -> l.size() == 1);

        // JSON: one booking accepted, one refused (departure before arrival), and one refused by an earlier connector
        // version whose rules were stricter: its archive row is written here as that version would have kept it
        String kept = "RP-" + suffix + "-KEPT";
        given().header("Authorization", "Bearer " + jsonToken).contentType("application/json")
                .body(reservation(kept, "2027-05-01", "2027-05-03"))
                .post("/api/v1/feeds/{feedId}/reservations", jsonFeed).then().statusCode(202);
        String keptKey = tenant + ":BER:" + kept;
        await().atMost(Duration.ofSeconds(60)).until(() -> reservations(keptKey), l -> l.size() == 1);
        String broken = "RP-" + suffix + "-BROKEN";
        given().header("Authorization", "Bearer " + jsonToken).contentType("application/json")
                .body(reservation(broken, "2027-05-09", "2027-05-03"))
                .post("/api/v1/feeds/{feedId}/reservations", jsonFeed).then().statusCode(400);
        assertEquals(1, count("select count(*) from refused_message where feed_id = ? and masked_payload like ?",
                jsonFeed, "%" + broken + "%"), "the readable refused push is archived");
        String late = "RP-" + suffix + "-LATE";
        String lateBody = reservation(late, "2027-06-01", "2027-06-02");
        execute("""
                insert into refused_message (refused_id, feed_id, received_at, last_refused_at, body_sha256, message_type,
                    reason, masked_payload) values (?, ?, ?, ?, ?, 'CanonicalReservation', 'guests[0].emails[0] refused', ?)""",
                UUID.randomUUID(), jsonFeed, Timestamp.from(Instant.now()), Timestamp.from(Instant.now()),
                Tokens.sha256Hex(lateBody.getBytes(StandardCharsets.UTF_8)), lateBody);

        // the fix: the OTA feed's PMS sends euros
        Staff.admin(tenant).contentType("application/json")
                .body("{\"deliveryMode\": \"OTA_XML\", \"defaultCurrency\": \"EUR\"}")
                .put("/api/v1/feeds/{feedId}", otaFeed).then().statusCode(200);
        String to = Instant.now().plusSeconds(5).toString();
        String replayer = "replayer-" + suffix;

        ValidatableResponse ota = replay(tenant, replayer, otaFeed, from.toString(), to).statusCode(200)
                .body("messages", equalTo(1)).body("reEmitted", equalTo(1)).body("unchanged", equalTo(0))
                .body("refused", equalTo(0)).body("eventsEmitted", equalTo(1));
        String otaReplayId = ota.extract().path("replayId");
        List<DecodedRecord<ReservationChanged>> otaRecords = await().atMost(Duration.ofSeconds(60))
                .until(() -> reservations(reservationKey), l -> l.size() == 2);
        ReservationChanged replayed = otaRecords.get(1).value();
        assertEquals("EUR", replayed.getTotalAmount().getCurrency(), "today's mapping");
        assertEquals(0, replayed.getTotalAmount().getAmount().compareTo(original.getTotalAmount().getAmount()));
        assertTrue(replayed.getMetadata().getHistory(), "a replayed event is history: mirrored, never a trigger for mail");
        assertNotEquals(original.getMetadata().getEventId(), replayed.getMetadata().getEventId(),
                "consumers that processed the original id apply the corrected one");
        assertEquals(original.getMetadata().getCorrelationId(), replayed.getMetadata().getCorrelationId(),
                "correlated with the archived message it comes from");
        assertEquals("replay:" + otaReplayId, replayed.getMetadata().getCausationId());
        assertEquals(original.getChangeType(), replayed.getChangeType());
        assertEquals(1, count("select count(*) from outbox_event where record_key = ?", profileKey),
                "the guest's profile did not change with the currency: not emitted again");

        replay(tenant, replayer, jsonFeed, from.toString(), to).statusCode(200)
                .body("messages", equalTo(3)).body("reEmitted", equalTo(1)).body("unchanged", equalTo(1))
                .body("refused", equalTo(1)).body("notReplayable", equalTo(0));
        ReservationChanged accepted = await().atMost(Duration.ofSeconds(60))
                .until(() -> reservations(tenant + ":BER:" + late), l -> l.size() == 1).getFirst().value();
        assertTrue(accepted.getMetadata().getHistory());
        assertEquals(1, count("select count(*) from inbound_message where feed_id = ? and masked_payload like ?",
                jsonFeed, "%" + late + "%"), "the message refused before is an accepted inbound message now");
        assertEquals(1, count("select count(*) from outbox_event where record_key = ?", keptKey),
                "the unchanged booking emitted nothing");

        // the same replay again: every content is as emitted, nothing new
        long outboxBefore = count("select count(*) from outbox_event where record_key like ?", tenant + ":%");
        replay(tenant, replayer, otaFeed, from.toString(), to).statusCode(200)
                .body("messages", equalTo(1)).body("reEmitted", equalTo(0)).body("unchanged", equalTo(1));
        replay(tenant, replayer, jsonFeed, from.toString(), to).statusCode(200)
                .body("messages", equalTo(3)).body("reEmitted", equalTo(0)).body("unchanged", equalTo(2))
                .body("refused", equalTo(1)).body("eventsEmitted", equalTo(0));
        assertEquals(outboxBefore, count("select count(*) from outbox_event where record_key like ?", tenant + ":%"));

        // recorded: the feed's replays with who asked, and the audit trail's entries
        Staff.admin(tenant).get("/api/v1/feeds/{feedId}/replays", jsonFeed).then().statusCode(200)
                .body("size()", equalTo(2)).body("requestedBy", hasItem(replayer))
                .body("reEmitted", hasItems(1, 0)).body("refused", hasItems(1, 1));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Map<String, Object>> entries = Staff.admin(tenant).get("/api/v1/audit?actor=" + replayer).then()
                    .statusCode(200).extract().jsonPath().getList("$");
            assertEquals(4, entries.stream().filter(e -> "POST /api/v1/feeds/{feedId}/replay".equals(e.get("action"))
                    && Integer.valueOf(200).equals(e.get("outcome"))).count(), entries.toString());
        });
    }

    @Test
    void theRangeIsValidatedAndOnlyAnAdminOfTheFeedsTenantMayReplay() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenant = TENANT + "-" + suffix;
        String feedId = feed(tenant, "rp-doors-" + suffix, "CANONICAL_JSON");
        String now = Instant.now().toString();
        String hourAgo = Instant.now().minusSeconds(3600).toString();

        invalid(tenant, feedId, "{}").body("invalidParams.name", hasItems("from", "to"));
        invalid(tenant, feedId, "{\"from\": \"yesterday\", \"to\": \"" + now + "\"}")
                .body("invalidParams.name", equalTo(List.of("from")));
        invalid(tenant, feedId, "{\"from\": \"" + now + "\", \"to\": \"" + hourAgo + "\"}")
                .body("invalidParams.name", equalTo(List.of("to")));
        invalid(tenant, feedId, "{\"from\": \"" + Instant.now().minus(Duration.ofDays(40)) + "\", \"to\": \"" + now + "\"}")
                .body("invalidParams.name", equalTo(List.of("to")));

        String range = "{\"from\": \"" + hourAgo + "\", \"to\": \"" + now + "\"}";
        Staff.admin(tenant).contentType("application/json").body(range)
                .post("/api/v1/feeds/{feedId}/replay", feedId).then().statusCode(200)
                .body("messages", equalTo(0)).body("reEmitted", equalTo(0));
        Staff.admin("another-" + tenant).contentType("application/json").body(range)
                .post("/api/v1/feeds/{feedId}/replay", feedId).then().statusCode(404);
        Staff.admin(tenant).contentType("application/json").body(range)
                .post("/api/v1/feeds/{feedId}/replay", "no-such-" + suffix).then().statusCode(404);
        Staff.as(tenant, "ops").contentType("application/json").body(range)
                .post("/api/v1/feeds/{feedId}/replay", feedId).then().statusCode(403);
        Staff.as(tenant, "viewer").contentType("application/json").body(range)
                .post("/api/v1/feeds/{feedId}/replay", feedId).then().statusCode(403);
        given().contentType("application/json").body(range)
                .post("/api/v1/feeds/{feedId}/replay", feedId).then().statusCode(401);
        Staff.admin("another-" + tenant).get("/api/v1/feeds/{feedId}/replays", feedId).then().statusCode(404);
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static ValidatableResponse replay(String tenant, String actor, String feedId, String from, String to) {
        String token = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("admin"), Duration.ofMinutes(10), actor);
        return given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{\"from\": \"" + from + "\", \"to\": \"" + to + "\"}")
                .post("/api/v1/feeds/{feedId}/replay", feedId).then();
    }

    private static ValidatableResponse invalid(String tenant, String feedId, String body) {
        return Staff.admin(tenant).contentType("application/json").body(body)
                .post("/api/v1/feeds/{feedId}/replay", feedId).then().statusCode(400)
                .contentType("application/problem+json");
    }

    private static String reservation(String id, String arrival, String departure) {
        return "{\"hotelCode\": \"BER\", \"pmsReservationId\": \"" + id + "\", \"status\": \"CONFIRMED\", \"arrival\": \""
                + arrival + "\", \"departure\": \"" + departure + "\", \"totalAmount\": {\"amount\": 399.90, \"currency\":"
                + " \"EUR\"}, \"guests\": [{\"pmsProfileId\": \"P-" + id + "\", \"firstName\": \"Emmy\", \"lastName\":"
                + " \"Noether\", \"emails\": [\"emmy@example.org\"]}]}";
    }

    private static String feed(String tenant, String feedId, String mode) {
        Staff.admin(tenant).contentType("application/json")
                .body("{\"feedId\": \"" + feedId + "\", \"deliveryMode\": \"" + mode + "\"}")
                .post("/api/v1/feeds?tenant=" + tenant).then().statusCode(201);
        return feedId;
    }

    private static String credential(String tenant, String feedId) {
        return Staff.admin(tenant).contentType("application/json").body("{\"kind\": \"BEARER\"}")
                .post("/api/v1/feeds/{feedId}/credentials", feedId).then().statusCode(201).extract().path("secret");
    }

    private static List<DecodedRecord<ReservationChanged>> reservations(String key) {
        return KafkaTestClients.<ReservationChanged>readDecoded(Topic.PMS_RESERVATIONS.topicName()).stream()
                .filter(r -> key.equals(r.key())).toList();
    }

    private static List<DecodedRecord<GuestProfileChanged>> profiles(String key) {
        return KafkaTestClients.<GuestProfileChanged>readDecoded(Topic.PMS_PROFILES.topicName()).stream()
                .filter(r -> key.equals(r.key())).toList();
    }

    private long count(String sql, Object... params) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void execute(String sql, Object... params) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        }
    }
}
