package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.guestcrm.events.ReservationStatus;
import org.guestcrm.testsupport.GuestProfiles;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Qualification tiers through Kafka and PostgreSQL: a tenant's rules set by an admin (validated, each wrong field
 * named), a guest's tier following its stays and spend from pms.reservations (prospect, guest, repeat, VIP), a rule
 * change re-tiering the tenant's guests, another tenant on the default rules untouched; roles and tenants enforced.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class QualificationTiersTest {

    @Test
    void rulesAreValidatedAndOnlyAnAdminOfTheTenantSetsThem() {
        String tenant = "tenant-" + UUID.randomUUID();
        Staff.as(tenant, "admin").get("/api/v1/tier-rules?tenant={t}", tenant).then().statusCode(200)
                .body("version", equalTo(0)).body("repeatMinStays", equalTo(2)).body("vipMinStays", equalTo(10))
                .body("vipMinNights", equalTo(40));
        put(tenant, "{\"repeatMinStays\": 1, \"vipMinStays\": 5}").statusCode(400)
                .body("invalidParams.name", hasItem("repeatMinStays"));
        put(tenant, "{\"repeatMinStays\": 3, \"vipMinStays\": 3}").statusCode(400)
                .body("invalidParams.name", equalTo(List.of("vipMinStays")));
        put(tenant, "{\"repeatMinStays\": \"two\", \"vipMinStays\": 5}").statusCode(400)
                .body("invalidParams.name", equalTo(List.of("repeatMinStays")));
        assertFalse(put(tenant, "{\"repeatMinStays\": \"two\", \"vipMinStays\": 5}").extract().asString()
                .contains("two"), "the value is not echoed");
        put(tenant, "{\"repeatMinStays\": 2, \"vipMinSpend\": 1000}").statusCode(400)
                .body("invalidParams.name", equalTo(List.of("vipSpendCurrency")));
        put(tenant, "{\"repeatMinStays\": 2, \"vipMinSpend\": 1000, \"vipSpendCurrency\": \"XQZ\"}").statusCode(400)
                .body("invalidParams.name", equalTo(List.of("vipSpendCurrency")));
        assertFalse(put(tenant, "{\"repeatMinStays\": 2, \"vipMinSpend\": 1000, \"vipSpendCurrency\": \"XQZ\"}")
                .extract().asString().contains("XQZ"), "the value is not echoed");
        put(tenant, "{\"repeatMinStays\": 2, \"vipMinSpend\": -5, \"vipSpendCurrency\": \"CHF\"}").statusCode(400)
                .body("invalidParams.name", equalTo(List.of("vipMinSpend")));
        put(tenant, "{\"repeatMinStays\": 2}").statusCode(400)
                .body("invalidParams.name", equalTo(List.of("vipMinStays")));
        put(tenant, "{\"repeatMinStays\": 2, \"vipMinStays\": 5, \"vipMinStay\": 4}").statusCode(400)
                .body("invalidParams.name", equalTo(List.of("vipMinStay")));
        put(tenant, "[1, 2]").statusCode(400);
        Staff.as(tenant, "admin").get("/api/v1/tier-rules?tenant={t}", tenant).then().statusCode(200)
                .body("version", equalTo(0));

        String body = "{\"repeatMinStays\": 2, \"vipMinStays\": 5}";
        Staff.as(tenant, "agent").contentType(ContentType.JSON).body(body)
                .put("/api/v1/tier-rules?tenant={t}", tenant).then().statusCode(403);
        Staff.viewer(tenant).get("/api/v1/tier-rules?tenant={t}", tenant).then().statusCode(403);
        String other = "tenant-" + UUID.randomUUID();
        Staff.as(tenant, "admin").contentType(ContentType.JSON).body(body)
                .put("/api/v1/tier-rules?tenant={t}", other).then().statusCode(404);
        Staff.as(tenant, "admin").contentType(ContentType.JSON).body(body)
                .put("/api/v1/tier-rules").then().statusCode(400).body("invalidParams.name", equalTo(List.of("tenant")));
    }

    @Test
    void aGuestsTierFollowsItsStaysAndSpendAndTheTenantsRules() {
        String tenant = "tenant-" + UUID.randomUUID();
        put(tenant, "{\"repeatMinStays\": 2, \"vipMinStays\": 5, \"vipMinSpend\": 2000, \"vipSpendCurrency\": \"CHF\"}")
                .statusCode(200).body("version", equalTo(1)).body("guestsRecomposed", equalTo(0));
        // Another tenant keeps the default rules (repeat from 2 stays, VIP from 10 stays or 40 nights).
        String defaults = "tenant-" + UUID.randomUUID();

        GuestProfiles.send(profile(tenant, "opera", "T-1", 1L).setEmails(List.of(email("tiers@example.com", true))).build());
        GuestProfiles.send(profile(defaults, "opera", "T-1", 1L).setEmails(List.of(email("tiers@example.com", true))).build());
        String guestId = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "T-1");
        String otherGuestId = SurvivorshipFlowTest.awaitGuestId(defaults, "opera", "T-1");
        awaitTier(tenant, guestId, "PROSPECT");

        LocalDate past = LocalDate.now().minusDays(300);
        // An upcoming booking is no stay: still a prospect; a cancelled one neither.
        StaysFlowTest.send(StaysFlowTest.reservation(tenant, "opera", "ZRH1", "Q-0", 1, "T-1",
                ReservationStatus.CONFIRMED, LocalDate.now().plusDays(30), 2, "500", "CHF").build());
        StaysFlowTest.send(StaysFlowTest.reservation(tenant, "opera", "ZRH1", "Q-9", 1, "T-1",
                ReservationStatus.CANCELLED, past, 2, "500", "CHF").build());
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", guestId).then().statusCode(200).body("stays.upcoming", equalTo(1))
                .body("stays.cancelled", equalTo(1)));
        awaitTier(tenant, guestId, "PROSPECT");

        StaysFlowTest.send(StaysFlowTest.reservation(tenant, "opera", "ZRH1", "Q-1", 1, "T-1",
                ReservationStatus.CHECKED_OUT, past, 2, "400", "CHF").build());
        awaitTier(tenant, guestId, "GUEST");
        StaysFlowTest.send(StaysFlowTest.reservation(tenant, "opera", "ZRH1", "Q-2", 1, "T-1",
                ReservationStatus.CHECKED_OUT, past.plusDays(20), 2, "500", "CHF").build());
        awaitTier(tenant, guestId, "REPEAT");
        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then()
                .body("qualification.reason", equalTo("2 stays, repeat from 2"));
        // Spend in another currency is not converted: 5,000 EUR does not make a VIP by the CHF rule.
        StaysFlowTest.send(StaysFlowTest.reservation(tenant, "opera", "PAR1", "Q-3", 1, "T-1",
                ReservationStatus.CHECKED_OUT, past.plusDays(40), 2, "5000", "EUR").build());
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", guestId).then().body("stays.stays", equalTo(3)));
        awaitTier(tenant, guestId, "REPEAT");
        // 1,200 CHF more: 2,100 CHF spent, a VIP by spend.
        StaysFlowTest.send(StaysFlowTest.reservation(tenant, "opera", "ZRH1", "Q-4", 1, "T-1",
                ReservationStatus.CHECKED_OUT, past.plusDays(60), 3, "1200", "CHF").build());
        awaitTier(tenant, guestId, "VIP");
        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then()
                .body("qualification.reason", equalTo("2100 CHF spent, VIP from 2000"));
        // The golden record on crm.guests carries the tier: every tier the guest went through, the latest last.
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> org.junit.jupiter.api.Assertions.assertEquals(
                "VIP", GuestsTopic.updates(guestId).getLast().getQualificationTier()));
        List<String> published = GuestsTopic.updates(guestId).stream().map(u -> u.getQualificationTier())
                .filter(java.util.Objects::nonNull).distinct().toList();
        org.junit.jupiter.api.Assertions.assertEquals(List.of("PROSPECT", "GUEST", "REPEAT", "VIP"), published);

        // The same stays at the default-rules tenant: 1 stay, a guest.
        StaysFlowTest.send(StaysFlowTest.reservation(defaults, "opera", "ZRH1", "Q-1", 1, "T-1",
                ReservationStatus.CHECKED_OUT, past, 2, "4000", "CHF").build());
        awaitTier(defaults, otherGuestId, "GUEST");

        // Rules raised: the tenant's guests are re-tiered at once (4 stays, 2,100 CHF: repeat by the new rules).
        put(tenant, "{\"repeatMinStays\": 3, \"vipMinStays\": 6, \"vipMinSpend\": 5000.50, \"vipSpendCurrency\": \"CHF\"}")
                .statusCode(200).body("version", equalTo(2)).body("guestsRecomposed", equalTo(1))
                .body("guestsChangedTier", equalTo(1));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then().statusCode(200)
                .body("qualification.tier", equalTo("REPEAT"))
                .body("qualification.reason", equalTo("4 stays, repeat from 3"));
        Staff.as(tenant, "admin").get("/api/v1/tier-rules?tenant={t}", tenant).then().statusCode(200)
                .body("version", equalTo(2)).body("repeatMinStays", equalTo(3)).body("vipMinSpend", equalTo(5000.5f))
                .body("vipMinNights", equalTo(null)).body("updatedBy", equalTo("staff-admin"));
        Staff.viewer(defaults).get("/api/v1/guests/{id}", otherGuestId).then().body("qualification.tier", equalTo("GUEST"));
    }

    private static io.restassured.response.ValidatableResponse put(String tenant, String body) {
        return Staff.as(tenant, "admin").contentType(ContentType.JSON).body(body)
                .put("/api/v1/tier-rules?tenant={t}", tenant).then();
    }

    private static void awaitTier(String tenant, String guestId, String tier) {
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", guestId).then().statusCode(200).body("qualification.tier", equalTo(tier)));
    }
}
