package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.guestcrm.connector.Staff;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.simulator.MewsEvent;
import org.guestcrm.simulator.PmsSimulator;
import org.guestcrm.simulator.SimulatedCustomer;
import org.guestcrm.simulator.SimulatedReservation;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Thin webhooks with fetch, end to end: the PMS simulator (a real HTTP server serving apaleo's and Mews' contracts)
 * sends its webhooks to the running connector, the connector fetches the state from the simulator's API and the events
 * arrive on the real Kafka topics.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class WebhookFetchTest {

    static final String TENANT = "webhook-tenant";
    static PmsSimulator simulator;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void startSimulator() throws Exception {
        if (simulator == null) {
            simulator = PmsSimulator.start();
        }
        simulator.setApiAvailable(true);
    }

    @AfterAll
    static void stopSimulator() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }

    @Test
    void apaleoReservationsAreFetchedAfterTheirWebhookAndARepeatedWebhookEmitsNothingNew() {
        List<String> logLines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = OtaPushTest.captureLogs(logLines);
        try {
            apaleoLifecycle();
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(capture);
        }
        assertTrue(logLines.stream().anyMatch(l -> l.contains("fetched")), "the capture saw the fetch's DEBUG lines");
        for (String line : logLines) {
            assertTrue(!line.contains("Lovelace") && !line.contains("ada.lovelace@example.org")
                    && !line.contains("1234567"), "personal data in the log: " + line);
        }
    }

    private void apaleoLifecycle() {
        String feedId = webhookFeed("APALEO_WEBHOOK", null);
        String customerId = "apaleo-guest-" + UUID.randomUUID();
        String reservationId = "AP" + UUID.randomUUID().toString().substring(0, 8).toUpperCase() + "-1";
        simulator.putCustomer(SimulatedCustomer.of(customerId, "Ada", "Lovelace", "ada.lovelace@example.org")
                .withContact("+49 30 1234567", "de", "DE"));
        simulator.putReservation(SimulatedReservation.confirmed(reservationId, "BER", customerId,
                LocalDate.of(2027, 3, 1), LocalDate.of(2027, 3, 4)).withGuests(2, 1));

        String key = TENANT + ":BER:" + reservationId;
        ReservationChanged created = await().atMost(Duration.ofSeconds(60))
                .until(() -> reservations(key), l -> l.size() == 1).getFirst().value();
        assertEquals(ReservationChangeType.CREATED, created.getChangeType());
        assertEquals(ReservationStatus.CONFIRMED, created.getStatus());
        assertEquals(LocalDate.of(2027, 3, 1), created.getArrival());
        assertEquals(LocalDate.of(2027, 3, 4), created.getDeparture());
        assertEquals(2, created.getAdults());
        assertEquals(1, created.getChildren());
        assertEquals(new BigDecimal("240.0000"), created.getTotalAmount().getAmount());
        assertEquals("EUR", created.getTotalAmount().getCurrency());
        assertEquals(feedId, created.getPmsSystem());
        List<DecodedRecord<GuestProfileChanged>> profiles = await().atMost(Duration.ofSeconds(60))
                .until(() -> profiles(TENANT + ":" + feedId + ":" + reservationId + "-G1"), l -> l.size() == 1);
        assertEquals(List.of("ada.lovelace@example.org"),
                profiles.getFirst().value().getEmails().stream().map(e -> e.getAddress()).toList());
        assertEquals("de", profiles.getFirst().value().getLanguage());

        // apaleo delivers at least once: the same notification twice more; the state is fetched again, unchanged
        int requests = simulator.apiRequests();
        assertEquals(202, simulator.notifyApaleo("created", reservationId));
        assertEquals(202, simulator.notifyApaleo("changed", reservationId));
        await().atMost(Duration.ofSeconds(60)).until(() -> simulator.apiRequests() > requests && fetchesSettled(feedId));
        assertEquals(1, reservations(key).size(), "an unchanged state emits nothing new");

        // the no-show, as apaleo reports it (set-to-no-show, status NoShow), is the canonical no-show
        simulator.putReservation(simulator.reservation(reservationId).orElseThrow()
                .withState(SimulatedReservation.State.NO_SHOW));
        ReservationChanged noShow = await().atMost(Duration.ofSeconds(60))
                .until(() -> reservations(key), l -> l.size() == 2).getLast().value();
        assertEquals(ReservationChangeType.NO_SHOW, noShow.getChangeType());
        assertEquals(ReservationStatus.NO_SHOW, noShow.getStatus());
        assertTrue(noShow.getPmsModifiedAt().isAfter(created.getPmsModifiedAt()));
    }

    @Test
    void whileThePmsApiIsDownTheFetchIsRetriedAndTheStateArrivesWhenItIsBack() {
        String feedId = webhookFeed("APALEO_WEBHOOK", null);
        String reservationId = "DOWN" + UUID.randomUUID().toString().substring(0, 6).toUpperCase() + "-1";
        String key = TENANT + ":BER:" + reservationId;
        simulator.setApiAvailable(false);
        try {
            simulator.putReservation(SimulatedReservation.confirmed(reservationId, "BER", null,
                    LocalDate.of(2027, 4, 1), LocalDate.of(2027, 4, 2)));
            assertEquals(1, simulator.reservation(reservationId).isPresent() ? 1 : 0);
            // the webhook was answered at once; the fetch fails on the 503 and is retried
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Staff.admin(TENANT)
                    .get("/api/v1/feeds/{feedId}/webhook-fetches", feedId).then().statusCode(200)
                    .body("pending", equalTo(1))
                    .body("troubles.find { it.entityId == '" + reservationId + "' }.attempts",
                            org.hamcrest.Matchers.greaterThanOrEqualTo(2))
                    .body("troubles.find { it.entityId == '" + reservationId + "' }.lastError", containsString("503")));
            assertEquals(List.of(), reservations(key), "nothing could be fetched yet");
        } finally {
            simulator.setApiAvailable(true);
        }
        ReservationChanged event = await().atMost(Duration.ofSeconds(60))
                .until(() -> reservations(key), l -> l.size() == 1).getFirst().value();
        assertEquals(ReservationStatus.CONFIRMED, event.getStatus());
        await().atMost(Duration.ofSeconds(30)).until(() -> fetchesSettled(feedId));
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/webhook-fetches", feedId).then().statusCode(200)
                .body("pending", equalTo(0)).body("failed", equalTo(0)).body("fetched", equalTo(1));
    }

    @Test
    void mewsEventsAreFetchedByIdAndCanceledWithReasonNoShowIsTheNoShow() {
        String feedId = webhookFeed("MEWS_WEBHOOK", "mews-client-token");
        String customerId = UUID.randomUUID().toString();
        String reservationId = UUID.randomUUID().toString();
        simulator.putCustomer(SimulatedCustomer.of(customerId, "Grace", "Hopper", "grace.hopper@example.org")
                .withMarketingEmails(true));
        List<DecodedRecord<GuestProfileChanged>> customer = await().atMost(Duration.ofSeconds(60))
                .until(() -> profiles(TENANT + ":" + feedId + ":" + customerId), l -> l.size() == 1);
        assertEquals(Boolean.TRUE, customer.getFirst().value().getMarketingFlags().getEmailOptIn());
        assertNull(customer.getFirst().value().getHotelCode());

        simulator.putReservation(SimulatedReservation.confirmed(reservationId, "BER", customerId,
                LocalDate.of(2027, 5, 1), LocalDate.of(2027, 5, 3)));
        String key = TENANT + ":BER:" + reservationId;
        ReservationChanged created = await().atMost(Duration.ofSeconds(60))
                .until(() -> reservations(key), l -> l.size() == 1).getFirst().value();
        assertEquals(ReservationChangeType.CREATED, created.getChangeType());
        assertEquals(LocalDate.of(2027, 5, 1), created.getArrival(), "StartUtc in the hotel's time zone");
        assertEquals(LocalDate.of(2027, 5, 3), created.getDeparture());

        // one batched message naming both again: both fetched, both unchanged
        int requests = simulator.apiRequests();
        assertEquals(202, simulator.notifyMews(List.of(new MewsEvent("ServiceOrderUpdated", reservationId),
                new MewsEvent("CustomerUpdated", customerId), new MewsEvent("ResourceUpdated", UUID.randomUUID().toString()))));
        await().atMost(Duration.ofSeconds(60)).until(() -> simulator.apiRequests() >= requests + 3 && fetchesSettled(feedId));
        assertEquals(1, reservations(key).size());

        simulator.putReservation(simulator.reservation(reservationId).orElseThrow()
                .withState(SimulatedReservation.State.NO_SHOW));
        ReservationChanged noShow = await().atMost(Duration.ofSeconds(60))
                .until(() -> reservations(key), l -> l.size() == 2).getLast().value();
        assertEquals(ReservationChangeType.NO_SHOW, noShow.getChangeType());
        assertEquals(ReservationStatus.NO_SHOW, noShow.getStatus());
    }

    @Test
    void aFeedsFetchesRunWithAtMostItsConcurrency() {
        String feedId = webhookFeed("APALEO_WEBHOOK", null);
        String prefix = "CC" + UUID.randomUUID().toString().substring(0, 6).toUpperCase() + "-";
        simulator.setApiDelay(Duration.ofMillis(300));
        simulator.resetApiConcurrencyMax();
        try {
            for (int i = 1; i <= 6; i++) {
                simulator.putReservation(SimulatedReservation.confirmed(prefix + i, "BER", null, LocalDate.of(2027, 9, i),
                        LocalDate.of(2027, 9, i + 1)));
            }
            for (int i = 1; i <= 6; i++) {
                String key = TENANT + ":BER:" + prefix + i;
                await().atMost(Duration.ofSeconds(60)).until(() -> reservations(key), l -> l.size() == 1);
            }
        } finally {
            simulator.setApiDelay(Duration.ZERO);
        }
        assertTrue(simulator.apiConcurrencyMax() <= 2, "the feed's maxConcurrency is 2; the PMS saw "
                + simulator.apiConcurrencyMax() + " calls at once");
        await().atMost(Duration.ofSeconds(30)).until(() -> fetchesSettled(feedId));
    }

    @Test
    void aMalformedWebhookIsA400NamingTheFieldAndRecordsNothing() {
        String apaleoFeed = webhookFeed("APALEO_WEBHOOK", null);
        String mewsFeed = webhookFeed("MEWS_WEBHOOK", "mews-client-token");
        String token = tokens.get(apaleoFeed);
        given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{\"topic\": \"Reservation\", \"type\": \"created\", \"data\": {}}")
                .post("/api/v1/feeds/{feedId}/apaleo", apaleoFeed)
                .then().statusCode(400).contentType(containsString("application/problem+json"))
                .body("errors.field", hasItem("data.entityId"));
        given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{\"type\": \"created\", \"data\": {\"entityId\": 7}}")
                .post("/api/v1/feeds/{feedId}/apaleo", apaleoFeed)
                .then().statusCode(400).body("errors.field", hasItems("topic"));
        given().header("Authorization", "Bearer " + token).contentType("application/json").body("{not json")
                .post("/api/v1/feeds/{feedId}/apaleo", apaleoFeed)
                .then().statusCode(400).body("errors.field", hasItem("body"));
        given().header("Authorization", "Bearer " + tokens.get(mewsFeed)).contentType("application/json")
                .body("{\"Events\": [{\"Discriminator\": \"ServiceOrderUpdated\", \"Value\": {\"Id\": \"a\"}},"
                        + " {\"Discriminator\": \"CustomerUpdated\", \"Value\": {}}]}")
                .post("/api/v1/feeds/{feedId}/mews", mewsFeed)
                .then().statusCode(400).body("errors.field", hasItem("Events[1].Value.Id"));
        given().header("Authorization", "Bearer " + tokens.get(mewsFeed)).contentType("application/json")
                .body("{\"EnterpriseId\": \"e\"}").post("/api/v1/feeds/{feedId}/mews", mewsFeed)
                .then().statusCode(400).body("errors.field", hasItem("Events"));
        // the apaleo subscription's health check (another topic) is acknowledged and ignored
        given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{\"id\": \"56eca994\", \"topic\": \"system\", \"type\": \"healthcheck\", \"accountId\": \"SIM\"}")
                .post("/api/v1/feeds/{feedId}/apaleo", apaleoFeed)
                .then().statusCode(202).body("recorded", equalTo(0)).body("ignored", equalTo(1));
        // credentials and kinds
        given().contentType("application/json").body("{}").post("/api/v1/feeds/{feedId}/apaleo", apaleoFeed)
                .then().statusCode(401);
        given().header("Authorization", "Bearer " + token).contentType("application/json").body("{\"Events\": []}")
                .post("/api/v1/feeds/{feedId}/mews", apaleoFeed).then().statusCode(404);
        for (String feed : List.of(apaleoFeed, mewsFeed)) {
            Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/webhook-fetches", feed).then().statusCode(200)
                    .body("pending", equalTo(0)).body("fetched", equalTo(0)).body("failed", equalTo(0));
        }
    }

    @Test
    void aReservationThePmsDoesNotKnowIsRecordedFailedWithTheReason() {
        String feedId = webhookFeed("APALEO_WEBHOOK", null);
        given().header("Authorization", "Bearer " + tokens.get(feedId)).contentType("application/json")
                .body("{\"topic\": \"Reservation\", \"type\": \"changed\", \"id\": \"x\", \"propertyId\": \"BER\","
                        + " \"data\": {\"entityId\": \"UNKNOWN-1\"}}")
                .post("/api/v1/feeds/{feedId}/apaleo", feedId)
                .then().statusCode(202).body("recorded", equalTo(1));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Staff.admin(TENANT)
                .get("/api/v1/feeds/{feedId}/webhook-fetches", feedId).then().statusCode(200)
                .body("failed", equalTo(1))
                .body("troubles[0].entityId", equalTo("UNKNOWN-1"))
                .body("troubles[0].state", equalTo("FAILED"))
                .body("troubles[0].lastError", containsString("404")));
    }

    @Test
    void thePmsApiSettingsAreValidatedAndTheirCredentialsNeverShown() {
        String mewsFeed = webhookFeed("MEWS_WEBHOOK", "mews-client-token");
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/pms-api", mewsFeed).then().statusCode(200)
                .body("accessTokenSet", equalTo(true)).body("clientTokenSet", equalTo(true))
                .body(not(containsString("mews-access-token"))).body(not(containsString("mews-client-token")));
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"baseUrl\": \"ftp://pms\", \"accessToken\": \"a\", \"maxConcurrency\": 0}")
                .put("/api/v1/feeds/{feedId}/pms-api", mewsFeed)
                .then().statusCode(400)
                .body("invalidParams.name", hasItems("baseUrl", "clientToken", "maxConcurrency"))
                .body(not(containsString("ftp://pms")));
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"baseUrl\": \"http://localhost:1\", \"accessToken\": \"a\"}")
                .put("/api/v1/feeds/{feedId}/pms-api", "demo-json").then().statusCode(404);
        String jsonFeed = "json-" + UUID.randomUUID().toString().substring(0, 8);
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"feedId\": \"" + jsonFeed + "\", \"deliveryMode\": \"CANONICAL_JSON\"}")
                .post("/api/v1/feeds?tenant=" + TENANT).then().statusCode(201);
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"baseUrl\": \"http://localhost:1\", \"accessToken\": \"a\"}")
                .put("/api/v1/feeds/{feedId}/pms-api", jsonFeed).then().statusCode(409);
        Staff.admin("other-tenant").get("/api/v1/feeds/{feedId}/pms-api", mewsFeed).then().statusCode(404);
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}", mewsFeed).then().statusCode(200)
                .body("deliveryMode", equalTo("MEWS_WEBHOOK")).body("pushPath", equalTo("/api/v1/feeds/" + mewsFeed + "/mews"));
    }

    // --- helpers ------------------------------------------------------------------------------------

    private final java.util.Map<String, String> tokens = new java.util.HashMap<>();

    /** A webhook feed of {@link #TENANT} (hotel BER, Europe/Berlin) set up against the simulator, its webhooks pointed here. */
    private String webhookFeed(String deliveryMode, String clientToken) {
        String feedId = deliveryMode.toLowerCase().replace('_', '-') + "-" + UUID.randomUUID().toString().substring(0, 8);
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"feedId\": \"" + feedId + "\", \"deliveryMode\": \"" + deliveryMode + "\", \"pmsType\": \""
                        + deliveryMode + "\", \"hotels\": [{\"hotelCode\": \"BER\", \"timeZone\": \"Europe/Berlin\"}]}")
                .post("/api/v1/feeds?tenant=" + TENANT).then().statusCode(201);
        String token = Staff.admin(TENANT).contentType("application/json").body("{\"kind\": \"BEARER\"}")
                .post("/api/v1/feeds/{feedId}/credentials", feedId).then().statusCode(201).extract().path("secret");
        tokens.put(feedId, token);
        boolean mews = deliveryMode.equals("MEWS_WEBHOOK");
        String access = mews ? simulator.options().mewsAccessToken() : simulator.options().apaleoAccessToken();
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"baseUrl\": \"" + simulator.baseUrl() + "\", \"accessToken\": \"" + access + "\""
                        + (clientToken == null ? "" : ", \"clientToken\": \"" + clientToken + "\"") + ", \"maxConcurrency\": 2}")
                .put("/api/v1/feeds/{feedId}/pms-api", feedId).then().statusCode(200)
                .body("accessTokenSet", equalTo(true)).body(not(containsString(access)));
        URI hook = URI.create(base.toString()).resolve("/api/v1/feeds/" + feedId + (mews ? "/mews" : "/apaleo"));
        if (mews) {
            simulator.sendMewsWebhooksTo(hook, token);
            simulator.sendApaleoWebhooksTo(null, null);
        } else {
            simulator.sendApaleoWebhooksTo(hook, token);
            simulator.sendMewsWebhooksTo(null, null);
        }
        return feedId;
    }

    private static boolean fetchesSettled(String feedId) {
        int pending = Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/webhook-fetches", feedId).then().statusCode(200)
                .extract().path("pending");
        return pending == 0;
    }

    static List<DecodedRecord<ReservationChanged>> reservations(String key) {
        return KafkaTestClients.<ReservationChanged>readDecoded(Topic.PMS_RESERVATIONS.topicName()).stream()
                .filter(r -> key.equals(r.key())).toList();
    }

    static List<DecodedRecord<GuestProfileChanged>> profiles(String key) {
        return KafkaTestClients.<GuestProfileChanged>readDecoded(Topic.PMS_PROFILES.topicName()).stream()
                .filter(r -> key.equals(r.key())).toList();
    }
}
