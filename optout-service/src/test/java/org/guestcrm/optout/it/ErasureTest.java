package org.guestcrm.optout.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.phone;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ContactPoint;
import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.ErasureRequester;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.LocalIdentity;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;

/**
 * Erasure executed across services, through the real broker, registry and PostgreSQL: the guest confirms in the
 * preference centre (or staff asks through the API); ErasureRequested goes once to crm.erasures with the references of
 * every contact point of the person (the guest's, and those of the PMS profiles holding them), the guest and the PMS
 * profiles; this service's rows of those contact points are gone, each leaving a keyed suppression hash; the grants are
 * withdrawn and the crm.consents keys tombstoned; a new PMS profile with the same address gets no consent back.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class ErasureTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String[] TABLES = {"consent_state", "consent_entry", "marketing_pause", "soft_bounce"};

    @Inject
    AgroalDataSource dataSource;

    static String token(String tenant, String role) {
        return LocalIdentity.forTests().mint(Set.of(tenant), Set.of(role), Duration.ofMinutes(5), "test-" + role);
    }

    static ValidatableResponse consents(String tenant, String contactPoint) {
        return given().auth().oauth2(token(tenant, "viewer")).queryParam("tenant", tenant).queryParam("contactPoint", contactPoint)
                .get("/api/v1/consents").then();
    }

    static void guest(String tenant, String guestId, String mail) {
        KafkaTestClients.sendAvro("crm.guests", guestId, GuestUpdated.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("GuestUpdated")
                        .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setSource("profile-service")
                        .setTenantId(tenant).setCorrelationId(UUID.randomUUID().toString()).setSchemaVersion(1).build())
                .setGuestId(guestId).setVersion(1)
                .setEmails(List.of(ContactPoint.newBuilder().setValue(mail).build()))
                .build());
    }

    static List<ErasureRequested> erasuresOf(String tenant) {
        return KafkaTestClients.<ErasureRequested>readAvro("crm.erasures").stream().map(ConsumerRecord::value)
                .filter(e -> e != null && tenant.equals(e.getMetadata().getTenantId())).toList();
    }

    long rows(String sql, String tenant, String value) throws Exception {
        try (var connection = dataSource.getConnection(); var select = connection.prepareStatement(sql)) {
            select.setString(1, tenant);
            select.setString(2, value);
            try (var row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    boolean profileApplied(String tenant, String pmsProfileId) throws Exception {
        return rows("select count(*) from source_profile where tenant = ? and pms_profile_id = ?", tenant, pmsProfileId) == 1;
    }

    @Test
    void theGuestsErasureIsPublishedOnceExecutedHereAndANewProfileGetsNoConsentBack() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String guestId = "guest-" + UUID.randomUUID();
        String pmsProfileId = "ER-" + UUID.randomUUID();
        String mail = "erase-" + UUID.randomUUID() + "@example.com";
        String mobile = "+41 79 555 12 34";
        String e164 = "+41795551234";
        String home = "CH|3011|marktgasse 7";
        guest(tenant, guestId, mail);
        GuestProfiles.send(profile(tenant, "opera", pmsProfileId, 1L)
                .setEmails(List.of(email(mail, true)))
                .setPhones(List.of(phone(mobile)))
                .setAddresses(List.of(PostalConsentTest.address("Marktgasse 7", "3011", "CH")))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).setSmsOptIn(true).setPostOptIn(true).build())
                .setPmsUpdatedAt(Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS))
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, home).body("current[0].status", equalTo("GRANTED")));
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(token(tenant, "viewer")).queryParam("tenant", tenant)
                .get("/api/v1/consents/guests/" + guestId).then().statusCode(200));

        String cookie = PreferenceCentreTest.session(PreferenceCentreTest.preferencesLink(tenant, mail));
        String csrf = PreferenceCentreTest.csrfOf(PreferenceCentreTest.page(cookie));
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded").formParam("csrf", csrf)
                .formParam("confirm", "yes").post("/preferences/erasure").then().statusCode(200)
                .body(containsString("we will no longer write to this address"));

        // Published once, pseudonyms only.
        await().atMost(PATIENCE).until(() -> !erasuresOf(tenant).isEmpty());
        List<ErasureRequested> published = erasuresOf(tenant);
        assertEquals(1, published.size(), "one ErasureRequested");
        ErasureRequested erasure = published.get(0);
        assertEquals(guestId, erasure.getGuestId());
        assertEquals(ErasureRequester.GUEST, erasure.getRequestedBy());
        assertNotNull(erasure.getConfirmedAt());
        assertEquals(Set.of(ContactPointRef.of(tenant, "EMAIL", mail), ContactPointRef.of(tenant, "PHONE", e164),
                ContactPointRef.of(tenant, "POSTAL", home)), Set.copyOf(erasure.getContactPointRefs()));
        assertEquals(1, erasure.getSourceProfiles().size());
        assertEquals("opera", erasure.getSourceProfiles().get(0).getPmsSystem());
        assertEquals(pmsProfileId, erasure.getSourceProfiles().get(0).getPmsProfileId());
        String raw = KafkaTestClients.readRaw("crm.erasures").stream()
                .filter(r -> r.key() != null && r.key().equals(tenant + ":" + guestId)).map(r -> new String(r.value(),
                        java.nio.charset.StandardCharsets.ISO_8859_1)).findFirst().orElseThrow();
        assertFalse(raw.contains(mail) || raw.contains(e164) || raw.contains("marktgasse"), "no address on crm.erasures");

        // This service's own rows of the three contact points are gone; only keyed suppressions are left.
        for (String value : List.of(mail, e164, home)) {
            for (String table : TABLES) {
                assertEquals(0, rows("select count(*) from " + table + " where tenant = ? and contact_point = ?", tenant, value),
                        table + " of an erased contact point");
            }
            for (String table : List.of("profile_contact_point", "guest_contact_point", "known_contact_point")) {
                assertEquals(0, rows("select count(*) from " + table + " where tenant = ? and value = ?", tenant, value),
                        table + " of an erased contact point");
            }
        }
        assertEquals(3, rows("select count(*) from suppression where tenant = ? and key_id = ? and hash like 'hmac1:test-supp:%'",
                tenant, "test-supp"));
        // The grants were withdrawn first (whoever holds crm.consents hears it), then the keys were tombstoned.
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<ConsumerRecord<String, ConsentChanged>> records = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:" + mail).equals(r.key())).toList();
            assertTrue(records.size() >= 3, "granted, withdrawn, tombstone");
            assertEquals(org.guestcrm.events.ConsentStatus.WITHDRAWN, records.get(records.size() - 2).value().getStatus());
            assertNull(records.get(records.size() - 1).value(), "a tombstone last");
        });
        assertTrue(KafkaTestClients.readRaw("crm.consents").stream()
                .anyMatch(r -> (tenant + ":POST:MARKETING:" + home).equals(r.key()) && r.value() == null));

        // A new PMS profile with the same e-mail and postal address, opted in: no marketing consent comes back.
        String again = "ER2-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "mews", again, 1L)
                .setEmails(List.of(email(mail, true)))
                .setAddresses(List.of(PostalConsentTest.address("Marktgasse 7", "3011", "CH")))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).setPostOptIn(true).build())
                .setPmsUpdatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build());
        await().atMost(PATIENCE).until(() -> profileApplied(tenant, again));
        consents(tenant, mail).statusCode(200).body("heldBy.pmsProfileId", hasItem(again))
                .body("current.status", not(hasItem("GRANTED")));
        consents(tenant, home).statusCode(200).body("heldBy.pmsProfileId", hasItem(again))
                .body("current.status", not(hasItem("GRANTED")));
    }

    @Test
    void staffEraseThroughTheApiWithTheAgentRole() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String pmsProfileId = "ERS-" + UUID.randomUUID();
        String mail = "staff-erase-" + UUID.randomUUID() + "@example.com";
        GuestProfiles.send(profile(tenant, "opera", pmsProfileId, 1L)
                .setEmails(List.of(email(mail, true)))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).build())
                .setPmsUpdatedAt(Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS))
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, mail).body("current[0].status", equalTo("GRANTED")));

        given().auth().oauth2(token(tenant, "viewer")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + mail + "\"}").post("/api/v1/erasures").then().statusCode(403);
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{}").post("/api/v1/erasures").then().statusCode(400)
                .body("invalidParams[0].name", equalTo("contactPoint"));
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"not an address\"}").post("/api/v1/erasures").then().statusCode(400)
                .body("invalidParams[0].name", equalTo("contactPoint")).body(not(containsString("not an address")));
        given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"guestId\":\"guest-nobody\"}").post("/api/v1/erasures").then().statusCode(404);
        assertTrue(erasuresOf(tenant).isEmpty(), "nothing published for refused requests");

        String erasureId = given().auth().oauth2(token(tenant, "agent")).contentType("application/json").queryParam("tenant", tenant)
                .body("{\"contactPoint\":\"" + mail.toUpperCase(java.util.Locale.ROOT) + "\"}").post("/api/v1/erasures").then()
                .statusCode(202).body("contactPoints", equalTo(1)).body("sourceProfiles", equalTo(1))
                .extract().path("erasureId");
        consents(tenant, mail).body("current.size()", equalTo(0)).body("heldBy.size()", equalTo(0));
        await().atMost(PATIENCE).until(() -> !erasuresOf(tenant).isEmpty());
        ErasureRequested erasure = erasuresOf(tenant).get(0);
        assertEquals(erasureId, erasure.getErasureId().toString());
        assertEquals(ErasureRequester.STAFF, erasure.getRequestedBy());
        assertNull(erasure.getGuestId(), "no guest known here for this address");
        assertEquals(List.of(ContactPointRef.of(tenant, "EMAIL", mail)), erasure.getContactPointRefs());
        assertEquals(0, rows("select count(*) from consent_entry where tenant = ? and contact_point = ?", tenant, mail));
        assertEquals(1, rows("select count(*) from suppression where tenant = ? and key_id = ?", tenant, "test-supp"));
    }
}
