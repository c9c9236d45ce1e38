package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

import org.guestcrm.connector.Staff;
import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.events.PostalAddress;
import org.guestcrm.schemas.Topic;
import org.guestcrm.simulator.PmsSimulator;
import org.guestcrm.simulator.ProfileWrite;
import org.guestcrm.simulator.SimulatedCustomer;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Write-back to apaleo (a JSON Patch of the guest's reservation) and to an OpenTravel PMS (OTA_ProfileModifyRQ to the
 * feed's endpoint), and the SMS/phone/post flags to the generic JSON profile API: ContactDetailsUpdated records on the
 * real crm.contact-updates topic, jobs in PostgreSQL, the PMS a real HTTP peer (the JDK's HTTP server here, as the
 * pms-simulator serves no apaleo PATCH and no OTA profile endpoint; the JSON profile API is the simulator's).
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class WriteBackPeersTest {

    static final String TENANT = "write-back-peers";
    static final ObjectMapper JSON = new ObjectMapper();

    record Seen(String method, String path, String authorization, String contentType, String body) {
    }

    /** The PMS: records each request, answers with the next queued status (then the default) and body. */
    static HttpServer peer;
    static final List<Seen> seen = new CopyOnWriteArrayList<>();
    static final ConcurrentLinkedDeque<Integer> nextStatuses = new ConcurrentLinkedDeque<>();
    static volatile int defaultStatus = 204;
    static volatile String otaAnswer;
    static PmsSimulator simulator;

    @BeforeAll
    static void start() throws IOException {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), new String(body, StandardCharsets.UTF_8)));
            Integer queued = nextStatuses.pollFirst();
            int status = queued != null ? queued : defaultStatus;
            byte[] answer = status == 200 && otaAnswer != null ? otaAnswer.getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        peer.start();
        simulator = PmsSimulator.start();
    }

    @AfterAll
    static void stop() {
        peer.stop(0);
        simulator.close();
    }

    @Test
    void anApaleoGuestIsPatchedOnItsReservationAfterTwoRefusalsAndTheFlagsItCannotHoldAreNamed() throws Exception {
        String feedId = feed("APALEO_WEBHOOK", "{\"baseUrl\": \"http://127.0.0.1:" + peer.getAddress().getPort()
                + "\", \"accessToken\": \"apaleo-token\"}");
        defaultStatus = 204;
        nextStatuses.add(503);
        nextStatuses.add(429);
        ContactDetailsUpdated update = update(feedId, "RES-77-G1", b -> b.setFirstName("Grace")
                .setEmails(List.of(EmailAddress.newBuilder().setAddress("grace@example.org").setPrimary(true).build()))
                .setPhones(List.of())
                .setAddress(PostalAddress.newBuilder().setLines(List.of("Main Street 1")).setCity("Bern")
                        .setPostalCode("3000").setCountryCode("CH").build())
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setSmsOptIn(false).build()));
        send(feedId, update);

        await().atMost(Duration.ofSeconds(90)).until(() -> jobState(feedId, update), "DONE"::equals);
        List<Seen> patches = seen.stream().filter(s -> s.path().equals("/booking/v1/reservations/RES-77")).toList();
        assertEquals(3, patches.size(), "two refused attempts (503, 429), then the write");
        Seen patch = patches.getLast();
        assertEquals("PATCH", patch.method());
        assertEquals("Bearer apaleo-token", patch.authorization());
        assertTrue(patch.contentType().startsWith("application/json-patch+json"), patch.contentType());
        JsonNode ops = JSON.readTree(patch.body());
        assertEquals(Map.of("op", "replace", "path", "/primaryGuest/firstName", "value", "Grace"), op(ops, "/primaryGuest/firstName"));
        assertEquals("grace@example.org", op(ops, "/primaryGuest/email").get("value"));
        assertEquals("remove", op(ops, "/primaryGuest/phone").get("op"));
        JsonNode address = find(ops, "/primaryGuest/address").get("value");
        assertEquals("Main Street 1", address.get("addressLine1").asText());
        assertEquals("CH", address.get("countryCode").asText());
        assertFalse(patch.body().contains("OptIn"), "apaleo's guest holds no marketing flag");
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs?state=DONE", feedId).then().statusCode(200)
                .body("jobs[0].attempts", equalTo(3))
                .body("jobs[0].note", containsString("marketingFlags.smsOptIn"))
                .body(not(containsString("grace@example.org")));

        // an additional guest is its reservation's additionalGuests entry; a profile id that is no apaleo guest fails
        ContactDetailsUpdated second = update(feedId, "RES-77-G3", b -> b.setLastName("Hopper"));
        ContactDetailsUpdated noGuest = update(feedId, "CUSTOMER-9", b -> b.setLastName("Nobody"));
        send(feedId, second);
        send(feedId, noGuest);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, second), "DONE"::equals);
        assertTrue(seen.getLast().body().contains("\"/additionalGuests/1/lastName\""), seen.getLast().body());
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, noGuest), "FAILED"::equals);
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs?state=FAILED", feedId).then().statusCode(200)
                .body("jobs[0].lastError", containsString("no apaleo guest"));
    }

    @Test
    void anOtaPmsGetsAProfileModifyAtItsEndpointAndItsErrorsAnswerFailsTheJobWithTheCode() {
        String feedId = feed("OTA_XML", "{\"baseUrl\": \"http://127.0.0.1:" + peer.getAddress().getPort()
                + "/htng/profiles\", \"username\": \"crm\", \"password\": \"s3cret\"}");
        defaultStatus = 200;
        otaAnswer = "<OTA_ProfileModifyRS xmlns=\"http://www.opentravel.org/OTA/2003/05\" Version=\"1.000\"><Success/>"
                + "</OTA_ProfileModifyRS>";
        ContactDetailsUpdated update = update(feedId, "P-4711", b -> b.setLastName("Lovelace & Byron")
                .setEmails(List.of(EmailAddress.newBuilder().setAddress("ada@example.org").setPrimary(true).build()))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(false).setPostOptIn(true)
                        .setDoNotContact(true).build()));
        send(feedId, update);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, update), "DONE"::equals);
        Seen request = seen.stream().filter(s -> s.path().equals("/htng/profiles")).reduce((a, b) -> b).orElseThrow();
        assertEquals("POST", request.method());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("crm:s3cret".getBytes(StandardCharsets.UTF_8)),
                request.authorization());
        String xml = request.body();
        assertTrue(xml.contains("<OTA_ProfileModifyRQ xmlns=\"http://www.opentravel.org/OTA/2003/05\" EchoToken=\""
                + update.getMetadata().getEventId() + "\""), xml);
        assertTrue(xml.contains("<UniqueID Type=\"1\" ID=\"P-4711\"/>"), xml);
        assertTrue(xml.contains("<Profile ShareAllOptOutInd=\"Yes\">"), xml);
        assertTrue(xml.contains("<Surname>Lovelace &amp; Byron</Surname>"), xml);
        assertTrue(xml.contains("<Email ShareMarketInd=\"No\">ada@example.org</Email>"), xml);
        assertFalse(xml.contains("<Address"), "no address in the update: its post flag cannot be carried");
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs?state=DONE", feedId).then().statusCode(200)
                .body("jobs[0].note", containsString("marketingFlags.postOptIn"));

        // the PMS answers Errors: its refusal, by Type and Code, never its text
        otaAnswer = "<OTA_ProfileModifyRS xmlns=\"http://www.opentravel.org/OTA/2003/05\"><Errors><Error Type=\"3\""
                + " Code=\"321\">Profile P-4712 of ada@example.org unknown</Error></Errors></OTA_ProfileModifyRS>";
        ContactDetailsUpdated refused = update(feedId, "P-4712", b -> b.setFirstName("Ada"));
        send(feedId, refused);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, refused), "FAILED"::equals);
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs?state=FAILED", feedId).then().statusCode(200)
                .body("jobs[0].lastError", containsString("Errors (Type 3, Code 321)"))
                .body("jobs[0].attempts", equalTo(1))
                .body(not(containsString("ada@example.org")));
    }

    @Test
    void aPmsThatKeepsFailingParksTheJobAfterTheLastAttemptWithTheReasonVisible() {
        String feedId = feed("OTA_XML", "{\"baseUrl\": \"http://127.0.0.1:" + peer.getAddress().getPort()
                + "/down\", \"accessToken\": \"ota-token\"}");
        ContactDetailsUpdated update = update(feedId, "P-DOWN", b -> b.setFirstName("Kept"));
        for (int i = 0; i < 6; i++) {
            nextStatuses.add(502);
        }
        send(feedId, update);
        await().atMost(Duration.ofSeconds(90)).until(() -> jobState(feedId, update), "FAILED"::equals);
        Staff.as(TENANT, "ops").get("/api/v1/feeds/{feedId}/write-backs?state=FAILED", feedId).then().statusCode(200)
                .body("failed", equalTo(1))
                .body("jobs[0].attempts", equalTo(6))
                .body("jobs[0].lastError", containsString("gave up after 6 attempts: the PMS API answered 502"));
        assertEquals(6, seen.stream().filter(s -> s.path().equals("/down")).count());
        assertEquals("Bearer ota-token", seen.stream().filter(s -> s.path().equals("/down")).findFirst().orElseThrow()
                .authorization());
    }

    @Test
    void theGenericProfileApiAndMewsGetTheSmsPhoneAndPostFlags() throws Exception {
        String profileId = "FL-" + UUID.randomUUID().toString().substring(0, 8);
        simulator.putCustomer(SimulatedCustomer.of(profileId, "Hedy", "Lamarr", "hedy@example.org"));
        String polled = feed("JSON_POLLING", "{\"baseUrl\": \"" + simulator.baseUrl() + "\", \"accessToken\": \""
                + simulator.options().changesAccessToken() + "\", \"pollIntervalSeconds\": 3600}");
        ContactDetailsUpdated flags = update(polled, profileId, b -> b.setMarketingFlags(PmsMarketingFlags.newBuilder()
                .setSmsOptIn(true).setPhoneOptIn(false).setPostOptIn(true).build()));
        send(polled, flags);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(polled, flags), "DONE"::equals);
        ProfileWrite write = simulator.writes().stream().filter(w -> w.customerId().equals(profileId)).findFirst()
                .orElseThrow();
        JsonNode marketing = JSON.readTree(write.body()).get("marketing");
        assertEquals(Map.of("smsOptIn", true, "phoneOptIn", false, "postOptIn", true),
                JSON.convertValue(marketing, Map.class));

        String mewsCustomer = UUID.randomUUID().toString();
        simulator.putCustomer(SimulatedCustomer.of(mewsCustomer, "Rosalind", "Franklin", "rosalind@example.org"));
        String mews = feed("MEWS_WEBHOOK", "{\"baseUrl\": \"" + simulator.baseUrl() + "\", \"accessToken\": \""
                + simulator.options().mewsAccessToken() + "\", \"clientToken\": \""
                + simulator.options().mewsClientToken() + "\"}");
        ContactDetailsUpdated never = update(mews, mewsCustomer, b -> b.setMarketingFlags(PmsMarketingFlags.newBuilder()
                .setDoNotContact(true).setSmsOptIn(false).build()));
        send(mews, never);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(mews, never), "DONE"::equals);
        JsonNode options = JSON.readTree(simulator.writes().stream().filter(w -> w.customerId().equals(mewsCustomer))
                .findFirst().orElseThrow().body()).get("Options");
        assertFalse(options.get("SendMarketingEmails").get("Value").asBoolean(), "do not contact: no marketing e-mails");
        assertFalse(options.get("SendMarketingPostalMail").get("Value").asBoolean(), "do not contact: no postal mail");
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs?state=DONE", mews).then().statusCode(200)
                .body("jobs[0].note", containsString("marketingFlags.smsOptIn"));
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static String feed(String mode, String pmsApi) {
        String feedId = "wbp-" + mode.toLowerCase().replace('_', '-') + "-" + UUID.randomUUID().toString().substring(0, 6);
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"feedId\": \"" + feedId + "\", \"deliveryMode\": \"" + mode + "\", \"pmsType\": \"" + mode
                        + "\", \"hotels\": [{\"hotelCode\": \"BER\", \"timeZone\": \"Europe/Berlin\"}]}")
                .post("/api/v1/feeds?tenant=" + TENANT).then().statusCode(201);
        Staff.admin(TENANT).contentType("application/json").body(pmsApi)
                .put("/api/v1/feeds/{feedId}/pms-api", feedId).then().statusCode(200);
        return feedId;
    }

    private static void send(String feedId, ContactDetailsUpdated update) {
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(),
                TENANT + ":" + feedId + ":" + update.getPmsProfileId(), update);
    }

    private static ContactDetailsUpdated update(String feedId, String profileId,
                                                java.util.function.UnaryOperator<ContactDetailsUpdated.Builder> fields) {
        return fields.apply(ContactDetailsUpdated.newBuilder().setMetadata(EventMetadata.newBuilder()
                        .setEventId(UUID.randomUUID()).setEventType("ContactDetailsUpdated").setOccurredAt(Instant.now())
                        .setSource("optout-service").setTenantId(TENANT).setCorrelationId(UUID.randomUUID().toString())
                        .build())
                .setPmsSystem(feedId).setPmsProfileId(profileId).setReason(ContactUpdateReason.GUEST_CORRECTION)).build();
    }

    private static String jobState(String feedId, ContactDetailsUpdated update) {
        List<Map<String, Object>> jobs = Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs", feedId)
                .then().statusCode(200).extract().path("jobs");
        return jobs.stream().filter(j -> update.getMetadata().getEventId().toString().equals(j.get("eventId")))
                .map(j -> (String) j.get("state")).findFirst().orElse("NONE");
    }

    private static JsonNode find(JsonNode ops, String path) {
        for (JsonNode op : ops) {
            if (path.equals(op.path("path").asText())) {
                return op;
            }
        }
        throw new AssertionError("no operation on " + path + " in " + ops);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> op(JsonNode ops, String path) {
        return JSON.convertValue(find(ops, path), Map.class);
    }
}
