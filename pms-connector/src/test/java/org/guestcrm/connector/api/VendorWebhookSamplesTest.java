package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Staff;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.simulator.PmsSimulator;
import org.guestcrm.simulator.SimulatedCustomer;
import org.guestcrm.simulator.SimulatedReservation;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The thin webhooks with payloads written by others (src/test/resources/vendor, copied verbatim from the shared corpus):
 * apaleo's own duplicate delivery (apaleo/api#184) and Mews' General Webhooks sample, posted byte for byte to the
 * running connector, which fetches the states from the PMS simulator (its webhooks switched off, so only the vendors'
 * bodies arrive); and the restart of a fetch: a pending fetch a replica claimed and died on is taken over when its lease
 * has run out.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class VendorWebhookSamplesTest {

    static PmsSimulator simulator;
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DataSource dataSource;

    @BeforeAll
    static void start() throws Exception {
        simulator = PmsSimulator.start();
        // only the vendors' own bodies reach the connector
        simulator.sendApaleoWebhooksTo(null, null);
        simulator.sendMewsWebhooksTo(null, null);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void apaleosOwnDuplicateDeliveryIsFetchedAndEmittedOncePerReservation() throws Exception {
        String tenant = "vendor-" + UUID.randomUUID().toString().substring(0, 8);
        Feed feed = feed(tenant, "APALEO_WEBHOOK", "ZJUAM", null);
        JsonNode sample = JSON.readTree(resource("/vendor/apaleo-webhook-duplicate-delivery.json"));
        List<String> bodies = new ArrayList<>();
        for (JsonNode delivery : sample.get("deliveries")) {
            bodies.add(JSON.writeValueAsString(delivery.get("body")));
        }
        assertEquals(4, bodies.size());
        assertEquals(bodies.get(0), bodies.get(1), "the sample's duplicate: the same body twice");
        simulator.putReservation(SimulatedReservation.confirmed("KQSJRBLX-1", "ZJUAM", null,
                LocalDate.of(2019, 8, 1), LocalDate.of(2019, 8, 3)));
        simulator.putReservation(SimulatedReservation.confirmed("KIKEMUBV-1", "ZJUAM", null,
                LocalDate.of(2019, 9, 1), LocalDate.of(2019, 9, 2)));

        for (String body : bodies) {
            given().header("Authorization", "Bearer " + feed.token()).contentType("application/json").body(body)
                    .post("/api/v1/feeds/{feedId}/apaleo", feed.id())
                    .then().statusCode(202).body("recorded", equalTo(1)).body("ignored", equalTo(0));
        }
        for (String id : List.of("KQSJRBLX-1", "KIKEMUBV-1")) {
            String key = tenant + ":ZJUAM:" + id;
            ReservationChanged created = await().atMost(Duration.ofSeconds(60))
                    .until(() -> WebhookFetchTest.reservations(key), l -> l.size() == 1).getFirst().value();
            assertEquals(ReservationChangeType.CREATED, created.getChangeType());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> settled(tenant, feed.id()));
        Staff.admin(tenant).get("/api/v1/feeds/{feedId}/webhook-fetches", feed.id()).then().statusCode(200)
                .body("fetched", equalTo(2)).body("failed", equalTo(0));
        for (String id : List.of("KQSJRBLX-1", "KIKEMUBV-1")) {
            assertEquals(1, WebhookFetchTest.reservations(tenant + ":ZJUAM:" + id).size(),
                    "delivered twice, emitted once: " + id);
        }
    }

    @Test
    void mewsOwnGeneralWebhookIsFetchedForWhatItNamesAndTheOtherEventsAreIgnored() throws Exception {
        String tenant = "vendor-" + UUID.randomUUID().toString().substring(0, 8);
        Feed feed = feed(tenant, "MEWS_WEBHOOK", "BER", "mews-client-token");
        byte[] sample = resource("/vendor/mews-general-webhook.json");
        String reservationId = "bfee2c44-1f84-4326-a862-5289598f6e2d";
        String added = "c2f1d888-232e-49eb-87ac-5f75363af13b";
        String updated = "b3ce0fd7-a715-4bfc-969e-ef7a4822963c";
        simulator.putCustomer(SimulatedCustomer.of(added, "Ines", "Ortega", "ines.ortega@example.org"));
        simulator.putCustomer(SimulatedCustomer.of(updated, "Tomas", "Brandt", "tomas.brandt@example.org"));
        // The reservation's guest is a customer the sample does not name: were it one of the sample's customers, the
        // reservation's fetch would emit that profile a second time with the hotel it learnt (a real change, not a
        // duplicate), before or after the customer's own fetch, and the count below would depend on their order.
        String booker = UUID.randomUUID().toString();
        simulator.putCustomer(SimulatedCustomer.of(booker, "Lena", "Vogt", "lena.vogt@example.org"));
        simulator.putReservation(SimulatedReservation.confirmed(reservationId, "BER", booker,
                LocalDate.of(2027, 10, 1), LocalDate.of(2027, 10, 4)));

        // the sample as Mews sends it, twice (Mews retries a delivery it did not see acknowledged)
        for (int delivery = 0; delivery < 2; delivery++) {
            given().header("Authorization", "Bearer " + feed.token()).contentType("application/json").body(sample)
                    .post("/api/v1/feeds/{feedId}/mews", feed.id())
                    .then().statusCode(202).body("recorded", equalTo(3)).body("ignored", equalTo(3));
        }
        String key = tenant + ":BER:" + reservationId;
        ReservationChanged created = await().atMost(Duration.ofSeconds(60))
                .until(() -> WebhookFetchTest.reservations(key), l -> l.size() == 1).getFirst().value();
        assertEquals(ReservationChangeType.CREATED, created.getChangeType());
        for (String customer : List.of(added, updated)) {
            List<DecodedRecord<GuestProfileChanged>> profile = await().atMost(Duration.ofSeconds(60))
                    .until(() -> WebhookFetchTest.profiles(tenant + ":" + feed.id() + ":" + customer), l -> l.size() == 1);
            assertEquals(1, profile.getFirst().value().getEmails().size());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> settled(tenant, feed.id()));
        Staff.admin(tenant).get("/api/v1/feeds/{feedId}/webhook-fetches", feed.id()).then().statusCode(200)
                .body("fetched", equalTo(3)).body("failed", equalTo(0))
                .body(not(containsString("7cccbdc6-73cf-4cd4-8056-6fd00f4d9699")));
        assertEquals(1, WebhookFetchTest.reservations(key).size(), "delivered twice, emitted once");
        for (String customer : List.of(added, updated)) {
            assertEquals(1, WebhookFetchTest.profiles(tenant + ":" + feed.id() + ":" + customer).size());
        }
    }

    @Test
    void aFetchAReplicaClaimedAndDiedOnIsTakenOverWhenItsLeaseHasRunOut() throws Exception {
        String tenant = "vendor-" + UUID.randomUUID().toString().substring(0, 8);
        Feed feed = feed(tenant, "APALEO_WEBHOOK", "BER", null);
        String reservationId = "RS" + UUID.randomUUID().toString().substring(0, 6).toUpperCase() + "-1";
        simulator.putReservation(SimulatedReservation.confirmed(reservationId, "BER", null,
                LocalDate.of(2027, 11, 1), LocalDate.of(2027, 11, 5)));
        // what a replica leaves that recorded the webhook (answered 202), claimed the fetch with its lease and died
        // before fetching: the row pending, its lease run out, nothing emitted
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                insert into webhook_fetch (feed_id, entity_type, entity_id, last_notice, state, attempts, next_attempt_at,
                                           lease_until, first_notified_at, notified_at)
                values (?, 'RESERVATION', ?, 'created', 'PENDING', 0, now() - interval '2 minutes',
                        now() - interval '1 second', now() - interval '2 minutes', now() - interval '2 minutes')""")) {
            insert.setString(1, feed.id());
            insert.setString(2, reservationId);
            assertEquals(1, insert.executeUpdate());
        }
        String key = tenant + ":BER:" + reservationId;
        ReservationChanged created = await().atMost(Duration.ofSeconds(60))
                .until(() -> WebhookFetchTest.reservations(key), l -> l.size() == 1).getFirst().value();
        assertEquals(ReservationChangeType.CREATED, created.getChangeType());
        await().atMost(Duration.ofSeconds(60)).until(() -> settled(tenant, feed.id()));
        Staff.admin(tenant).get("/api/v1/feeds/{feedId}/webhook-fetches", feed.id()).then().statusCode(200)
                .body("fetched", equalTo(1)).body("pending", equalTo(0)).body("failed", equalTo(0));
        assertEquals(1, WebhookFetchTest.reservations(key).size());
    }

    record Feed(String id, String token) {
    }

    /** A webhook feed of {@code tenant} for {@code hotel} (Europe/Berlin), its PMS API the simulator. */
    private static Feed feed(String tenant, String deliveryMode, String hotel, String clientToken) {
        String feedId = deliveryMode.toLowerCase().replace('_', '-') + "-" + UUID.randomUUID().toString().substring(0, 8);
        Staff.admin(tenant).contentType("application/json")
                .body("{\"feedId\": \"" + feedId + "\", \"deliveryMode\": \"" + deliveryMode + "\", \"pmsType\": \""
                        + deliveryMode + "\", \"hotels\": [{\"hotelCode\": \"" + hotel + "\", \"timeZone\": \"Europe/Berlin\"}]}")
                .post("/api/v1/feeds?tenant=" + tenant).then().statusCode(201);
        String token = Staff.admin(tenant).contentType("application/json").body("{\"kind\": \"BEARER\"}")
                .post("/api/v1/feeds/{feedId}/credentials", feedId).then().statusCode(201).extract().path("secret");
        boolean mews = deliveryMode.equals("MEWS_WEBHOOK");
        String access = mews ? simulator.options().mewsAccessToken() : simulator.options().apaleoAccessToken();
        Staff.admin(tenant).contentType("application/json")
                .body("{\"baseUrl\": \"" + simulator.baseUrl() + "\", \"accessToken\": \"" + access + "\""
                        + (clientToken == null ? "" : ", \"clientToken\": \"" + clientToken + "\"") + "}")
                .put("/api/v1/feeds/{feedId}/pms-api", feedId).then().statusCode(200);
        return new Feed(feedId, token);
    }

    private static boolean settled(String tenant, String feedId) {
        int pending = Staff.admin(tenant).get("/api/v1/feeds/{feedId}/webhook-fetches", feedId).then().statusCode(200)
                .extract().path("pending");
        return pending == 0;
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = VendorWebhookSamplesTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("No sample " + path);
            }
            return in.readAllBytes();
        }
    }
}
