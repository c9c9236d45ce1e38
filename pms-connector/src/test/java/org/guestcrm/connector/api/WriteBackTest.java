package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.connector.Staff;
import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.schemas.Topic;
import org.guestcrm.simulator.PmsSimulator;
import org.guestcrm.simulator.ProfileWrite;
import org.guestcrm.simulator.SimulatedCustomer;
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
 * Write-back of crm.contact-updates, end to end: ContactDetailsUpdated records on the real Kafka topic, consumed by the
 * running connector, written to the PMS simulator over HTTP (Mews customers/update, the generic JSON profile API), the
 * jobs' state read from the API, and the PMS's echo of the write read back from pms.profiles (it must not be there).
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class WriteBackTest {

    static final String TENANT = "write-back-tenant";
    static PmsSimulator simulator;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void startSimulator() throws Exception {
        if (simulator == null) {
            simulator = PmsSimulator.start();
        }
        simulator.setApiAvailable(true);
        simulator.failNextWrites(0, 0);
    }

    @AfterAll
    static void stopSimulator() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }

    @Test
    void aMewsWriteIsTakenOnceAndItsEchoIsNotEmittedWhileARealPmsChangeIs() {
        String feedId = mewsFeed();
        String customerId = UUID.randomUUID().toString();
        String key = TENANT + ":" + feedId + ":" + customerId;
        simulator.putCustomer(SimulatedCustomer.of(customerId, "Grace", "Hopper", "grace@example.org")
                .withContact("+1 212 555 0100", "en", "US"));
        await().atMost(Duration.ofSeconds(60)).until(() -> profiles(key), l -> l.size() == 1);

        // the CRM corrects the e-mail and records the opt-in; the same event arrives twice (at least once)
        ContactDetailsUpdated update = update(feedId, customerId, b -> b
                .setEmails(List.of(EmailAddress.newBuilder().setAddress("grace.hopper@example.org").setPrimary(true).build()))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).build())
                .setReason(ContactUpdateReason.GUEST_CORRECTION));
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), key, update);
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), key, update);

        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, update), "DONE"::equals);
        SimulatedCustomer written = simulator.customer(customerId).orElseThrow();
        assertEquals("grace.hopper@example.org", written.email());
        assertTrue(written.marketingEmails());
        assertEquals("+1 212 555 0100", written.phone(), "only what the update names is written");
        assertEquals("Grace", written.firstName());
        Staff.as("*", "ops").get("/api/v1/feeds/{feedId}/write-backs", feedId).then().statusCode(200)
                .body("done", equalTo(1)).body("pending", equalTo(0)).body("failed", equalTo(0))
                .body("jobs[0].eventId", equalTo(update.getMetadata().getEventId().toString()))
                .body("jobs[0].fields", equalTo(List.of("emails", "marketingFlags")))
                .body("jobs[0].reason", equalTo("GUEST_CORRECTION"))
                .body(not(containsString("grace.hopper@example.org")));

        // the PMS notified its change (CustomerUpdated); the connector fetched it: our own write, not emitted again
        await().atMost(Duration.ofSeconds(60)).until(() -> fetchesSettled(feedId) && echoesSuppressed(feedId) >= 1);
        assertEquals(1, profiles(key).size(), "the echo of the write-back is not a new profile change");
        assertEquals(1, writesOf(customerId).size(), "one event id, one write, though the event came twice");

        // a change made in the PMS afterwards is emitted, with the written e-mail and the new phone
        simulator.putCustomer(simulator.customer(customerId).orElseThrow().withContact("+1 212 555 0199", "en", "US"));
        GuestProfileChanged changed = await().atMost(Duration.ofSeconds(60))
                .until(() -> profiles(key), l -> l.size() == 2).getLast().value();
        assertEquals("grace.hopper@example.org", changed.getEmails().getFirst().getAddress());
        assertEquals(Boolean.TRUE, changed.getMarketingFlags().getEmailOptIn());
        assertTrue(changed.getPhones().getFirst().getNumber().replaceAll("[^0-9]", "").endsWith("2125550199"));
    }

    @Test
    void aTransientPmsFailureIsRetriedWithBackoffThenTheWriteIsDone() {
        String feedId = jsonPollingFeed();
        String profileId = "JP-" + UUID.randomUUID().toString().substring(0, 8);
        simulator.putCustomer(SimulatedCustomer.of(profileId, "Ada", "Lovelace", "ada@example.org"));
        simulator.failNextWrites(2, 503);
        ContactDetailsUpdated update = update(feedId, profileId, b -> b.setFirstName("Augusta Ada")
                .setPhones(List.of(PhoneNumber.newBuilder().setNumber("+44 20 7946 0018").setPrimary(true).build()))
                .setLanguage("en-GB"));
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), TENANT + ":" + feedId + ":" + profileId, update);

        await().atMost(Duration.ofSeconds(90)).until(() -> jobState(feedId, update), "DONE"::equals);
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs?state=DONE", feedId).then().statusCode(200)
                .body("jobs[0].attempts", equalTo(3));
        SimulatedCustomer written = simulator.customer(profileId).orElseThrow();
        assertEquals("Augusta Ada", written.firstName());
        assertEquals("Lovelace", written.lastName());
        assertEquals("+44 20 7946 0018", written.phone());
        assertEquals("en-GB", written.languageCode());
        List<ProfileWrite> writes = writesOf(profileId);
        assertEquals(1, writes.size(), "the two refused attempts applied nothing");
        assertEquals("generic", writes.getFirst().api());
        assertEquals(update.getMetadata().getEventId().toString(), writes.getFirst().idempotencyKey());
    }

    @Test
    void aWriteThePmsRefusesIsFailedWithTheReasonAndAFeedWithoutWriteBackFailsAtOnce() {
        String feedId = mewsFeed();
        ContactDetailsUpdated unknown = update(feedId, "no-such-customer", b -> b.setLastName("Nobody"));
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), TENANT + ":" + feedId + ":no-such-customer",
                unknown);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, unknown), "FAILED"::equals);
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs?state=FAILED", feedId).then().statusCode(200)
                .body("failed", equalTo(1))
                .body("jobs[0].lastError", containsString("400"))
                .body("jobs[0].lastError", containsString("refused this write"))
                .body("jobs[0].attempts", equalTo(1));

        String pushFeed = "wb-json-" + UUID.randomUUID().toString().substring(0, 8);
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"feedId\": \"" + pushFeed + "\", \"deliveryMode\": \"CANONICAL_JSON\"}")
                .post("/api/v1/feeds?tenant=" + TENANT).then().statusCode(201);
        ContactDetailsUpdated noApi = update(pushFeed, "P-1", b -> b.setFirstName("Ann"));
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), TENANT + ":" + pushFeed + ":P-1", noApi);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(pushFeed, noApi), "FAILED"::equals);
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs", pushFeed).then().statusCode(200)
                .body("jobs[0].lastError", containsString("CANONICAL_JSON feed takes no write-back"));
    }

    @Test
    void anAdminRetriesAFailedWriteBackOnceThePmsCanTakeItButNeverOverANewerWrite() {
        String feedId = jsonPollingFeed();
        // the PMS does not know the profile yet: the generic API answers 404, the job is FAILED
        String profileId = "RT-" + UUID.randomUUID().toString().substring(0, 8);
        ContactDetailsUpdated update = update(feedId, profileId, b -> b.setFirstName("Emmy"));
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), TENANT + ":" + feedId + ":" + profileId, update);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, update), "FAILED"::equals);
        String jobId = update.getMetadata().getEventId().toString();
        String retry = "/api/v1/feeds/{feedId}/write-backs/{jobId}/retry";

        Staff.as(TENANT, "ops").post(retry, feedId, jobId).then().statusCode(403);
        Staff.admin("other-tenant").post(retry, feedId, jobId).then().statusCode(404);
        given().post(retry, feedId, jobId).then().statusCode(401);
        Staff.admin(TENANT).post(retry, feedId, UUID.randomUUID().toString()).then().statusCode(404);
        Staff.admin(TENANT).post(retry, feedId, "not-a-job").then().statusCode(404);

        simulator.putCustomer(SimulatedCustomer.of(profileId, "Amalie", "Noether", "emmy@example.org"));
        Staff.admin(TENANT).post(retry, feedId, jobId).then().statusCode(200)
                .body("state", equalTo("PENDING")).body("attempts", equalTo(0)).body("retries", equalTo(1))
                .body("retriedBy", equalTo("staff-admin"));
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, update), "DONE"::equals);
        assertEquals("Emmy", simulator.customer(profileId).orElseThrow().firstName());
        assertEquals(1, writesOf(profileId).size(), "the refused attempt wrote nothing, the retry once");
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs?state=DONE", feedId).then().statusCode(200)
                .body("jobs.find { it.eventId == '" + jobId + "' }.attempts", equalTo(1));
        Staff.admin(TENANT).post(retry, feedId, jobId).then().statusCode(409);

        // an older failed write of a profile whose newer write is done is not retried: it would overwrite it
        String other = "RT-" + UUID.randomUUID().toString().substring(0, 8);
        ContactDetailsUpdated older = update(feedId, other, b -> b.setLastName("Older"));
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), TENANT + ":" + feedId + ":" + other, older);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, older), "FAILED"::equals);
        simulator.putCustomer(SimulatedCustomer.of(other, "Sofja", "Kowalewskaja", "sofja@example.org"));
        ContactDetailsUpdated newer = update(feedId, other, b -> b.setLastName("Kovalevskaya"));
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), TENANT + ":" + feedId + ":" + other, newer);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, newer), "DONE"::equals);
        Staff.admin(TENANT).post(retry, feedId, older.getMetadata().getEventId().toString()).then().statusCode(409);
        assertEquals("Kovalevskaya", simulator.customer(other).orElseThrow().lastName());
    }

    @Test
    void anUpdateNamingAnotherTenantsFeedOrNothingToWriteIsADeadLetterWithItsReason() {
        String feedId = mewsFeed();
        ContactDetailsUpdated foreign = ContactDetailsUpdated.newBuilder(update(feedId, "C-9", b -> b.setFirstName("X")))
                .setMetadata(metadata("another-tenant")).build();
        String foreignKey = "another-tenant:" + feedId + ":C-9";
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), foreignKey, foreign);
        ContactDetailsUpdated empty = update(feedId, "C-10", b -> b.setReason(ContactUpdateReason.UNKNOWN));
        String emptyKey = TENANT + ":" + feedId + ":C-10";
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), emptyKey, empty);

        String dlq = Topic.CRM_CONTACT_UPDATES.deadLetterTopicName();
        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord(dlq, r -> foreignKey.equals(r.key()),
                Duration.ofSeconds(60));
        assertTrue(header(dead, "dead-letter-reason").contains("no feed of tenant another-tenant"),
                header(dead, "dead-letter-reason"));
        ConsumerRecord<String, byte[]> nothing = KafkaTestClients.awaitRawRecord(dlq, r -> emptyKey.equals(r.key()),
                Duration.ofSeconds(60));
        assertTrue(header(nothing, "dead-letter-reason").contains("carries no contact data"));
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs", feedId).then().statusCode(200)
                .body("pending", equalTo(0)).body("done", equalTo(0)).body("failed", equalTo(0));
    }

    @Test
    void theJobsApiIsForAdminAndOpsOfTheFeedsTenantOnly() {
        String feedId = mewsFeed();
        Staff.admin("other-tenant").get("/api/v1/feeds/{feedId}/write-backs", feedId).then().statusCode(404);
        Staff.as(TENANT, "ops").get("/api/v1/feeds/{feedId}/write-backs", feedId).then().statusCode(200);
        Staff.as(TENANT, "viewer").get("/api/v1/feeds/{feedId}/write-backs", feedId).then().statusCode(403);
        given().get("/api/v1/feeds/{feedId}/write-backs", feedId).then().statusCode(401);
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs?state=LOST&limit=0", feedId).then().statusCode(400)
                .body("invalidParams.name", hasItem("state"));
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs?limit=0", feedId).then().statusCode(400)
                .body("invalidParams.name", hasItem("limit"));
    }

    @Test
    void theOpsGaugesOfAFeedAreExportedOnQMetrics() {
        String feedId = mewsFeed();
        String customerId = UUID.randomUUID().toString();
        Instant before = Instant.now().minusSeconds(1);
        simulator.putCustomer(SimulatedCustomer.of(customerId, "Katherine", "Johnson", "katherine@example.org"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> profiles(TENANT + ":" + feedId + ":" + customerId), l -> l.size() == 1);
        ContactDetailsUpdated refused = update(feedId, "nobody-" + customerId, b -> b.setFirstName("K"));
        KafkaTestClients.sendAvro(Topic.CRM_CONTACT_UPDATES.topicName(), TENANT + ":" + feedId + ":nobody", refused);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobState(feedId, refused), "FAILED"::equals);

        String feed = "feed=\"" + feedId + "\"";
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String metrics = Staff.ops().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("connector_write_backs_failed{" + feed + "} 1.0"), "failed write-backs");
            assertTrue(metrics.contains("connector_write_backs_pending{" + feed + "} 0.0"), "pending write-backs");
            assertTrue(metrics.contains("connector_webhook_fetches_pending{" + feed + "} 0.0"), "pending fetches");
            assertTrue(metrics.contains("connector_webhook_fetches_failed{" + feed + "} 0.0"), "failed fetches");
            double last = metrics.lines().filter(l -> l.startsWith("connector_feed_last_message_timestamp_seconds{" + feed))
                    .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0.0);
            assertTrue(last >= before.getEpochSecond() && last <= Instant.now().getEpochSecond() + 1,
                    "the last message time of the feed: " + last);
        });
        given().get("/q/metrics").then().statusCode(401);
    }

    // --- helpers ------------------------------------------------------------------------------------

    private String mewsFeed() {
        String feedId = "wb-mews-" + UUID.randomUUID().toString().substring(0, 8);
        createFeed(feedId, "MEWS_WEBHOOK", "{\"baseUrl\": \"" + simulator.baseUrl() + "\", \"accessToken\": \""
                + simulator.options().mewsAccessToken() + "\", \"clientToken\": \"" + simulator.options().mewsClientToken()
                + "\"}");
        String token = Staff.admin(TENANT).contentType("application/json").body("{\"kind\": \"BEARER\"}")
                .post("/api/v1/feeds/{feedId}/credentials", feedId).then().statusCode(201).extract().path("secret");
        simulator.sendMewsWebhooksTo(URI.create(base.toString()).resolve("/api/v1/feeds/" + feedId + "/mews"), token);
        simulator.sendApaleoWebhooksTo(null, null);
        return feedId;
    }

    private String jsonPollingFeed() {
        String feedId = "wb-poll-" + UUID.randomUUID().toString().substring(0, 8);
        createFeed(feedId, "JSON_POLLING", "{\"baseUrl\": \"" + simulator.baseUrl() + "\", \"accessToken\": \""
                + simulator.options().changesAccessToken() + "\", \"pollIntervalSeconds\": 3600}");
        return feedId;
    }

    private static void createFeed(String feedId, String mode, String pmsApi) {
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"feedId\": \"" + feedId + "\", \"deliveryMode\": \"" + mode + "\", \"pmsType\": \"" + mode
                        + "\", \"hotels\": [{\"hotelCode\": \"BER\", \"timeZone\": \"Europe/Berlin\"}]}")
                .post("/api/v1/feeds?tenant=" + TENANT).then().statusCode(201);
        Staff.admin(TENANT).contentType("application/json").body(pmsApi)
                .put("/api/v1/feeds/{feedId}/pms-api", feedId).then().statusCode(200);
    }

    private static ContactDetailsUpdated update(String feedId, String profileId,
                                                java.util.function.UnaryOperator<ContactDetailsUpdated.Builder> fields) {
        return fields.apply(ContactDetailsUpdated.newBuilder().setMetadata(metadata(TENANT)).setPmsSystem(feedId)
                .setPmsProfileId(profileId).setReason(ContactUpdateReason.GUEST_CORRECTION)).build();
    }

    private static EventMetadata metadata(String tenant) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("ContactDetailsUpdated")
                .setOccurredAt(Instant.now()).setSource("optout-service").setTenantId(tenant)
                .setCorrelationId(UUID.randomUUID().toString()).build();
    }

    private static String jobState(String feedId, ContactDetailsUpdated update) {
        List<java.util.Map<String, Object>> jobs = Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/write-backs", feedId)
                .then().statusCode(200).extract().path("jobs");
        return jobs.stream().filter(j -> update.getMetadata().getEventId().toString().equals(j.get("eventId")))
                .map(j -> (String) j.get("state")).findFirst().orElse("NONE");
    }

    private static boolean fetchesSettled(String feedId) {
        int pending = Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/webhook-fetches", feedId).then().statusCode(200)
                .extract().path("pending");
        return pending == 0;
    }

    private static double echoesSuppressed(String feedId) {
        String metrics = Staff.ops().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("connector_write_back_echoes_suppressed_total{")
                        && l.contains("feed=\"" + feedId + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static List<ProfileWrite> writesOf(String customerId) {
        return simulator.writes().stream().filter(w -> w.customerId().equals(customerId)).toList();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    static List<DecodedRecord<GuestProfileChanged>> profiles(String key) {
        return KafkaTestClients.<GuestProfileChanged>readDecoded(Topic.PMS_PROFILES.topicName()).stream()
                .filter(r -> key.equals(r.key())).toList();
    }
}
