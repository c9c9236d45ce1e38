package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.guestcrm.connector.Hostile;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The canonical JSON push end to end, through the same outbox to the real broker. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class CanonicalPushTest {

    static final String PATH = "/api/v1/feeds/{feedId}/reservations";

    @Test
    void malformedOptionalFieldsAreDroppedAnsweredAsWarningsAndCountedWhileTheBookingIsPublished() {
        // An e-mail typo from Splink's fake_1000 and an impossible FEBRL date of birth (src/test/resources/dedup).
        String reservationId = "W-" + UUID.randomUUID();
        String body = Hostile.json("", "\"emails\": [\"r..m51@leonard.net\", \"lenient@example.org\"], "
                + "\"birthDate\": \"1945-80-30\", \"nationality\": \"XX\", \"language\": \"de-DE\"")
                .replace("H-1", reservationId);
        String messageId = given().contentType("application/json").header("Authorization", "Bearer demo").body(body)
                .when().post(PATH, "demo-json")
                .then().statusCode(202)
                .body("warnings.field", org.hamcrest.Matchers.containsInAnyOrder("guests[0].emails[0]",
                        "guests[0].birthDate", "guests[0].nationality"))
                .body(org.hamcrest.Matchers.not(containsString("leonard")))
                .body(org.hamcrest.Matchers.not(containsString("1945")))
                .extract().path("messageId");
        List<DecodedRecord<GuestProfileChanged>> profiles = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.recordsOf(Topic.PMS_PROFILES.topicName(), messageId), l -> l.size() == 1);
        GuestProfileChanged profile = profiles.getFirst().value();
        assertEquals(List.of("lenient@example.org"), profile.getEmails().stream().map(e -> e.getAddress()).toList());
        assertEquals(null, profile.getBirthDate());
        assertEquals("de-DE", profile.getLanguage());
        org.guestcrm.connector.Staff.ops().get("/q/metrics").then().statusCode(200)
                .body(containsString("connector_fields_dropped_total{feed=\"demo-json\",field=\"email\"}"))
                .body(containsString("connector_fields_dropped_total{feed=\"demo-json\",field=\"birthDate\"}"));
    }

    @Test
    void aCanonicalReservationIsPublishedWithItsGuestProfile() {
        String reservationId = "J-" + UUID.randomUUID();
        String body = """
                {"hotelCode": "BERHB", "hotelName": "Hotel Berlin", "pmsReservationId": "%s",
                 "status": "CANCELLED", "arrival": "2026-07-01", "departure": "2026-07-04", "pmsSequence": 12,
                 "pmsModifiedAt": "2026-06-01T10:00:00+02:00",
                 "totalAmount": {"amount": 399.9, "currency": "EUR"}, "adults": 2,
                 "paymentCard": {"number": "4111111111111111"},
                 "guests": [{"pmsProfileId": "PR-77", "firstName": "Anna", "lastName": "Schmidt",
                             "emails": ["anna@example.org"], "language": "de", "emailOptIn": false}]}
                """.formatted(reservationId);
        String messageId = given().contentType("application/json").header("Authorization", "Bearer demo").body(body)
                .when().post(PATH, "demo-json")
                .then().statusCode(202)
                .body("duplicate", equalTo(false))
                .extract().path("messageId");

        List<DecodedRecord<ReservationChanged>> reservations = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), messageId), l -> l.size() == 1);
        ReservationChanged event = reservations.getFirst().value();
        assertEquals("demo:BERHB:" + reservationId, reservations.getFirst().key());
        assertEquals(ReservationChangeType.CANCELLED, event.getChangeType());
        assertEquals(LocalDate.of(2026, 7, 4), event.getDeparture());
        assertEquals(12L, event.getPmsSequence());
        assertEquals(new BigDecimal("399.9000"), event.getTotalAmount().getAmount());
        assertEquals("demo-json", event.getPmsSystem());

        List<DecodedRecord<GuestProfileChanged>> profiles = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.recordsOf(Topic.PMS_PROFILES.topicName(), messageId), l -> l.size() == 1);
        assertEquals("demo:demo-json:PR-77", profiles.getFirst().key());
        assertEquals(Boolean.FALSE, profiles.getFirst().value().getMarketingFlags().getEmailOptIn());
        assertEquals(false, profiles.getFirst().rawValueText().contains("4111111111111111"), "unknown card field dropped");
    }

    @Test
    void invalidFieldsAreNamedInAProblem() {
        given().contentType("application/json").header("Authorization", "Bearer demo")
                .body("""
                        {"pmsReservationId": "X1", "status": "CONFIRMED", "arrival": "2026-07-04", "departure": "2026-07-01"}""")
                .when().post(PATH, "demo-json")
                .then().statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("errors.field", hasItems("hotelCode", "departure"));
        given().contentType("application/json").header("Authorization", "Bearer demo")
                .body("""
                        {"hotelCode": "H", "pmsReservationId": "X1", "status": "CONFIRMED", "arrival": "2026-02-30", "departure": "2026-07-01"}""")
                .when().post(PATH, "demo-json")
                .then().statusCode(400)
                .body("errors.field", hasItems("arrival"));
        given().contentType("application/json").header("Authorization", "Bearer demo").body("{not json")
                .when().post(PATH, "demo-json")
                .then().statusCode(400)
                .body("errors.field", hasItems("body"));
    }

    @Test
    void theJsonFeedNeedsItsTokenAndTheOtaFeedTakesNoJson() {
        given().contentType("application/json").body("{}").when().post(PATH, "demo-json").then().statusCode(401)
                .contentType(containsString("application/problem+json"));
        given().contentType("application/json").header("Authorization", "Bearer demo").body("{}")
                .when().post(PATH, "demo-ota").then().statusCode(404);
    }
}
