package org.guestcrm.optout.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.LocalIdentity;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Hotel and brand scopes through Kafka and PostgreSQL (test config: tenant {@code scoped} has HOTEL scopes, tenant
 * {@code branded} BRAND scopes with ZRH1 and ZRH2 in brand lux, GVA1 in eco; every other tenant one scope): a hotel's
 * PMS opt-out stops that hotel (or its brand) only, a staff opt-out for the whole tenant stops all, and a tenant
 * without scopes keeps one consent whatever hotel said it.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class ScopeTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    static String token(String tenant, String role) {
        return LocalIdentity.forTests().mint(Set.of(tenant), Set.of(role), Duration.ofMinutes(5), "test-" + role);
    }

    static ValidatableResponse forHotel(String tenant, String address, String hotelCode) {
        return given().auth().oauth2(token(tenant, "viewer")).queryParam("tenant", tenant).queryParam("contactPoint", address)
                .queryParam("hotelCode", hotelCode).get("/api/v1/consents").then().statusCode(200);
    }

    /** @return the PMS profile id */
    static String pms(String tenant, String hotelCode, String address, boolean optIn, Instant at) {
        String pmsProfileId = hotelCode + "-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", pmsProfileId, 1L).setHotelCode(hotelCode)
                .setEmails(List.of(email(address, true)))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(optIn).build())
                .setPmsUpdatedAt(at).build());
        return pmsProfileId;
    }

    /** The e-mail opt-in flags written back (OPT_OUT/OPT_IN) to the PMS profile {@code tenant:opera:pmsProfileId}, in order. */
    static List<Boolean> writtenBack(String tenant, String pmsProfileId) {
        return KafkaTestClients.<org.guestcrm.events.ContactDetailsUpdated>readAvro("crm.contact-updates").stream()
                .filter(r -> (tenant + ":opera:" + pmsProfileId).equals(r.key()) && r.value().getMarketingFlags() != null)
                .map(r -> r.value().getMarketingFlags().getEmailOptIn()).toList();
    }

    static String effective(ValidatableResponse response) {
        return response.extract().path("effective.find { it.channel == 'EMAIL' && it.purpose == 'MARKETING' }.status");
    }

    @Test
    void anOptOutAtOneHotelDoesNotStopTheOtherHotelsButATenantOptOutStopsAll() {
        String tenant = "scoped";
        String address = "scope-" + UUID.randomUUID() + "@example.com";
        Instant before = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        String zurichProfile = pms(tenant, "ZRH1", address, true, before);
        String genevaProfile = pms(tenant, "GVA1", address, false, before.plusSeconds(60));
        await().atMost(PATIENCE).untilAsserted(() -> forHotel(tenant, address, "ZRH1").body("current", hasSize(2)));
        forHotel(tenant, address, "ZRH1").body("current.scope", containsInAnyOrder("HOTEL:ZRH1", "HOTEL:GVA1"));
        assertEquals("GRANTED", effective(forHotel(tenant, address, "ZRH1")), "Geneva's opt-out does not stop Zurich");
        assertEquals("WITHDRAWN", effective(forHotel(tenant, address, "GVA1")));
        forHotel(tenant, address, "BSL1").body("effective", hasSize(0));

        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsentChanged zurich = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:HOTEL=ZRH1:" + address).equals(r.key())).map(ConsumerRecord::value)
                    .reduce((a, b) -> b).orElse(null);
            assertNotNull(zurich, "a key of its own for the hotel's scope");
            assertEquals(org.guestcrm.events.ConsentStatus.GRANTED, zurich.getStatus());
            assertEquals("ZRH1", zurich.getHotelCode());
            assertEquals("HOTEL=ZRH1", zurich.getScope(), "the record names its scope as the key does");
        });

        // A staff opt-out for one hotel: that hotel's scope.
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + address + "\",\"hotelCode\":\"BSL1\"}").post("/api/v1/consents/withdrawals")
                .then().statusCode(200);
        assertEquals("WITHDRAWN", effective(forHotel(tenant, address, "BSL1")));
        assertEquals("GRANTED", effective(forHotel(tenant, address, "ZRH1")));
        // Written back only to the PMS profiles of Basel's scope: none holds the address (Zurich's and Geneva's profile
        // flags speak for their own hotels; checked below, once the tenant-wide opt-out has reached them).

        // A staff opt-out for the whole tenant (no hotel): every hotel stops, decided by the tenant's scope.
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + address + "\"}").post("/api/v1/consents/withdrawals").then().statusCode(200);
        forHotel(tenant, address, "ZRH1")
                .body("effective.find { it.purpose == 'MARKETING' }.status", equalTo("WITHDRAWN"))
                .body("effective.find { it.purpose == 'MARKETING' }.decidedBy", equalTo("TENANT"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsentChanged whole = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:" + address).equals(r.key())).map(ConsumerRecord::value)
                    .reduce((a, b) -> b).orElse(null);
            assertNotNull(whole, "the tenant-wide opt-out under the tenant's key");
            assertEquals(org.guestcrm.events.ConsentStatus.WITHDRAWN, whole.getStatus());
            assertEquals("TENANT", whole.getScope());
            assertEquals(null, whole.getHotelCode());
        });
        // The tenant-wide opt-out is written back to every PMS profile holding the address; Basel's was written to
        // none (each profile's write-backs come in order, so a Basel one would be before this one).
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertEquals(List.of(false), writtenBack(tenant, zurichProfile), "Zurich: the tenant's opt-out only");
            assertEquals(List.of(false), writtenBack(tenant, genevaProfile), "Geneva: the tenant's opt-out only");
        });
        // A newer grant of the Basel PMS changes Basel's own scope, but not what holds there: the tenant withdrew, and
        // crm.consents says so for Basel.
        pms(tenant, "BSL1", address, true, Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MILLIS));
        String basel = tenant + ":EMAIL:MARKETING:HOTEL=BSL1:" + address;
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(2L, KafkaTestClients.<ConsentChanged>readAvro("crm.consents")
                .stream().filter(r -> basel.equals(r.key())).count(), "the staff opt-out and the PMS grant of Basel"));
        forHotel(tenant, address, "BSL1")
                .body("current.find { it.scope == 'HOTEL:BSL1' }.status", equalTo("GRANTED"))
                .body("effective.find { it.purpose == 'MARKETING' }.status", equalTo("WITHDRAWN"));
        ConsentChanged last = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                .filter(r -> basel.equals(r.key())).map(ConsumerRecord::value).reduce((a, b) -> b).orElseThrow();
        assertEquals(org.guestcrm.events.ConsentStatus.WITHDRAWN, last.getStatus(), "what holds at Basel: the tenant withdrew");
        assertEquals("HOTEL=BSL1", last.getScope());
    }

    @Test
    void aBrandScopeCoversTheBrandsHotelsOnly() {
        String tenant = "branded";
        String address = "brand-" + UUID.randomUUID() + "@example.com";
        Instant at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        String genevaProfile = pms(tenant, "GVA1", address, true, at);
        String zurichProfile = pms(tenant, "ZRH2", address, false, at.plusSeconds(60));
        await().atMost(PATIENCE).untilAsserted(() -> forHotel(tenant, address, "ZRH1").body("current", hasSize(2)));
        forHotel(tenant, address, "ZRH1").body("current.scope", containsInAnyOrder("BRAND:lux", "BRAND:eco"));
        assertEquals("WITHDRAWN", effective(forHotel(tenant, address, "ZRH1")), "ZRH2's opt-out stops its brand lux");
        assertEquals("GRANTED", effective(forHotel(tenant, address, "GVA1")), "but not eco");
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsentChanged lux = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:BRAND=lux:" + address).equals(r.key())).map(ConsumerRecord::value)
                    .reduce((a, b) -> b).orElse(null);
            assertNotNull(lux, "the brand's own key");
            assertEquals("BRAND=lux", lux.getScope());
            assertEquals(org.guestcrm.events.ConsentStatus.WITHDRAWN, lux.getStatus());
        });
        // Staff record an opt-out at GVA1 (brand eco): written back to the PMS profiles of eco only (GVA1's), not to
        // ZRH2's (lux). (A repeated opt-out at ZRH1, lux already withdrawn, changes nothing and writes nothing.)
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + address + "\",\"hotelCode\":\"ZRH1\"}").post("/api/v1/consents/withdrawals")
                .then().statusCode(200);
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + address + "\",\"hotelCode\":\"GVA1\"}").post("/api/v1/consents/withdrawals")
                .then().statusCode(200);
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(List.of(false), writtenBack(tenant, genevaProfile),
                "eco's opt-out reaches GVA1's profile"));
        assertEquals("WITHDRAWN", effective(forHotel(tenant, address, "GVA1")));
        // Then a tenant-wide opt-out reaches both profiles: ZRH2's holds that one only (its write-backs come in order).
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + address + "\"}").post("/api/v1/consents/withdrawals").then().statusCode(200);
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(List.of(false, false), writtenBack(tenant, genevaProfile)));
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(List.of(false), writtenBack(tenant, zurichProfile),
                "ZRH2's profile: the tenant's opt-out only, not eco's"));
    }

    @Test
    void aTenantWithoutScopesKeepsOneConsentWhateverHotelSaidIt() {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = "noscope-" + UUID.randomUUID() + "@example.com";
        Instant at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        pms(tenant, "ZRH1", address, true, at);
        pms(tenant, "GVA1", address, false, at.plusSeconds(60));
        await().atMost(PATIENCE).untilAsserted(() -> forHotel(tenant, address, "ZRH1")
                .body("current", hasSize(1)).body("current[0].status", equalTo("WITHDRAWN")));
        forHotel(tenant, address, "ZRH1").body("current[0].scope", equalTo("TENANT"));
        assertEquals("WITHDRAWN", effective(forHotel(tenant, address, "ZRH1")));
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<ConsentChanged> records = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:" + address).equals(r.key())).map(ConsumerRecord::value).toList();
            assertEquals(2, records.size(), "Zurich's grant and Geneva's opt-out, one key");
            assertTrue(records.stream().allMatch(r -> "TENANT".equals(r.getScope())), "both name the tenant's scope");
        });
    }
}
