package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.phone;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.testsupport.GuestProfiles;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * GDPR and search through the API, Kafka and PostgreSQL: guest search by e-mail, phone and name (tenant-scoped,
 * criteria in the body, each hit audited; bad criteria 400 naming the field, never echoing it); the access export of
 * everything held; erasure (personal data gone, the id 404, a GuestUpdated without personal data on crm.guests, the
 * PMS re-sending the profile creates nothing).
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class PrivacyTest {

    private static List<GuestUpdated> guestUpdates(String guestId) {
        return GuestsTopic.updates(guestId);
    }

    private static io.restassured.response.Response search(String tenant, String role, Map<String, String> criteria) {
        return Staff.as(tenant, role).contentType(ContentType.JSON).queryParam("tenant", tenant).body(criteria)
                .post("/api/v1/guests/search");
    }

    @Test
    void searchFindsGuestsByEmailPhoneAndNameWithinTheTenantOnly() {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "find-1", 1L).setFirstName("Ingrid").setLastName("Ólafsdóttir")
                .setEmails(List.of(email("Ingrid.O@Example.org", true))).setPhones(List.of(phone("+354 555 1234"))).build());
        String guestId = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "find-1");

        search(tenant, "viewer", Map.of("email", " ingrid.o@EXAMPLE.org")).then().statusCode(200)
                .body("guests.guestId", contains(guestId)).body("guests[0].matchedOn", contains("EMAIL"))
                .body("guests[0].primaryEmail", equalTo("ingrid.o@example.org"));
        search(tenant, "agent", Map.of("phone", "00354 5551234")).then().statusCode(200)
                .body("guests.guestId", contains(guestId));
        search(tenant, "marketer", Map.of("lastName", "olafsdottir", "firstName", "INGRID")).then().statusCode(200)
                .body("guests.guestId", contains(guestId)).body("guests[0].matchedOn", contains("NAME"));
        search(tenant, "viewer", Map.of("email", "nobody@example.org")).then().statusCode(200).body("guests", hasSize(0));

        // Another tenant's token: 404 like a missing tenant; no role: 403; bad criteria: 400 naming the field only.
        String other = "tenant-" + UUID.randomUUID();
        Staff.viewer(other).contentType(ContentType.JSON).queryParam("tenant", tenant)
                .body(Map.of("email", "ingrid.o@example.org")).post("/api/v1/guests/search").then().statusCode(404);
        Staff.as(tenant).contentType(ContentType.JSON).queryParam("tenant", tenant)
                .body(Map.of("email", "ingrid.o@example.org")).post("/api/v1/guests/search").then().statusCode(403);
        search(tenant, "viewer", Map.of("email", "ingrid-at-example")).then().statusCode(400)
                .contentType("application/problem+json")
                .body("invalidParams.name", contains("email"))
                .body(not(containsString("ingrid-at-example")));
        search(tenant, "viewer", Map.of("phone", "12")).then().statusCode(400).body("invalidParams.name", contains("phone"));
        search(tenant, "viewer", Map.of()).then().statusCode(400).body("invalidParams.name", contains("email"));

        // Each guest shown is in the audit trail.
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.as(tenant, "admin").get("/api/v1/audit")
                .then().statusCode(200).body("action", hasItem("SEARCH_RESULT POST /api/v1/guests/search"))
                .body("targetId", hasItem("guestId=" + guestId)));
    }

    @Test
    void anErasedGuestIsGoneEverywhereAndItsProfileIsNotCreatedAgain() {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "erase-1", 1L).setFirstName("Lea").setLastName("Vogel")
                .setBirthDate(LocalDate.of(1990, 2, 3))
                .setEmails(List.of(email("lea.vogel@example.org", true))).build());
        GuestProfiles.send(profile(tenant, "mews", "erase-2", 1L).setFirstName("Lea").setLastName("Vogel")
                .setEmails(List.of(email("lea.vogel@example.org", true))).build());
        String guestId = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "erase-1");
        assertEquals(guestId, SurvivorshipFlowTest.awaitGuestId(tenant, "mews", "erase-2"));
        StaysFlowTest.send(StaysFlowTest.reservation(tenant, "opera", "ZRH1", "E-R1", 1, "erase-1",
                ReservationStatus.CHECKED_OUT, LocalDate.now().minusDays(20), 2, "500", "CHF").build());
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", guestId).then().body("stays.stays", equalTo(1)));

        // Access: everything held, only for an admin.
        Staff.viewer(tenant).get("/api/v1/guests/{id}/personal-data", guestId).then().statusCode(403);
        Staff.as("tenant-" + UUID.randomUUID(), "admin").get("/api/v1/guests/{id}/personal-data", guestId).then().statusCode(404);
        Staff.as(tenant, "admin").get("/api/v1/guests/{id}/personal-data", guestId).then().statusCode(200)
                .body("guest.guestId", equalTo(guestId))
                .body("sourceProfiles", hasSize(2))
                .body("sourceProfiles.find { it.pmsSystem == 'opera' }.birthDate", equalTo("1990-02-03"))
                .body("sourceProfiles[0].emails[0].value", equalTo("lea.vogel@example.org"))
                .body("stays", hasSize(1))
                .body("stays[0].pmsReservationId", equalTo("E-R1"))
                .body("matchDecisions", hasSize(2));

        // Erasure: admin only, then nothing personal is left.
        Staff.as(tenant, "agent").contentType(ContentType.JSON).body(Map.of("reason", "guest request"))
                .post("/api/v1/guests/{id}/erasure", guestId).then().statusCode(403);
        Staff.as(tenant, "admin").contentType(ContentType.JSON).body(Map.of("reason", "guest request"))
                .post("/api/v1/guests/{id}/erasure", guestId).then().statusCode(200)
                .body("sourceProfiles", equalTo(2)).body("stays", equalTo(1))
                .body("suppressionMarkers", equalTo(3));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then().statusCode(404);
        SurvivorshipFlowTest.lookup(tenant, "opera", "erase-1").then().statusCode(404);
        search(tenant, "viewer", Map.of("email", "lea.vogel@example.org")).then().statusCode(200).body("guests", hasSize(0));
        search(tenant, "viewer", Map.of("lastName", "Vogel")).then().statusCode(200).body("guests", hasSize(0));

        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> guestUpdates(guestId).stream()
                .anyMatch(g -> g.getFirstName() == null && g.getEmails().isEmpty() && g.getSourceProfiles().isEmpty()));
        GuestUpdated last = guestUpdates(guestId).getLast();
        assertNull(last.getLastName());
        assertNull(last.getBirthDate());
        assertTrue(last.getEmails().isEmpty() && last.getPhones().isEmpty() && last.getStayCount() == 0,
                "the last record of the guest on crm.guests carries no personal data");
        // And after it a tombstone: the key's last record on the compacted topic has a null value, so compaction forgets.
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> GuestsTopic.endsWithTombstone(guestId));
        assertNull(GuestsTopic.last(guestId).value(), "the erased guest's last record on crm.guests is a tombstone");

        // The PMS sends the profile again: the intake suppresses it (counted), no guest is created.
        double before = suppressed();
        GuestProfiles.send(profile(tenant, "opera", "erase-1", 2L).setFirstName("Lea").setLastName("Vogel")
                .setEmails(List.of(email("lea.vogel@example.org", true))).build());
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> suppressed() > before);
        SurvivorshipFlowTest.lookup(tenant, "opera", "erase-1").then().statusCode(404);
    }

    /** guestcrm_profile_erased_suppressed_total from /q/metrics (0 before the first). */
    private static double suppressed() {
        String metrics = Staff.as("any", "ops").get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("guestcrm_profile_erased_suppressed_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
