package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.guestcrm.connector.Staff;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.schemas.Topic;
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
 * apaleo by OAuth client credentials (the token from the simulator's identity endpoint, cached until it expires, renewed
 * on a 401) and Mews listings read page by page ({@code Limitation{Count, Cursor}}, a page size of 2 in the tests)
 * until exhausted, by a resync of a Mews feed whose webhooks were missed. Against the PMS simulator over HTTP.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class VendorAuthAndPagingTest {

    static final String TENANT = "vendor-tenant";
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
    void apaleoTokensAreAskedForCachedUntilTheyExpireAndRenewedWhenRefused() throws Exception {
        String feedId = "oauth-" + UUID.randomUUID().toString().substring(0, 8);
        createFeed(feedId, "APALEO_WEBHOOK");
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"baseUrl\": \"" + simulator.baseUrl() + "\", \"clientId\": \"" + simulator.options().apaleoClientId()
                        + "\", \"clientSecret\": \"" + simulator.options().apaleoClientSecret() + "\"}")
                .put("/api/v1/feeds/{feedId}/pms-api", feedId).then().statusCode(200)
                .body("oauthClientSet", equalTo(true)).body("accessTokenSet", equalTo(false))
                .body("tokenUrl", equalTo(simulator.baseUrl() + "/connect/token"))
                .body(not(containsString(simulator.options().apaleoClientSecret())));
        webhooksTo(feedId, false);
        int issuedBefore = simulator.apaleoTokensIssued();

        String prefix = "OA" + UUID.randomUUID().toString().substring(0, 6).toUpperCase() + "-";
        reservation(prefix + 1);
        awaitReservation(prefix + 1);
        reservation(prefix + 2);
        awaitReservation(prefix + 2);
        assertEquals(issuedBefore + 1, simulator.apaleoTokensIssued(), "one token, cached for the second fetch");

        // apaleo refuses the cached token (a key rotation): 401, a new token, the fetch tried again at once
        simulator.revokeApaleoTokens();
        simulator.setApaleoTokenLifetime(Duration.ofSeconds(2));
        int refusedBefore = simulator.apaleoUnauthorized();
        reservation(prefix + 3);
        awaitReservation(prefix + 3);
        assertEquals(issuedBefore + 2, simulator.apaleoTokensIssued());
        assertEquals(refusedBefore + 1, simulator.apaleoUnauthorized(), "one refusal, then the renewed token");

        // a token of 2 s lifetime: after it expired the connector asks for a new one before calling
        Thread.sleep(2_500);
        reservation(prefix + 4);
        awaitReservation(prefix + 4);
        assertEquals(issuedBefore + 3, simulator.apaleoTokensIssued());
        assertEquals(refusedBefore + 1, simulator.apaleoUnauthorized(), "an expired token is not sent");
        simulator.setApaleoTokenLifetime(Duration.ofHours(1));

        Staff.admin(TENANT).contentType("application/json")
                .body("{\"baseUrl\": \"" + simulator.baseUrl() + "\", \"clientId\": \"x\"}")
                .put("/api/v1/feeds/{feedId}/pms-api", feedId).then().statusCode(400)
                .body("invalidParams.name", hasItems("clientSecret"));
    }

    @Test
    void aMewsResyncListsEveryPageOfWhatChangedAndFetchesWhatTheWebhooksMissed() {
        String feedId = "resync-" + UUID.randomUUID().toString().substring(0, 8);
        createFeed(feedId, "MEWS_WEBHOOK");
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"baseUrl\": \"" + simulator.baseUrl() + "\", \"accessToken\": \"" + simulator.options().mewsAccessToken()
                        + "\", \"clientToken\": \"" + simulator.options().mewsClientToken() + "\"}")
                .put("/api/v1/feeds/{feedId}/pms-api", feedId).then().statusCode(200);
        // the webhooks of these five customers went nowhere (an outage of the receiver)
        simulator.sendMewsWebhooksTo(null, null);
        Instant since = Instant.now().minusSeconds(2);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            simulator.putCustomer(SimulatedCustomer.of(id, "Guest" + i, "Missed", "missed" + i + "@example.org"));
        }
        int cursorsBefore = simulator.mewsCursorsAsked().size();
        // the simulator stamps changes in strictly increasing whole seconds, so five puts in a row run ahead of the clock
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"updatedSince\": \"" + since + "\", \"updatedUntil\": \"" + since.plusSeconds(3600) + "\"}")
                .post("/api/v1/feeds/{feedId}/resync", feedId).then().statusCode(202)
                .body("customers", equalTo(5));
        List<String> asked = simulator.mewsCursorsAsked().subList(cursorsBefore, simulator.mewsCursorsAsked().size());
        // the customers: pages of 2, asked with no cursor, then after the 2nd and after the 4th (the short 3rd page is the
        // last); the fetches that follow ask by id, without a cursor
        int second = asked.indexOf(ids.get(1));
        assertTrue(second > 0, "the second page was asked after the 2nd customer: " + asked);
        assertEquals(java.util.Arrays.asList(null, ids.get(1), ids.get(3)), asked.subList(second - 1, second + 2));
        assertEquals(List.of(), asked.stream().filter(c -> c != null && !c.equals(ids.get(1)) && !c.equals(ids.get(3))
                && ids.contains(c)).toList(), "no page after the short one");
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(60)).until(() -> profiles(TENANT + ":" + feedId + ":" + id), l -> l.size() == 1);
        }
        Staff.admin(TENANT).contentType("application/json").body("{\"updatedSince\": \"yesterday\"}")
                .post("/api/v1/feeds/{feedId}/resync", feedId).then().statusCode(400)
                .body("invalidParams.name", hasItems("updatedSince"));
        Staff.admin("other-tenant").contentType("application/json").body("{\"updatedSince\": \"" + since + "\"}")
                .post("/api/v1/feeds/{feedId}/resync", feedId).then().statusCode(404);
    }

    // --- helpers ------------------------------------------------------------------------------------

    private final java.util.Map<String, String> tokens = new java.util.HashMap<>();

    private void createFeed(String feedId, String mode) {
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"feedId\": \"" + feedId + "\", \"deliveryMode\": \"" + mode + "\", \"pmsType\": \"" + mode
                        + "\", \"hotels\": [{\"hotelCode\": \"BER\", \"timeZone\": \"Europe/Berlin\"}]}")
                .post("/api/v1/feeds?tenant=" + TENANT).then().statusCode(201);
        tokens.put(feedId, Staff.admin(TENANT).contentType("application/json").body("{\"kind\": \"BEARER\"}")
                .post("/api/v1/feeds/{feedId}/credentials", feedId).then().statusCode(201).extract().path("secret"));
    }

    private void webhooksTo(String feedId, boolean mews) {
        URI hook = URI.create(base.toString()).resolve("/api/v1/feeds/" + feedId + (mews ? "/mews" : "/apaleo"));
        if (mews) {
            simulator.sendMewsWebhooksTo(hook, tokens.get(feedId));
        } else {
            simulator.sendApaleoWebhooksTo(hook, tokens.get(feedId));
        }
    }

    private static void reservation(String id) {
        simulator.putReservation(SimulatedReservation.confirmed(id, "BER", null, LocalDate.of(2027, 6, 1),
                LocalDate.of(2027, 6, 3)));
    }

    private static void awaitReservation(String id) {
        String key = TENANT + ":BER:" + id;
        List<DecodedRecord<ReservationChanged>> found = await().atMost(Duration.ofSeconds(60))
                .until(() -> KafkaTestClients.<ReservationChanged>readDecoded(Topic.PMS_RESERVATIONS.topicName()).stream()
                        .filter(r -> key.equals(r.key())).toList(), l -> l.size() == 1);
        assertTrue(found.getFirst().value().getPmsReservationId().toString().equals(id));
    }

    static List<DecodedRecord<GuestProfileChanged>> profiles(String key) {
        return KafkaTestClients.<GuestProfileChanged>readDecoded(Topic.PMS_PROFILES.topicName()).stream()
                .filter(r -> key.equals(r.key())).toList();
    }
}
