package org.guestcrm.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/** The simulator's vendor contracts over real HTTP, with a real JDK HTTP server as the webhook receiver. */
class PmsSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int receiverStatus = 202;
    private HttpServer receiver;
    private PmsSimulator simulator;

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("localhost", 0), 8);
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                exchange.sendResponseHeaders(receiverStatus, -1);
            }
        });
        receiver.start();
        simulator = PmsSimulator.start();
        URI hook = URI.create("http://localhost:" + receiver.getAddress().getPort() + "/hook");
        simulator.sendApaleoWebhooksTo(hook, "feed-token");
    }

    @AfterEach
    void stop() {
        simulator.close();
        receiver.stop(0);
    }

    @Test
    void apaleoReservationIsServedInTheBookingApiShapeAndItsChangesAreNotified() throws Exception {
        simulator.putCustomer(SimulatedCustomer.of("C-1", "Ada", "Lovelace", "ada@example.org")
                .withContact("+49 30 1234567", "de", "DE").withAddress("Unter den Linden 1", "Berlin", "10117", "DE"));
        simulator.putReservation(SimulatedReservation.confirmed("ABCDEFGH-1", "BER", "C-1", LocalDate.of(2027, 3, 1),
                LocalDate.of(2027, 3, 4)).withGuests(2, 1));

        JsonNode created = received.getLast();
        assertEquals("Reservation", created.path("topic").asText());
        assertEquals("created", created.path("type").asText());
        assertEquals("BER", created.path("propertyId").asText());
        assertEquals("ABCDEFGH-1", created.path("data").path("entityId").asText());
        assertFalse(created.path("id").asText().isBlank());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("pms-simulator:feed-token".getBytes(StandardCharsets.UTF_8)),
                authorizations.getLast());

        HttpResponse<String> answer = get("/booking/v1/reservations/ABCDEFGH-1", "Bearer apaleo-token");
        assertEquals(200, answer.statusCode());
        JsonNode reservation = JSON.readTree(answer.body());
        assertEquals("Confirmed", reservation.path("status").asText());
        assertEquals("BER", reservation.path("property").path("code").asText());
        assertEquals("2027-03-01T15:00:00+01:00", reservation.path("arrival").asText());
        assertEquals("2027-03-04T11:00:00+01:00", reservation.path("departure").asText());
        assertEquals(2, reservation.path("adults").asInt());
        assertEquals(1, reservation.path("childrenAges").size());
        assertEquals("EUR", reservation.path("totalGrossAmount").path("currency").asText());
        assertEquals("Ada", reservation.path("primaryGuest").path("firstName").asText());
        assertEquals("ada@example.org", reservation.path("primaryGuest").path("email").asText());
        assertEquals("DE", reservation.path("primaryGuest").path("address").path("countryCode").asText());
        assertEquals("de", reservation.path("primaryGuest").path("preferredLanguage").asText());

        simulator.putReservation(simulator.reservation("ABCDEFGH-1").orElseThrow()
                .withState(SimulatedReservation.State.NO_SHOW));
        assertEquals("set-to-no-show", received.getLast().path("type").asText());
        JsonNode noShow = JSON.readTree(get("/booking/v1/reservations/ABCDEFGH-1", "Bearer apaleo-token").body());
        assertEquals("NoShow", noShow.path("status").asText());
        assertTrue(noShow.path("modified").asText().compareTo(reservation.path("modified").asText()) > 0,
                "a change is stamped later than the state before it");

        int before = received.size();
        simulator.putReservation(simulator.reservation("ABCDEFGH-1").orElseThrow());
        assertEquals(before, received.size(), "a put of the same content notifies nobody");
    }

    @Test
    void apaleoRefusesWithoutTheTokenAnswers404ForAnUnknownReservationAnd503DuringAnOutage() throws Exception {
        simulator.putReservation(SimulatedReservation.confirmed("R-2", "MUC", null, LocalDate.of(2027, 1, 1),
                LocalDate.of(2027, 1, 2)));
        assertEquals(401, get("/booking/v1/reservations/R-2", null).statusCode());
        assertEquals(401, get("/booking/v1/reservations/R-2", "Bearer wrong").statusCode());
        assertEquals(404, get("/booking/v1/reservations/R-404", "Bearer apaleo-token").statusCode());
        simulator.setApiAvailable(false);
        assertEquals(503, get("/booking/v1/reservations/R-2", "Bearer apaleo-token").statusCode());
        simulator.setApiAvailable(true);
        assertEquals(200, get("/booking/v1/reservations/R-2", "Bearer apaleo-token").statusCode());
    }

    @Test
    void mewsServesReservationsAndCustomersByIdWithTheTokensInTheBodyAndBatchesItsWebhook() throws Exception {
        URI hook = URI.create("http://localhost:" + receiver.getAddress().getPort() + "/hook");
        simulator.sendApaleoWebhooksTo(null, null);
        simulator.sendMewsWebhooksTo(hook, "feed-token");
        received.clear();
        simulator.putCustomer(SimulatedCustomer.of("c0ffee00-0000-4000-8000-000000000001", "Grace", "Hopper",
                "grace@example.org").withMarketingEmails(true));
        JsonNode added = received.getLast();
        assertEquals(simulator.options().mewsEnterpriseId(), added.path("EnterpriseId").asText());
        assertEquals("CustomerAdded", added.path("Events").get(0).path("Discriminator").asText());
        assertEquals("c0ffee00-0000-4000-8000-000000000001", added.path("Events").get(0).path("Value").path("Id").asText());

        String reservationId = "5eed0000-0000-4000-8000-000000000002";
        simulator.putReservation(SimulatedReservation.confirmed(reservationId, "BER",
                "c0ffee00-0000-4000-8000-000000000001", LocalDate.of(2027, 5, 1), LocalDate.of(2027, 5, 3)));
        assertEquals("ServiceOrderUpdated", received.getLast().path("Events").get(0).path("Discriminator").asText());

        HttpResponse<String> answer = post(MewsContract.RESERVATIONS_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "test 1.0",
                 "ReservationIds": ["%s"], "Limitation": {"Count": 10}}""".formatted(reservationId));
        assertEquals(200, answer.statusCode());
        JsonNode reservation = JSON.readTree(answer.body()).path("Reservations").get(0);
        assertEquals("Confirmed", reservation.path("State").asText());
        assertEquals("2027-05-01T13:00:00Z", reservation.path("StartUtc").asText());
        assertEquals("2027-05-03T09:00:00Z", reservation.path("EndUtc").asText());
        assertEquals("c0ffee00-0000-4000-8000-000000000001", reservation.path("CustomerId").asText());
        assertTrue(reservation.path("CancellationReason").isNull());

        simulator.putReservation(simulator.reservation(reservationId).orElseThrow()
                .withState(SimulatedReservation.State.NO_SHOW));
        JsonNode noShow = JSON.readTree(post(MewsContract.RESERVATIONS_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "test 1.0",
                 "ReservationIds": ["%s"]}""".formatted(reservationId)).body()).path("Reservations").get(0);
        assertEquals("Canceled", noShow.path("State").asText());
        assertEquals("NoShow", noShow.path("CancellationReason").asText());

        JsonNode customer = JSON.readTree(post(MewsContract.CUSTOMERS_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "test 1.0",
                 "CustomerIds": ["c0ffee00-0000-4000-8000-000000000001"]}""").body()).path("Customers").get(0);
        assertEquals("Grace", customer.path("FirstName").asText());
        assertEquals("grace@example.org", customer.path("Email").asText());
        assertEquals("SendMarketingEmails", customer.path("Options").get(0).asText());
        assertNull(customer.get("Address").textValue());

        assertEquals(401, post(MewsContract.RESERVATIONS_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "stolen", "Client": "t"}""").statusCode());
        assertEquals(400, post(MewsContract.RESERVATIONS_PATH, "[1, 2]").statusCode());
        simulator.setApiAvailable(false);
        assertEquals(503, post(MewsContract.CUSTOMERS_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "t"}""").statusCode());
    }

    @Test
    void anUndeliverableWebhookIsRetriedThenCountedNotLostSilently() {
        receiverStatus = 503;
        simulator.putReservation(SimulatedReservation.confirmed("R-9", "BER", null, LocalDate.of(2027, 1, 1),
                LocalDate.of(2027, 1, 2)));
        assertEquals(3, received.size(), "three attempts");
        assertEquals(1, simulator.webhooksUndelivered());
        receiverStatus = 200;
        assertEquals(200, simulator.notifyApaleo("changed", "R-9"));
        assertEquals(1, simulator.webhooksDelivered());
    }

    @Test
    void theControlApiPutsReservationsForADemo() throws Exception {
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(simulator.baseUrl().resolve("/simulator/reservations/DEMO-1"))
                .PUT(HttpRequest.BodyPublishers.ofString("""
                        {"propertyId": "BER", "arrival": "2027-06-01", "departure": "2027-06-02", "state": "CONFIRMED"}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode());
        assertEquals("created", received.getLast().path("type").asText());
        assertEquals(400, http.send(HttpRequest.newBuilder(simulator.baseUrl().resolve("/simulator/reservations/DEMO-2"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"propertyId\": \"BER\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void theChangesSinceApiServesEachChangedReservationOnceInItsCurrentStateAfterTheCursor() throws Exception {
        simulator.putReservation(SimulatedReservation.confirmed("C-1", "BER", null, LocalDate.of(2027, 1, 1),
                LocalDate.of(2027, 1, 2)));
        simulator.putReservation(SimulatedReservation.confirmed("C-2", "BER", null, LocalDate.of(2027, 1, 1),
                LocalDate.of(2027, 1, 3)));
        simulator.putReservation(simulator.reservation("C-1").orElseThrow().withState(SimulatedReservation.State.CANCELED));

        JsonNode all = JSON.readTree(get("/changes/v1/reservations?since=0&limit=10", "Bearer changes-token").body());
        assertEquals(2, all.path("changes").size(), "C-1 once, in its latest state");
        assertEquals("C-2", all.path("changes").get(0).path("reservation").path("pmsReservationId").asText());
        assertEquals("CANCELLED", all.path("changes").get(1).path("reservation").path("status").asText());
        assertEquals("3", all.path("nextCursor").asText());
        assertFalse(all.path("hasMore").asBoolean());

        JsonNode first = JSON.readTree(get("/changes/v1/reservations?since=0&limit=1", "Bearer changes-token").body());
        assertEquals(1, first.path("changes").size());
        assertTrue(first.path("hasMore").asBoolean());
        JsonNode rest = JSON.readTree(get("/changes/v1/reservations?since=" + first.path("nextCursor").asText()
                + "&limit=10", "Bearer changes-token").body());
        assertEquals("C-1", rest.path("changes").get(0).path("reservation").path("pmsReservationId").asText());
        JsonNode none = JSON.readTree(get("/changes/v1/reservations?since=3", "Bearer changes-token").body());
        assertEquals(0, none.path("changes").size());
        assertEquals("3", none.path("nextCursor").asText(), "an empty page keeps the cursor");

        assertEquals(401, get("/changes/v1/reservations?since=0", null).statusCode());
        assertEquals(400, get("/changes/v1/reservations?since=x", "Bearer changes-token").statusCode());
    }

    @Test
    void mewsCustomersUpdateAppliesTheContactDataAndNotifiesTheChange() throws Exception {
        URI hook = URI.create("http://localhost:" + receiver.getAddress().getPort() + "/hook");
        simulator.sendApaleoWebhooksTo(null, null);
        simulator.sendMewsWebhooksTo(hook, "feed-token");
        simulator.putCustomer(SimulatedCustomer.of("cu-1", "Grace", "Hopper", "grace@example.org")
                .withContact("+1 212 555 0100", "en", "US"));
        received.clear();
        HttpResponse<String> answer = post(PmsSimulator.MEWS_CUSTOMER_UPDATE_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "test 1.0",
                 "CustomerId": "cu-1", "Email": "grace.hopper@example.org", "LanguageCode": null,
                 "Address": {"Line1": "1 Navy Way", "City": "Arlington", "PostalCode": "22201", "CountryCode": "US"},
                 "Options": {"SendMarketingEmails": {"Value": true}}}""");
        assertEquals(200, answer.statusCode());
        JsonNode customer = JSON.readTree(answer.body());
        assertEquals("grace.hopper@example.org", customer.path("Email").asText());
        assertEquals("en", customer.path("LanguageCode").asText(), "null is unchanged");
        assertEquals("Arlington", customer.path("Address").path("City").asText());
        assertEquals("SendMarketingEmails", customer.path("Options").get(0).asText());
        SimulatedCustomer stored = simulator.customer("cu-1").orElseThrow();
        assertEquals("grace.hopper@example.org", stored.email());
        assertEquals("+1 212 555 0100", stored.phone(), "a field not sent is unchanged");
        assertTrue(stored.marketingEmails());
        assertEquals("CustomerUpdated", received.getLast().path("Events").get(0).path("Discriminator").asText());
        assertEquals(1, simulator.writes().size());
        assertEquals("mews", simulator.writes().getFirst().api());

        int before = received.size();
        assertEquals(200, post(PmsSimulator.MEWS_CUSTOMER_UPDATE_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "t",
                 "CustomerId": "cu-1", "Email": "grace.hopper@example.org"}""").statusCode());
        assertEquals(before, received.size(), "writing what the PMS holds already notifies nobody");
        assertEquals(400, post(PmsSimulator.MEWS_CUSTOMER_UPDATE_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "t",
                 "CustomerId": "nobody", "Email": "x@example.org"}""").statusCode());
        assertEquals(400, post(PmsSimulator.MEWS_CUSTOMER_UPDATE_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "t",
                 "CustomerId": "cu-1", "Email": 7}""").statusCode());
        simulator.failNextWrites(1, 503);
        assertEquals(503, post(PmsSimulator.MEWS_CUSTOMER_UPDATE_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "t",
                 "CustomerId": "cu-1", "FirstName": "Amazing Grace"}""").statusCode());
        assertEquals("Grace", simulator.customer("cu-1").orElseThrow().firstName(), "a failed write applies nothing");
        assertEquals(2, simulator.writes().size());
        assertEquals(5, simulator.writeRequests());
    }

    @Test
    void theGenericProfileApiTakesAMergePatchOncePerIdempotencyKey() throws Exception {
        simulator.putCustomer(SimulatedCustomer.of("p-1", "Ada", "Lovelace", "ada@example.org"));
        HttpResponse<String> answer = patch("/profiles/v1/profiles/p-1", "Bearer changes-token", "key-1",
                "{\"email\": \"ada.lovelace@example.org\", \"marketing\": {\"emailOptIn\": true}}");
        assertEquals(200, answer.statusCode());
        assertEquals("ada.lovelace@example.org", JSON.readTree(answer.body()).path("email").asText());
        assertEquals("Ada", JSON.readTree(answer.body()).path("firstName").asText());
        assertTrue(simulator.customer("p-1").orElseThrow().marketingEmails());
        assertEquals(200, patch("/profiles/v1/profiles/p-1", "Bearer changes-token", "key-1",
                "{\"email\": \"other@example.org\"}").statusCode());
        assertEquals("ada.lovelace@example.org", simulator.customer("p-1").orElseThrow().email(),
                "the same idempotency key is applied once");
        assertEquals(1, simulator.writes().size());
        assertEquals(404, patch("/profiles/v1/profiles/nobody", "Bearer changes-token", "key-2", "{}").statusCode());
        assertEquals(400, patch("/profiles/v1/profiles/p-1", "Bearer changes-token", "key-3", "[]").statusCode());
        assertEquals(400, patch("/profiles/v1/profiles/p-1", "Bearer changes-token", "key-4",
                "{\"marketing\": {\"emailOptIn\": \"yes\"}}").statusCode());
        assertEquals(401, patch("/profiles/v1/profiles/p-1", "Bearer wrong", "key-5", "{}").statusCode());
        simulator.setApiAvailable(false);
        assertEquals(503, patch("/profiles/v1/profiles/p-1", "Bearer changes-token", "key-6", "{}").statusCode());
    }

    @Test
    void theSmsCallAndPostOptInsAreWrittenAndServedBackInTheChangesFeedAndAsMewsOptions() throws Exception {
        simulator.putCustomer(SimulatedCustomer.of("p-2", "Ada", "Lovelace", "ada@example.org"));
        simulator.putReservation(SimulatedReservation.confirmed("R-OPT", "LIS", "p-2", LocalDate.of(2027, 5, 1),
                LocalDate.of(2027, 5, 3)));
        JsonNode before = JSON.readTree(get("/changes/v1/reservations?since=0", "Bearer changes-token").body());
        JsonNode guestBefore = before.path("changes").get(0).path("reservation").path("guests").get(0);
        assertTrue(guestBefore.path("smsOptIn").isMissingNode(), "never asked: not served");

        assertEquals(200, patch("/profiles/v1/profiles/p-2", "Bearer changes-token", "opt-1",
                "{\"marketing\": {\"smsOptIn\": true, \"phoneOptIn\": false, \"postOptIn\": true}}").statusCode());
        SimulatedCustomer stored = simulator.customer("p-2").orElseThrow();
        assertEquals(Boolean.TRUE, stored.smsOptIn());
        assertEquals(Boolean.FALSE, stored.phoneOptIn());
        assertEquals(Boolean.TRUE, stored.postOptIn());
        assertFalse(stored.marketingEmails(), "a flag not sent is unchanged");
        JsonNode after = JSON.readTree(get("/changes/v1/reservations?since=" + before.path("nextCursor").asText(),
                "Bearer changes-token").body());
        JsonNode guest = after.path("changes").get(0).path("reservation").path("guests").get(0);
        assertTrue(guest.path("smsOptIn").asBoolean());
        assertFalse(guest.path("phoneOptIn").asBoolean(true));
        assertTrue(guest.path("postOptIn").asBoolean());
        assertEquals(400, patch("/profiles/v1/profiles/p-2", "Bearer changes-token", "opt-2",
                "{\"marketing\": {\"postOptIn\": \"yes\"}}").statusCode());

        assertEquals(200, post(PmsSimulator.MEWS_CUSTOMER_UPDATE_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "t",
                 "CustomerId": "p-2", "Options": {"SendMarketingPostalMail": {"Value": false}}}""").statusCode());
        assertEquals(Boolean.FALSE, simulator.customer("p-2").orElseThrow().postOptIn());
        HttpResponse<String> withPost = post(PmsSimulator.MEWS_CUSTOMER_UPDATE_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "t",
                 "CustomerId": "p-2", "Options": {"SendMarketingPostalMail": {"Value": true}}}""");
        assertEquals("SendMarketingPostalMail", JSON.readTree(withPost.body()).path("Options").get(0).asText());
        assertEquals(400, post(PmsSimulator.MEWS_CUSTOMER_UPDATE_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "t",
                 "CustomerId": "p-2", "Options": {"SendMarketingPostalMail": {"Value": 1}}}""").statusCode());
    }

    @Test
    void apaleoTakesAJsonPatchOfTheMainGuestAndNotifiesTheReservationChanged() throws Exception {
        simulator.putCustomer(SimulatedCustomer.of("C-9", "Ada", "Lovelace", "ada@example.org")
                .withContact("+49 30 1234567", "de", "DE").withAddress("Unter den Linden 1", "Berlin", "10117", "DE"));
        simulator.putReservation(SimulatedReservation.confirmed("PATCHME-1", "BER", "C-9", LocalDate.of(2027, 3, 1),
                LocalDate.of(2027, 3, 4)));
        received.clear();
        HttpResponse<String> answer = apaleoPatch("PATCHME-1", "Bearer apaleo-token", """
                [{"op": "replace", "path": "/primaryGuest/email", "value": "ada.lovelace@example.org"},
                 {"op": "remove", "path": "/primaryGuest/phone"},
                 {"op": "replace", "path": "/primaryGuest/address",
                  "value": {"addressLine1": "Karl-Marx-Allee 2", "postalCode": "10178", "city": "Berlin", "countryCode": "DE"}}]""");
        assertEquals(204, answer.statusCode());
        JsonNode guest = JSON.readTree(get("/booking/v1/reservations/PATCHME-1", "Bearer apaleo-token").body())
                .path("primaryGuest");
        assertEquals("ada.lovelace@example.org", guest.path("email").asText());
        assertTrue(guest.path("phone").isMissingNode(), "removed");
        assertEquals("Karl-Marx-Allee 2", guest.path("address").path("addressLine1").asText());
        assertEquals("Ada", guest.path("firstName").asText(), "not patched, unchanged");
        assertEquals("changed", received.getLast().path("type").asText());
        assertEquals("PATCHME-1", received.getLast().path("data").path("entityId").asText());
        assertEquals("apaleo", simulator.writes().getLast().api());
        assertEquals("PATCHME-1", simulator.writes().getLast().customerId());

        assertEquals(400, apaleoPatch("PATCHME-1", "Bearer apaleo-token",
                "[{\"op\": \"replace\", \"path\": \"/additionalGuests/0/email\", \"value\": \"x@example.org\"}]")
                .statusCode());
        assertEquals(400, apaleoPatch("PATCHME-1", "Bearer apaleo-token",
                "[{\"op\": \"add\", \"path\": \"/primaryGuest/email\", \"value\": \"x@example.org\"}]").statusCode());
        assertEquals(400, apaleoPatch("PATCHME-1", "Bearer apaleo-token",
                "[{\"op\": \"remove\", \"path\": \"/primaryGuest/lastName\"}]").statusCode());
        assertEquals(400, apaleoPatch("PATCHME-1", "Bearer apaleo-token", "{}").statusCode());
        assertEquals("ada.lovelace@example.org", simulator.customer("C-9").orElseThrow().email(),
                "a refused patch applies nothing");
        assertEquals(404, apaleoPatch("NOPE-1", "Bearer apaleo-token", "[]").statusCode());
        assertEquals(401, apaleoPatch("PATCHME-1", "Bearer wrong", "[]").statusCode());
        assertEquals(415, http.send(HttpRequest.newBuilder(simulator.baseUrl().resolve("/booking/v1/reservations/PATCHME-1"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer apaleo-token")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
    }

    private HttpResponse<String> apaleoPatch(String reservationId, String authorization, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(simulator.baseUrl().resolve("/booking/v1/reservations/" + reservationId))
                .header("Content-Type", "application/json-patch+json").header("Authorization", authorization)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void mewsGetAllPagesWithLimitationCountAndCursorUntilAShortPage() throws Exception {
        for (int i = 1; i <= 5; i++) {
            simulator.putCustomer(SimulatedCustomer.of("page-" + i, "G" + i, "Guest", "g" + i + "@example.org"));
        }
        List<String> ids = new java.util.ArrayList<>();
        String cursor = null;
        while (true) {
            JsonNode page = JSON.readTree(post(MewsContract.CUSTOMERS_PATH, """
                    {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "t",
                     "Limitation": {"Count": 2%s}}""".formatted(cursor == null ? "" : ", \"Cursor\": \"" + cursor + "\"")).body());
            page.path("Customers").forEach(c -> ids.add(c.path("Id").asText()));
            if (page.path("Customers").size() < 2) {
                break;
            }
            cursor = page.path("Cursor").asText();
        }
        assertEquals(List.of("page-1", "page-2", "page-3", "page-4", "page-5"), ids);
        assertEquals(java.util.Arrays.asList(null, "page-2", "page-4"), simulator.mewsCursorsAsked());
        assertEquals(400, post(MewsContract.CUSTOMERS_PATH, """
                {"ClientToken": "mews-client-token", "AccessToken": "mews-access-token", "Client": "t",
                 "Limitation": {"Count": 1001}}""").statusCode());
    }

    @Test
    void apaleoIssuesClientCredentialsTokensThatExpireOrAreRevoked() throws Exception {
        simulator.putReservation(SimulatedReservation.confirmed("T-1", "BER", null, LocalDate.of(2027, 1, 1),
                LocalDate.of(2027, 1, 2)));
        String basic = "Basic " + Base64.getEncoder().encodeToString("apaleo-client:apaleo-client-secret"
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> issued = form("/connect/token", basic, "grant_type=client_credentials");
        assertEquals(200, issued.statusCode());
        JsonNode token = JSON.readTree(issued.body());
        assertEquals("Bearer", token.path("token_type").asText());
        assertEquals(3600, token.path("expires_in").asInt());
        String access = "Bearer " + token.path("access_token").asText();
        assertEquals(200, get("/booking/v1/reservations/T-1", access).statusCode());
        simulator.revokeApaleoTokens();
        assertEquals(401, get("/booking/v1/reservations/T-1", access).statusCode());

        simulator.setApaleoTokenLifetime(java.time.Duration.ofSeconds(1));
        JsonNode brief = JSON.readTree(form("/connect/token", basic, "grant_type=client_credentials").body());
        assertEquals(1, brief.path("expires_in").asInt());
        Thread.sleep(1_100);
        assertEquals(401, get("/booking/v1/reservations/T-1", "Bearer " + brief.path("access_token").asText()).statusCode());
        assertEquals(2, simulator.apaleoTokensIssued());

        assertEquals(401, form("/connect/token", "Basic " + Base64.getEncoder().encodeToString("apaleo-client:wrong"
                .getBytes(StandardCharsets.UTF_8)), "grant_type=client_credentials").statusCode());
        assertEquals(400, form("/connect/token", basic, "grant_type=password").statusCode());
        assertEquals(200, form("/connect/token", null,
                "grant_type=client_credentials&client_id=apaleo-client&client_secret=apaleo-client-secret").statusCode());
    }

    private HttpResponse<String> patch(String path, String authorization, String idempotencyKey, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(simulator.baseUrl().resolve(path))
                .header("Content-Type", "application/merge-patch+json").header("Authorization", authorization)
                .header("Idempotency-Key", idempotencyKey)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> form(String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(simulator.baseUrl().resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(simulator.baseUrl().resolve(path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(simulator.baseUrl().resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
