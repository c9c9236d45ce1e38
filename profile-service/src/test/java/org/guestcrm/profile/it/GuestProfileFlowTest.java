package org.guestcrm.profile.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.phone;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.GuestProfiles;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.GuestUpdated;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * End to end against real Kafka, Apicurio Registry and PostgreSQL: PMS profile events in, golden records
 * out (HTTP API and crm.guests), duplicates, out-of-order states and poison records.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class GuestProfileFlowTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static String tenant() {
        return "tenant-" + UUID.randomUUID();
    }

    private static Response lookup(String tenant, String system, String profileId) {
        return Staff.viewer(tenant).queryParam("tenant", tenant).queryParam("sourceSystem", system).queryParam("sourceProfileId", profileId)
                .get("/api/v1/guests");
    }

    private static String awaitGuestId(String tenant, String system, String profileId) {
        await().atMost(PATIENCE).until(() -> lookup(tenant, system, profileId).statusCode() == 200);
        return lookup(tenant, system, profileId).then().extract().path("guestId");
    }

    @Test
    void aSecondProfileWithTheSameEmailFromAnotherPmsJoinsTheSameGuest() {
        String tenant = tenant();
        GuestProfiles.send(profile(tenant, "opera", "O-1", 1L)
                .setEmails(List.of(email("  Anna.Muster@Example.COM ", true)))
                .setPhones(List.of(phone("+41 79 123 45 67")))
                .build());
        String guestId = awaitGuestId(tenant, "opera", "O-1");

        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then()
                .statusCode(200)
                .body("firstName", equalTo("Anna"))
                .body("emails[0].value", equalTo("anna.muster@example.com"))
                .body("phones[0].value", equalTo("+41791234567"))
                .body("sourceProfiles[0].matchRule", equalTo("NO_MATCH"));

        GuestProfiles.send(profile(tenant, "mews", "M-77", null)
                .setFirstName("Anne")
                .setEmails(List.of(email("anna.muster@example.com", false)))
                .build());
        String secondGuestId = awaitGuestId(tenant, "mews", "M-77");
        assertEquals(guestId, secondGuestId, "the same e-mail address puts both PMS profiles in one guest");

        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then()
                .statusCode(200)
                .body("version", equalTo(2))
                .body("firstName", equalTo("Anne"))
                .body("sourceProfiles.pmsSystem", containsInAnyOrder("opera", "mews"))
                .body("sourceProfiles.find { it.pmsSystem == 'mews' }.matchRule", equalTo("FS_MATCH"))
                .body("sourceProfiles.find { it.pmsSystem == 'mews' }.matchExplanation", containsString("email exact"))
                .body("emails", hasSize(1))
                .body("emails[0].sources.pmsSystem", containsInAnyOrder("opera", "mews"));

        // Downstream services see the golden record on crm.guests, keyed by guest id.
        await().atMost(PATIENCE).untilAsserted(() -> {
            Optional<GuestUpdated> latest = guestUpdates(guestId).stream().filter(g -> g.getVersion() == 2).findFirst();
            assertTrue(latest.isPresent(), "GuestUpdated version 2 on crm.guests");
            assertEquals(2, latest.get().getSourceProfiles().size());
            assertEquals("anna.muster@example.com", latest.get().getEmails().get(0).getValue());
            assertEquals("profile-service", latest.get().getMetadata().getSource());
            assertEquals(tenant, latest.get().getMetadata().getTenantId());
        });
    }

    @Test
    void aProfileWithAnotherEmailButTheSamePersonJoinsByTheMatchModel() {
        String tenant = tenant();
        GuestProfiles.send(profile(tenant, "opera", "fs-1", 1L).setFirstName("Katharina").setLastName("Dewberry")
                .setBirthDate(java.time.LocalDate.of(1984, 3, 12))
                .setEmails(List.of(email("k.dewberry@example.com", true)))
                .setAddresses(List.of(address("8001", "Zürich", "CH"))).build());
        String first = awaitGuestId(tenant, "opera", "fs-1");
        // Another PMS, a typo in the given name, a relay address, the same birth date and postcode: the same person.
        GuestProfiles.send(profile(tenant, "mews", "fs-2", null).setFirstName("Katarina").setLastName("Dewberry")
                .setBirthDate(java.time.LocalDate.of(1984, 3, 12))
                .setEmails(List.of(email("x81k2@guest.booking.com", true)))
                .setAddresses(List.of(address("8001", "Zurich", "CH"))).build());
        assertEquals(first, awaitGuestId(tenant, "mews", "fs-2"), "the match model puts both in one guest");
        Staff.viewer(tenant).get("/api/v1/guests/{id}", first).then()
                .body("sourceProfiles.find { it.pmsSystem == 'mews' }.matchRule", equalTo("FS_MATCH"))
                .body("sourceProfiles.find { it.pmsSystem == 'mews' }.matchExplanation", containsString("birthDate exact"));
    }

    static org.guestcrm.events.PostalAddress address(String postcode, String city, String country) {
        return org.guestcrm.events.PostalAddress.newBuilder().setPostalCode(postcode).setCity(city).setCountryCode(country)
                .setLines(List.of("Bahnhofstrasse 1")).setPrimary(true).build();
    }

    @Test
    void aBurstOfRecordsIsAppliedInKeyOrderAndProfilesSharingAnEmailInOneBatchJoinOneGuest() {
        String tenant = tenant();
        // Addresses far apart per key (two addresses one edit apart are evidence of one person to the match model).
        for (int i = 1; i <= 10; i++) {
            GuestProfiles.send(profile(tenant, "opera", "burst-" + (i % 3), (long) i).setLastName("Name-" + i)
                    .setEmails(List.of(email(new String[] {"ariadne", "bartholomew", "cornelius"}[i % 3] + "@example.com", true)))
                    .build());
        }
        GuestProfiles.send(profile(tenant, "mews", "twin-1", null).setEmails(List.of(email("twin@example.com", true))).build());
        GuestProfiles.send(profile(tenant, "apaleo", "twin-2", null).setEmails(List.of(email("TWIN@example.com", true))).build());

        String twin = awaitGuestId(tenant, "apaleo", "twin-2");
        assertEquals(twin, awaitGuestId(tenant, "mews", "twin-1"), "same address, one guest, even within one batch");
        // Per key in order: the last state of each key wins (keys burst-0, burst-1, burst-2: last sequences 9, 10, 8).
        for (String[] expected : new String[][] {{"burst-0", "Name-9"}, {"burst-1", "Name-10"}, {"burst-2", "Name-8"}}) {
            String guestId = awaitGuestId(tenant, "opera", expected[0]);
            await().atMost(PATIENCE).untilAsserted(() -> Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then()
                    .body("lastName", equalTo(expected[1])));
        }
    }

    @Test
    void aProfileWithAnotherEmailBecomesAnotherGuest() {
        String tenant = tenant();
        GuestProfiles.send(profile(tenant, "opera", "A", 1L).setEmails(List.of(email("a@example.com", true))).build());
        GuestProfiles.send(profile(tenant, "opera", "B", 1L).setEmails(List.of(email("b@example.com", true))).build());
        String a = awaitGuestId(tenant, "opera", "A");
        String b = awaitGuestId(tenant, "opera", "B");
        assertTrue(!a.equals(b), "different e-mail addresses, different guests");
        // The same address in another tenant (hotel group) never matches.
        String otherTenant = tenant();
        GuestProfiles.send(profile(otherTenant, "opera", "A", 1L).setEmails(List.of(email("a@example.com", true))).build());
        assertTrue(!a.equals(awaitGuestId(otherTenant, "opera", "A")));
    }

    @Test
    void anOtaRelayAddressNeverMergesStrangers() {
        String tenant = tenant();
        GuestProfiles.send(profile(tenant, "opera", "ota-1", 1L).setFirstName("Anna")
                .setEmails(List.of(email("relay-42@guest.booking.com", true))).build());
        GuestProfiles.send(profile(tenant, "opera", "ota-2", 1L).setFirstName("Bruno")
                .setEmails(List.of(email("relay-42@guest.booking.com", true))).build());
        String first = awaitGuestId(tenant, "opera", "ota-1");
        assertTrue(!first.equals(awaitGuestId(tenant, "opera", "ota-2")), "a relay address is no evidence");
        Staff.viewer(tenant).get("/api/v1/guests/{id}", first).then().body("sourceProfiles[0].matchRule", equalTo("NO_MATCH"));
    }

    @Test
    void aDuplicateEventAndAnOlderStateChangeNothing() {
        String tenant = tenant();
        GuestProfileChanged current = profile(tenant, "opera", "P-5", 5L).setFirstName("Anna").build();
        GuestProfiles.send(current);
        String guestId = awaitGuestId(tenant, "opera", "P-5");

        GuestProfiles.send(current); // redelivery: same event id
        GuestProfiles.send(profile(tenant, "opera", "P-5", 4L).setFirstName("Outdated").build()); // late, older state
        GuestProfiles.send(profile(tenant, "opera", "P-5", 6L).setFirstName("Anna").setLastName("Muster-Meier").build());

        // Same key, same partition: once the newest state shows, the two before it were handled.
        await().atMost(PATIENCE).untilAsserted(() -> Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then()
                .body("lastName", equalTo("Muster-Meier")));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then()
                .body("firstName", equalTo("Anna"))
                .body("version", equalTo(2));
    }

    @Test
    void aRecordThatIsNotAvroGoesToTheDeadLetterTopicAndTheNextRecordIsStillProcessed() {
        String tenant = tenant();
        String poisonKey = tenant + ":opera:garbage";
        byte[] garbage = "this is not an Avro record".getBytes(StandardCharsets.UTF_8);
        KafkaTestClients.sendRaw("pms.profiles", poisonKey, garbage);
        GuestProfiles.send(profile(tenant, "opera", "after-garbage", 1L).build());

        awaitGuestId(tenant, "opera", "after-garbage");
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsumerRecord<String, byte[]> dead = KafkaTestClients.readRaw("pms.profiles.dlq").stream()
                    .filter(r -> poisonKey.equals(r.key())).findFirst().orElse(null);
            assertNotNull(dead, "the poison record is on pms.profiles.dlq");
            assertEquals("this is not an Avro record", new String(dead.value(), StandardCharsets.UTF_8));
            Header reason = dead.headers().lastHeader("dead-letter-reason");
            assertNotNull(reason, "the dead letter says why");
            assertTrue(text(dead, "dead-letter-reason").startsWith("Not a decodable GuestProfileChanged"),
                    text(dead, "dead-letter-reason"));
            assertEquals("pms.profiles", text(dead, "dead-letter-topic"));
            assertNotNull(text(dead, "dead-letter-partition"));
            assertNotNull(text(dead, "dead-letter-offset"));
            assertNotNull(text(dead, "dead-letter-exception-class-name"));
            assertEquals(null, dead.headers().lastHeader("deserialization-failure-reason"),
                    "BatchIntake decodes itself; SmallRye's deserialization header is gone");
        });
    }

    @Test
    void anAvroRecordWithoutProfileIdGoesToTheDeadLetterTopicWithItsReason() {
        String tenant = tenant();
        GuestProfileChanged broken = profile(tenant, "opera", " ", 1L).build();
        GuestProfiles.send(broken);
        String key = tenant + ":opera: ";
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsumerRecord<String, byte[]> dead = KafkaTestClients.readRaw("pms.profiles.dlq").stream()
                    .filter(r -> key.equals(r.key())).findFirst().orElse(null);
            assertNotNull(dead, "the unusable record is on pms.profiles.dlq");
            String reason = text(dead, "dead-letter-reason");
            assertTrue(reason.contains("pmsProfileId"), reason);
            assertEquals("org.guestcrm.platform.intake.PoisonRecordException", text(dead, "dead-letter-exception-class-name"));
            assertEquals("pms.profiles", text(dead, "dead-letter-topic"));
        });
    }

    @Test
    void unknownGuestIsAProblem404() {
        Staff.viewer(tenant()).get("/api/v1/guests/{id}", UUID.randomUUID()).then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("Guest not found"));
        lookup(tenant(), "opera", "nobody").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void badInputIsAProblem400NamingTheParameters() {
        Staff.viewer("acme").queryParam("tenant", "acme").get("/api/v1/guests").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("invalidParams.name", containsInAnyOrder("sourceSystem", "sourceProfileId"));
        Staff.viewer("acme").get("/api/v1/guests/{id}", "not-a-uuid").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("invalidParams[0].name", equalTo("guestId"));
    }

    @Test
    void probesAreOpenMetricsAndOpenApiNeedTheOpsRole() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        Staff.as("*", "ops").get("/q/metrics").then().statusCode(200);
        Staff.as("*", "ops").get("/q/openapi").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(401);
        Staff.viewer("acme").get("/q/openapi").then().statusCode(403);
    }

    private static String text(ConsumerRecord<String, byte[]> record, String header) {
        Header h = record.headers().lastHeader(header);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<GuestUpdated> guestUpdates(String guestId) {
        return KafkaTestClients.<GuestUpdated>readAvro("crm.guests").stream()
                .filter(r -> guestId.equals(r.key()))
                .map(ConsumerRecord::value)
                .toList();
    }
}
