package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Samples;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 7, preferences: what a PMS keeps on a profile (OTA PrefCollections, the canonical JSON {@code preferences})
 * travels on pms.profiles as {@code GuestProfileChanged.preferences}; payment data never does; bad JSON shapes are a 400
 * naming the field with nothing stored.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class PreferencesPushTest {

    @Inject
    DataSource dataSource;

    private static List<DecodedRecord<GuestProfileChanged>> profiles(String messageId, int count) {
        return await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<GuestProfileChanged>recordsOf(Topic.PMS_PROFILES.topicName(), messageId),
                        l -> l.size() == count);
    }

    @Test
    void anOtaProfileCarriesItsHotelAndCommonPreferencesAndNeverItsPaymentForm() throws Exception {
        String profileId = "PREF-" + UUID.randomUUID();
        String create = Samples.written("OTA_ProfileCreateRQ-preferences.xml").replace("PROFILE-ID", profileId);
        String messageId = OtaPushTest.postOta("demo-ota", "demo", create).then().statusCode(200)
                .body(containsString("<Success/>"))
                .body(containsString("PrefCollection/CommonPref/InterestPref may hold a payment card number; dropped"))
                .body(not(containsString("4111")))
                .extract().header("X-Message-Id");
        DecodedRecord<GuestProfileChanged> record = profiles(messageId, 1).getFirst();
        assertEquals(Map.of(
                "INTEREST", "Golf; Opera",
                "ROOM:5", "high floor, away from the lift",
                "BED:1", "Unacceptable",
                "DIET:VGML", "Preferred",
                "ACCESSIBILITY:4", "walk-in shower"), record.value().getPreferences());
        assertFalse(record.rawValueText().contains("4111"), "no card number on Kafka");
        assertFalse(record.rawValueText().contains("G-999"), "LoyaltyPref is not a preference");
        assertFalse(record.rawValueText().contains("Aisle"), "an airline's preference is no hotel's");
        assertFalse(databaseText(messageId).contains("4111111111111111"), "no card number in the archive or outbox");

        // the same preferences listed in another order are the same content: a redelivery, nothing emitted
        String reordered = create.replace("<InterestPref>Golf</InterestPref>", "<InterestPref>TEMP</InterestPref>")
                .replace("<InterestPref>Opera</InterestPref>", "<InterestPref>Golf</InterestPref>")
                .replace("<InterestPref>TEMP</InterestPref>", "<InterestPref>Opera</InterestPref>")
                .replace("<MealPref MealType=\"VGML\"/>", "")
                .replace("<HotelPref>", "<HotelPref><MealPref MealType=\"VGML\"/>")
                .replace("EchoToken=\"7101\"", "EchoToken=\"7102\"");
        String reorderedId = OtaPushTest.postOta("demo-ota", "demo", reordered).then().statusCode(200)
                .body(containsString("<Success/>")).extract().header("X-Message-Id");
        assertEquals(0, count("select count(*) from outbox_event where correlation_id = ?", reorderedId));

        // a changed preference is a change of the profile: emitted
        String changed = create.replace("<MealPref MealType=\"VGML\"/>", "<MealPref MealType=\"KSML\"/>")
                .replace("EchoToken=\"7101\"", "EchoToken=\"7103\"");
        String changedId = OtaPushTest.postOta("demo-ota", "demo", changed).then().statusCode(200)
                .body(containsString("<Success/>")).extract().header("X-Message-Id");
        Map<String, String> after = profiles(changedId, 1).getFirst().value().getPreferences();
        assertEquals("Preferred", after.get("DIET:KSML"));
        assertFalse(after.containsKey("DIET:VGML"));
    }

    @Test
    void theOfficialReservationSampleCarriesNoPreferencesAndWithAPrefCollectionItsProfileCarriesThem() {
        // the unmodified official OpenTravel sample (src/test/resources/samples): its profile has no PrefCollections
        String reservationId = String.valueOf(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L));
        String official = Samples.otaHotelResNotif().replace("ResID_Value=\"7865\"", "ResID_Value=\"" + reservationId + "\"");
        String officialId = OtaPushTest.postOta("demo-ota", "demo", official).then().statusCode(200)
                .body(containsString("<Success/>")).extract().header("X-Message-Id");
        assertEquals(Map.of(), profiles(officialId, 1).getFirst().value().getPreferences());

        // the same sample with a PrefCollections on its Profile (as OTA_HotelResNotifRQ allows), another reservation
        String otherId = reservationId + "1";
        String withPreferences = Samples.otaHotelResNotif()
                .replace("ResID_Value=\"7865\"", "ResID_Value=\"" + otherId + "\"")
                .replace("</Customer>", "</Customer><PrefCollections><PrefCollection><HotelPref>"
                        + "<RoomLocationPref RoomLocationCode=\"2\">non-smoking, quiet</RoomLocationPref>"
                        + "<FoodSrvcPref>gluten free</FoodSrvcPref></HotelPref></PrefCollection></PrefCollections>");
        String withId = OtaPushTest.postOta("demo-ota", "demo", withPreferences).then().statusCode(200)
                .body(containsString("<Success/>")).extract().header("X-Message-Id");
        assertEquals(Map.of("ROOM:2", "non-smoking, quiet", "DIET", "gluten free"),
                profiles(withId, 1).getFirst().value().getPreferences());
    }

    @Test
    void canonicalJsonPreferencesArePublishedAndBadOnesAreRefusedNamingTheField() throws Exception {
        String reservationId = "PJ-" + UUID.randomUUID();
        String template = """
                {"hotelCode": "BERHB", "pmsReservationId": "%s", "status": "CONFIRMED",
                 "arrival": "2026-07-01", "departure": "2026-07-04",
                 "guests": [{"pmsProfileId": "%s", "firstName": "Anna", "lastName": "Schmidt",
                             "preferences": %s}]}
                """;
        String body = template.formatted(reservationId, "PP-" + reservationId,
                "{\"ROOM\": \" high floor \", \"DIET\": \"vegetarian\", \"INTEREST:golf\": \"plays golf\"}");
        String messageId = given().contentType("application/json").header("Authorization", "Bearer demo").body(body)
                .when().post(CanonicalPushTest.PATH, "demo-json").then().statusCode(202).extract().path("messageId");
        assertEquals(Map.of("ROOM", "high floor", "DIET", "vegetarian", "INTEREST:golf", "plays golf"),
                profiles(messageId, 1).getFirst().value().getPreferences());

        String many = IntStream.range(0, 51).mapToObj(i -> "\"K" + i + "\": \"v\"").collect(Collectors.joining(", ", "{", "}"));
        Map<String, String> refusals = Map.of(
                "{\"ROOM\": 5}", "guests[0].preferences",
                "{\"ROOM\": {\"floor\": \"high\"}}", "guests[0].preferences",
                "{\"ROOM\": null}", "guests[0].preferences",
                "[\"high floor\"]", "guests[0].preferences",
                many, "guests[0].preferences",
                "{\"ROOM\": \"" + "x".repeat(501) + "\"}", "guests[0].preferences.ROOM",
                "{\"ROOM<script>\": \"x\"}", "guests[0].preferences",
                "{\"NOTE\": \"card 4111 1111 1111 1111\"}", "guests[0].preferences.NOTE");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            String refusedId = "PX-" + UUID.randomUUID();
            given().contentType("application/json").header("Authorization", "Bearer demo")
                    .body(template.formatted(refusedId, "PP-" + refusedId, refusal.getKey()))
                    .when().post(CanonicalPushTest.PATH, "demo-json")
                    .then().statusCode(400)
                    .contentType(containsString("application/problem+json"))
                    .body("errors.field", hasItem(refusal.getValue()))
                    .body(not(containsString("4111"))).body(not(containsString("script")));
            assertEquals(0, count("select count(*) from aggregate_version where aggregate_id like ?", "%" + refusedId + "%"),
                    "nothing stored for " + refusal.getValue());
        }
    }

    long count(String sql, Object... params) throws Exception {
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

    String databaseText(String messageId) throws Exception {
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
        }
        return text.toString();
    }
}
