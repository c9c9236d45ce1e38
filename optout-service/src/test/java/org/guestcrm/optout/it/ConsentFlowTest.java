package org.guestcrm.optout.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.phone;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.LocalIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.events.PmsMarketingFlags;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * End to end against real Kafka, Apicurio Registry and PostgreSQL: PMS marketing flags in, the consent ledger
 * via the HTTP API and ConsentChanged on crm.consents out; no invented consent, out-of-order flags, poison records.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class ConsentFlowTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private static String tenant() {
        return "tenant-" + UUID.randomUUID();
    }

    static String token(String tenant, String... roles) {
        return LocalIdentity.forTests().mint(Set.of(tenant), Set.of(roles), Duration.ofMinutes(30), "test-" + String.join("-", roles));
    }

    private static ValidatableResponse consents(String tenant, String contactPoint) {
        return given().auth().oauth2(token(tenant, "viewer"))
                .queryParam("tenant", tenant).queryParam("contactPoint", contactPoint).get("/api/v1/consents").then();
    }

    private static PmsMarketingFlags flags(Boolean emailOptIn, Boolean smsOptIn, Boolean doNotContact) {
        return PmsMarketingFlags.newBuilder().setEmailOptIn(emailOptIn).setSmsOptIn(smsOptIn).setDoNotContact(doNotContact).build();
    }

    @Test
    void anEmailOptOutInThePmsIsWithdrawnConsentInTheApiAndOnCrmConsents() {
        String tenant = tenant();
        String address = "optout-" + UUID.randomUUID() + "@example.com";
        GuestProfiles.send(profile(tenant, "opera", "P-1", 1L)
                .setEmails(List.of(email("  " + address.toUpperCase() + " ", true)))
                .setPhones(List.of(phone("+41 79 000 11 22")))
                .setMarketingFlags(flags(false, null, null))
                .setPmsUpdatedAt(NOW)
                .build());

        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).statusCode(200).body("current", hasSize(1)));
        consents(tenant, address)
                .body("contactPoint", equalTo(address))
                .body("current[0].channel", equalTo("EMAIL"))
                .body("current[0].purpose", equalTo("MARKETING"))
                .body("current[0].status", equalTo("WITHDRAWN"))
                .body("current[0].source", equalTo("PMS"))
                .body("history", hasSize(1))
                .body("history[0].pmsSystem", equalTo("opera"))
                .body("heldBy.pmsProfileId", containsInAnyOrder("P-1"));
        // The phone is known, but the PMS said nothing about SMS: no consent invented.
        consents(tenant, "+41790001122").statusCode(200).body("heldBy", hasSize(1)).body("current", empty());

        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsentChanged changed = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:" + address).equals(r.key()))
                    .map(ConsumerRecord::value)
                    .findFirst().orElse(null);
            assertNotNull(changed, "ConsentChanged on crm.consents, keyed by tenant:channel:purpose:contact point");
            assertEquals(ConsentStatus.WITHDRAWN, changed.getStatus());
            assertEquals(org.guestcrm.events.ConsentChannel.EMAIL, changed.getChannel());
            assertEquals(NOW, changed.getEffectiveAt());
            assertEquals(tenant, changed.getMetadata().getTenantId());
            assertEquals("optout-service", changed.getMetadata().getSource());
        });
    }

    @Test
    void aProfileWithoutFlagsStoresContactPointsButNoConsent() {
        String tenant = tenant();
        String address = "noflags-" + UUID.randomUUID() + "@example.com";
        GuestProfiles.send(profile(tenant, "mews", "M-1", null)
                .setEmails(List.of(email(address, true)))
                .setMarketingFlags(null)
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).statusCode(200).body("heldBy", hasSize(1)));
        consents(tenant, address).body("current", empty()).body("history", empty());
    }

    @Test
    void aLateOlderOptInNeverUndoesANewerOptOut() {
        String tenant = tenant();
        String address = "late-" + UUID.randomUUID() + "@example.com";
        // Mews says at NOW: no e-mail marketing.
        GuestProfiles.send(profile(tenant, "mews", "M-9", null)
                .setEmails(List.of(email(address, true)))
                .setMarketingFlags(flags(false, null, null))
                .setPmsUpdatedAt(NOW)
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("current[0].status", equalTo("WITHDRAWN")));

        // Opera's profile of the same guest said "yes" an hour earlier, and its event arrives only now.
        GuestProfiles.send(profile(tenant, "opera", "O-9", 3L)
                .setEmails(List.of(email(address, true)))
                .setMarketingFlags(flags(true, null, null))
                .setPmsUpdatedAt(NOW.minus(1, ChronoUnit.HOURS))
                .build());
        // The same profile again, older still (sequence 2 after 3): skipped as a whole.
        GuestProfiles.send(profile(tenant, "opera", "O-9", 2L)
                .setEmails(List.of(email(address, true)))
                .setMarketingFlags(flags(true, null, null))
                .setPmsUpdatedAt(NOW.plus(1, ChronoUnit.HOURS))
                .build());

        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("heldBy", hasSize(2)));
        // A marker after them on the same key shows both were handled.
        String marker = "marker-" + UUID.randomUUID() + "@example.com";
        GuestProfiles.send(profile(tenant, "opera", "O-9", 4L)
                .setEmails(List.of(email(address, true), email(marker, false)))
                .setPmsUpdatedAt(NOW.minus(30, ChronoUnit.MINUTES))
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, marker).body("heldBy", hasSize(1)));

        consents(tenant, address)
                .body("current", hasSize(1))
                .body("current[0].status", equalTo("WITHDRAWN"))
                .body("history", hasSize(1))
                .body("history[0].pmsSystem", equalTo("mews"));
    }

    @Test
    void onEqualTimeTheOptOutWinsWhicheverArrivesFirst() {
        // Two PMSs of the group say opposite things about one address at the same instant (issue 10: newer beats older;
        // on equal time, opt-out wins). Once with the opt-in first, once with the opt-out first, each in its own tenant.
        for (boolean optInFirst : List.of(true, false)) {
            String tenant = tenant();
            String address = "equal-" + UUID.randomUUID() + "@example.com";
            GuestProfiles.send(profile(tenant, optInFirst ? "opera" : "mews", optInFirst ? "O-1" : "M-1", null)
                    .setEmails(List.of(email(address, true)))
                    .setMarketingFlags(flags(optInFirst, null, null))
                    .setPmsUpdatedAt(NOW)
                    .build());
            await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("heldBy", hasSize(1)));
            GuestProfiles.send(profile(tenant, optInFirst ? "mews" : "opera", optInFirst ? "M-1" : "O-1", null)
                    .setEmails(List.of(email(address, true)))
                    .setMarketingFlags(flags(!optInFirst, null, null))
                    .setPmsUpdatedAt(NOW)
                    .build());
            await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("heldBy", hasSize(2)));
            consents(tenant, address)
                    .body("current", hasSize(1))
                    .body("current[0].status", equalTo("WITHDRAWN"));
        }
    }

    @Test
    void aNewerOptInAfterAnOptOutGrantsAgainAndTheLedgerKeepsBoth() {
        String tenant = tenant();
        GuestProfiles.send(profile(tenant, "opera", "S-1", 1L)
                .setPhones(List.of(phone("0041 79 555 66 77")))
                .setMarketingFlags(flags(null, false, null))
                .setPmsUpdatedAt(NOW.minus(2, ChronoUnit.DAYS))
                .build());
        GuestProfiles.send(profile(tenant, "opera", "S-1", 2L)
                .setPhones(List.of(phone("0041 79 555 66 77")))
                .setMarketingFlags(flags(null, true, null))
                .setPmsUpdatedAt(NOW.minus(1, ChronoUnit.DAYS))
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, "+41795556677")
                .body("current[0].channel", equalTo("SMS"))
                .body("current[0].status", equalTo("GRANTED"))
                .body("history.status", equalTo(List.of("WITHDRAWN", "GRANTED"))));
    }

    @Test
    void manyVersionsOfOneProfileInQuickSuccessionAreAppliedInOrder() {
        String tenant = tenant();
        String address = "burst-" + UUID.randomUUID() + "@example.com";
        for (long sequence = 1; sequence <= 20; sequence++) {
            GuestProfiles.send(profile(tenant, "opera", "B-1", sequence)
                    .setEmails(List.of(email(address, true)))
                    .setMarketingFlags(flags(sequence % 2 == 0, null, null))
                    .setPmsUpdatedAt(NOW.plusSeconds(sequence))
                    .build());
        }
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("history", hasSize(20)));
        consents(tenant, address)
                .body("current[0].status", equalTo("GRANTED"))
                .body("current[0].effectiveAt", equalTo(NOW.plusSeconds(20).toString()))
                .body("history[0].status", equalTo("WITHDRAWN"))
                .body("history[19].status", equalTo("GRANTED"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<ConsentStatus> published = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:" + address).equals(r.key()))
                    .map(r -> r.value().getStatus()).toList();
            assertEquals(20, published.size());
            assertEquals(ConsentStatus.GRANTED, published.get(19));
        });
    }

    @Test
    void aPhoneInNationalFormIsKeyedInE164SoAnOptOutUnderEitherFormIsOne() {
        String tenant = "e164"; // optout.phone-regions."e164"=CH in the test profile
        String subscriber = String.format("%07d", Math.floorMod(UUID.randomUUID().getMostSignificantBits(), 10_000_000L));
        GuestProfiles.send(profile(tenant, "opera", "E-" + UUID.randomUUID(), 1L)
                .setPhones(List.of(phone("079 " + subscriber)))
                .setMarketingFlags(flags(null, false, null))
                .setPmsUpdatedAt(NOW)
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, "+4179" + subscriber).statusCode(200)
                .body("contactPoint", equalTo("+4179" + subscriber))
                .body("current[0].status", equalTo("WITHDRAWN")));
        consents(tenant, "079 " + subscriber).body("contactPoint", equalTo("+4179" + subscriber)).body("current", hasSize(1));
        consents(tenant, "0041 79 " + subscriber).body("current[0].status", equalTo("WITHDRAWN"));
    }

    @Test
    void thePhoneCallFlagIsItsOwnChannelAndAStaffOptOutOfCallsIsWrittenBack() {
        String tenant = tenant();
        String number = "+4179" + String.format("%07d", Math.floorMod(UUID.randomUUID().getMostSignificantBits(), 10_000_000L));
        String pmsProfileId = "PH-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", pmsProfileId, 1L)
                .setPhones(List.of(phone(number)))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setSmsOptIn(true).setPhoneOptIn(true).build())
                .setPmsUpdatedAt(NOW.minus(1, ChronoUnit.DAYS))
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, number).body("current", hasSize(2))
                .body("current.channel", containsInAnyOrder("PHONE", "SMS")));
        // A channel that does not fit the contact point is refused, naming the field.
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + number + "\",\"channel\":\"EMAIL\"}").post("/api/v1/consents/withdrawals")
                .then().statusCode(400).body("invalidParams[0].name", equalTo("channel"));
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + number + "\",\"channel\":\"PHONE\"}").post("/api/v1/consents/withdrawals")
                .then().statusCode(200)
                .body("current.find { it.channel == 'PHONE' }.status", equalTo("WITHDRAWN"))
                .body("current.find { it.channel == 'SMS' }.status", equalTo("GRANTED"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            org.guestcrm.events.ContactDetailsUpdated update = KafkaTestClients.<org.guestcrm.events.ContactDetailsUpdated>readAvro(
                            "crm.contact-updates").stream()
                    .filter(r -> (tenant + ":opera:" + pmsProfileId).equals(r.key())).map(ConsumerRecord::value)
                    .findFirst().orElse(null);
            assertNotNull(update, "written back to the PMS profile holding the number");
            assertEquals(org.guestcrm.events.ContactUpdateReason.OPT_OUT, update.getReason());
            assertEquals(Boolean.FALSE, update.getMarketingFlags().getPhoneOptIn());
            assertEquals(null, update.getMarketingFlags().getSmsOptIn());
        });
    }

    @Test
    void anOptOutSaidAtTheDeskIsRecordedWithItsActorAndPublished() {
        String tenant = tenant();
        String address = "desk-" + UUID.randomUUID() + "@example.com";
        given().auth().oauth2(token(tenant, "viewer")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + address + "\"}").post("/api/v1/consents/withdrawals").then().statusCode(403);
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\" " + address.toUpperCase() + "\"}").post("/api/v1/consents/withdrawals").then()
                .statusCode(200)
                .body("contactPoint", equalTo(address))
                .body("current[0].status", equalTo("WITHDRAWN"))
                .body("current[0].source", equalTo("FRONT_DESK"))
                .body("history[0].actor", equalTo("test-agent"))
                .body("history[0].scope", equalTo("TENANT"));
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + address + "\",\"channel\":\"PIGEON\"}").post("/api/v1/consents/withdrawals").then()
                .statusCode(400).body("invalidParams[0].name", equalTo("channel"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsentChanged changed = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:" + address).equals(r.key()))
                    .map(ConsumerRecord::value).findFirst().orElse(null);
            assertNotNull(changed);
            assertEquals(org.guestcrm.events.ConsentSource.FRONT_DESK, changed.getSource());
            assertEquals(ConsentStatus.WITHDRAWN, changed.getStatus());
        });
    }

    @Test
    void garbageGoesToTheDeadLetterTopicAndTheNextRecordIsStillProcessed() {
        String tenant = tenant();
        String poisonKey = tenant + ":opera:garbage";
        KafkaTestClients.sendRaw("pms.profiles", poisonKey, "not Avro at all".getBytes(StandardCharsets.UTF_8));
        String address = "after-" + UUID.randomUUID() + "@example.com";
        GuestProfiles.send(profile(tenant, "opera", "after-garbage", 1L).setEmails(List.of(email(address, true))).build());

        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("heldBy", hasSize(1)));
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsumerRecord<String, byte[]> dead = KafkaTestClients.readRaw("pms.profiles.dlq").stream()
                    .filter(r -> poisonKey.equals(r.key())).findFirst().orElse(null);
            assertNotNull(dead, "the poison record is on pms.profiles.dlq");
            assertEquals("not Avro at all", new String(dead.value(), StandardCharsets.UTF_8));
            assertNotNull(dead.headers().lastHeader("dead-letter-reason"), "the dead letter says why");
            assertTrue(header(dead, "dead-letter-reason").contains("GuestProfileChanged"), header(dead, "dead-letter-reason"));
            assertNotNull(dead.headers().lastHeader("dead-letter-exception-class-name"));
            assertEquals("pms.profiles", header(dead, "dead-letter-topic"));
            assertNotNull(dead.headers().lastHeader("dead-letter-partition"));
            assertNotNull(dead.headers().lastHeader("dead-letter-offset"));
        });
    }

    @Test
    void anAvroRecordWithoutTenantGoesToTheDeadLetterTopicWithItsReason() {
        var broken = profile(" ", "opera", "no-tenant-" + UUID.randomUUID(), 1L).build();
        GuestProfiles.send(broken);
        String key = " :opera:" + broken.getPmsProfileId();
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsumerRecord<String, byte[]> dead = KafkaTestClients.readRaw("pms.profiles.dlq").stream()
                    .filter(r -> key.equals(r.key())).findFirst().orElse(null);
            assertNotNull(dead, "the unusable record is on pms.profiles.dlq");
            String reason = header(dead, "dead-letter-reason");
            assertTrue(reason.contains("tenantId"), reason);
            assertEquals("org.guestcrm.platform.intake.PoisonRecordException",
                    header(dead, "dead-letter-exception-class-name"));
        });
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void missingOrMalformedQueryIsAProblem400() {
        given().auth().oauth2(token("*", "viewer")).get("/api/v1/consents").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("invalidParams.name", containsInAnyOrder("tenant", "contactPoint"));
        consents("acme", "not-an-address").statusCode(400)
                .contentType("application/problem+json")
                .body("invalidParams[0].name", equalTo("contactPoint"));
        consents("acme", "anna@").statusCode(400);
    }

    @Test
    void anUnknownContactPointHasNoConsent() {
        consents(tenant(), "Nobody@Example.com").statusCode(200)
                .body("contactPoint", equalTo("nobody@example.com"))
                .body("current", empty())
                .body("heldBy", empty());
    }

    @Test
    void healthMetricsAndOpenApiAnswer() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(401);
        given().get("/q/openapi").then().statusCode(401);
        given().auth().oauth2(token("*", "viewer")).get("/q/metrics").then().statusCode(403);
        given().auth().oauth2(token("*", "ops")).get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("guestcrm_intake_records_total"));
        given().auth().oauth2(token("*", "ops")).get("/q/openapi").then().statusCode(200);
    }
}
