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
                .setFirstName("Erika").setLastName("Ernst").setLanguage("de")
                .setEmails(List.of(ContactPoint.newBuilder().setValue(mail).build()))
                .setStayCount(4).setLastStayDeparture(java.time.LocalDate.of(2026, 4, 2)).setLastStayHotelCode("BRN1")
                .setPreferences(java.util.Map.of("interests", "opera"))
                .build());
    }

    private static final java.util.regex.Pattern ERASURE_LINK = java.util.regex.Pattern.compile(
            "http://guest-links\\.test(/preferences/erasure/confirm/[A-Za-z0-9._~-]+\\?lang=(?:en|fr))");

    /**
     * The guest asks for erasure in the centre (session {@code cookie}, its {@code csrf}): the page says a confirmation
     * mail was sent; the mail arrives through the real SMTP server at {@code address}; returns its link's path.
     */
    static String requestErasureByMail(String address, String cookie, String csrf) {
        return requestErasureByMail(address, cookie, csrf, 1);
    }

    /** As above, the {@code nth} erasure request of {@code address}: its mail is the {@code nth} one. */
    static String requestErasureByMail(String address, String cookie, String csrf, int nth) {
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded").formParam("csrf", csrf)
                .formParam("confirm", "yes").post("/preferences/erasure").then().statusCode(200)
                .body(containsString("We have sent a confirmation e-mail to this address"));
        return erasureLinkMailedTo(address, nth);
    }

    /** The path of the {@code nth} erasure confirmation link mailed to {@code address} (awaited in the SMTP server). */
    static String erasureLinkMailedTo(String address, int nth) {
        String[] body = new String[1];
        await().atMost(PATIENCE).until(() -> {
            int seen = 0;
            for (jakarta.mail.internet.MimeMessage message : org.guestcrm.testsupport.MailServer.shared().receivedMessages()) {
                if (message.getAllRecipients()[0].toString().equals(address)
                        && "Confirm the erasure of your data".equals(message.getSubject()) && ++seen == nth) {
                    Object content = message.getContent();
                    body[0] = content instanceof String text ? text : String.valueOf(content);
                }
            }
            return body[0] != null;
        });
        java.util.regex.Matcher link = ERASURE_LINK.matcher(body[0]);
        assertTrue(link.find(), "the mail holds the confirmation link under the public base URL");
        assertFalse(link.group(1).contains("example"), "the link carries no address");
        assertTrue(body[0].contains("Nothing has been erased yet"), body[0]);
        return link.group(1);
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

    /** No row of this service's holds any of {@code values} any more (their suppressions aside). */
    void assertNothingHeld(String tenant, List<String> values) throws Exception {
        for (String value : values) {
            for (String table : TABLES) {
                assertEquals(0, rows("select count(*) from " + table + " where tenant = ? and contact_point = ?", tenant, value),
                        table + " of an erased contact point");
            }
            for (String table : List.of("profile_contact_point", "guest_contact_point", "known_contact_point")) {
                assertEquals(0, rows("select count(*) from " + table + " where tenant = ? and value = ?", tenant, value),
                        table + " of an erased contact point");
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
        String centre = PreferenceCentreTest.page(cookie);
        assertTrue(centre.contains("<dd id=\"held-name\">Erika Ernst</dd>"), "the centre shows the guest's names from crm.guests");
        assertTrue(centre.contains("<dd id=\"stay-count\">4</dd>") && centre.contains("<dd id=\"interest-1\">opera</dd>"),
                "and its stays and interests");
        String csrf = PreferenceCentreTest.csrfOf(centre);
        // The request only mails a confirmation; its link's page only shows a button: nothing is erased before it.
        String confirmPath = requestErasureByMail(mail, cookie, csrf);
        given().get(confirmPath).then().statusCode(200).header("X-Frame-Options", equalTo("DENY"))
                .body(containsString("Erase my data")).body(containsString("action=\"" + confirmPath.replace("&", "&amp;")))
                .body(not(containsString(mail)));
        consents(tenant, home).body("current[0].status", equalTo("GRANTED"));
        assertTrue(erasuresOf(tenant).isEmpty(), "nothing published before the click");
        given().post(confirmPath).then().statusCode(200).body(containsString("we will no longer write to this address"));
        // Single use: the same link again, by POST or GET, says so.
        given().post(confirmPath).then().statusCode(410).body(containsString("already been used"));
        given().get(confirmPath).then().statusCode(410).body(containsString("already been used"));

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
        assertNothingHeld(tenant, List.of(mail, e164, home));
        assertEquals(0, rows("select count(*) from guest where tenant = ? and guest_id = ? and (first_name is not null"
                + " or last_name is not null or language is not null or stay_count is not null or last_stay_departure is not null"
                + " or last_stay_hotel_code is not null or hotel_codes is not null or interests is not null)", tenant, guestId),
                "the guest's names, language, stays and interests are erased");
        assertEquals(1, rows("select count(*) from guest where tenant = ? and guest_id = ?", tenant, guestId),
                "the guest's id and version stay (a late older record is not applied again)");
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

    static ErasureRequested received(String tenant, UUID erasureId, String guestId, List<String> refs) {
        return ErasureRequested.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("ErasureRequested")
                        .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setSource("profile-service")
                        .setTenantId(tenant).setCorrelationId(UUID.randomUUID().toString()).setSchemaVersion(1).build())
                .setErasureId(erasureId).setGuestId(guestId).setContactPointRefs(refs).setSourceProfiles(List.of())
                .setRequestedBy(ErasureRequester.GUEST).setConfirmedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    long erasureRequests(String tenant, UUID erasureId) throws Exception {
        return rows("select count(*) from guest_request where tenant = ? and kind = 'ERASURE' and detail like ?", tenant,
                "erasure=" + erasureId + " %");
    }

    @Test
    void anErasurePublishedByAnotherServiceIsExecutedHereOnceAndNeverPublishedAgain() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String guestId = "guest-" + UUID.randomUUID();
        String mail = "received-" + UUID.randomUUID() + "@example.com";
        String later = "not-yet-" + UUID.randomUUID() + "@example.com";
        String e164 = "+41795559876";
        guest(tenant, guestId, mail);
        GuestProfiles.send(profile(tenant, "opera", "RX-" + UUID.randomUUID(), 1L)
                .setEmails(List.of(email(mail, true)))
                .setPhones(List.of(phone("+41 79 555 98 76")))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).setSmsOptIn(true).build())
                .setPmsUpdatedAt(Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS))
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, e164).body("current[0].status", equalTo("GRANTED")));
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(token(tenant, "viewer")).queryParam("tenant", tenant)
                .get("/api/v1/consents/guests/" + guestId).then().statusCode(200));

        // The profile service publishes the guest's erasure: the guest, the e-mail's reference, and the reference of an
        // address this service does not hold yet.
        UUID erasureId = UUID.randomUUID();
        String laterRef = ContactPointRef.of(tenant, "EMAIL", later);
        ErasureRequested request = received(tenant, erasureId, guestId, List.of(ContactPointRef.of(tenant, "EMAIL", mail), laterRef));
        KafkaTestClients.sendAvro("crm.erasures", tenant + ":" + guestId, request);

        await().atMost(PATIENCE).until(() -> erasureRequests(tenant, erasureId) == 1);
        consents(tenant, mail).body("current.size()", equalTo(0)).body("history.size()", equalTo(0)).body("heldBy.size()", equalTo(0));
        consents(tenant, e164).body("current.size()", equalTo(0)).body("heldBy.size()", equalTo(0));
        assertNothingHeld(tenant, List.of(mail, e164));
        assertEquals(2, rows("select count(*) from suppression where tenant = ? and key_id = ? and hash like 'hmac1:test-supp:%'",
                tenant, "test-supp"), "the e-mail and the phone (held with it in the PMS profile)");
        assertEquals(1, rows("select count(*) from suppression where tenant = ? and hash = ?", tenant, "ref:" + laterRef),
                "the reference held by nobody here is suppressed as a reference");
        // Not published again: no crm.erasures row in this service's outbox, nothing of this service's on the topic.
        assertEquals(0, rows("select count(*) from outbox_event where topic = ? and record_key like ?", "crm.erasures",
                tenant + ":%"));
        // The grants were withdrawn and the keys tombstoned, as for this service's own erasures.
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<ConsumerRecord<String, ConsentChanged>> records = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":SMS:MARKETING:" + e164).equals(r.key())).toList();
            assertTrue(records.size() >= 3, "granted, withdrawn, tombstone");
            assertEquals(org.guestcrm.events.ConsentStatus.WITHDRAWN, records.get(records.size() - 2).value().getStatus());
            assertEquals(org.guestcrm.events.ConsentSource.API, records.get(records.size() - 2).value().getSource());
            assertNull(records.get(records.size() - 1).value(), "a tombstone last");
        });

        // A replay of the same request (another event id) changes nothing; a second request after it (same key, so
        // the same partition, read after it) proves the replay was read.
        KafkaTestClients.sendAvro("crm.erasures", tenant + ":" + guestId, received(tenant, erasureId, guestId,
                List.of(ContactPointRef.of(tenant, "EMAIL", mail))));
        UUID second = UUID.randomUUID();
        KafkaTestClients.sendAvro("crm.erasures", tenant + ":" + guestId, received(tenant, second, guestId, List.of()));
        await().atMost(PATIENCE).until(() -> erasureRequests(tenant, second) == 1);
        assertEquals(1, erasureRequests(tenant, erasureId), "the replay was not executed again");

        // The address known only by its reference arrives later, opted in: it is held, never granted.
        String pmsProfileId = "RL-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "mews", pmsProfileId, 1L)
                .setEmails(List.of(email(later, true)))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).build())
                .setPmsUpdatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build());
        await().atMost(PATIENCE).until(() -> profileApplied(tenant, pmsProfileId));
        consents(tenant, later).statusCode(200).body("heldBy.pmsProfileId", hasItem(pmsProfileId))
                .body("current.status", not(hasItem("GRANTED")));
        assertTrue(erasuresOf(tenant).stream().noneMatch(e -> "optout-service".equals(e.getMetadata().getSource())),
                "this service never published the erasure it received");
    }

    @Test
    void aReceivedErasureNamingNobodyGoesToTheDeadLetterTopicWithItsReason() {
        String tenant = "tenant-" + UUID.randomUUID();
        String key = tenant + ":nobody-" + UUID.randomUUID();
        KafkaTestClients.sendAvro("crm.erasures", key, received(tenant, UUID.randomUUID(), null, List.of()));
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsumerRecord<String, byte[]> dead = KafkaTestClients.readRaw("crm.erasures.dlq").stream()
                    .filter(r -> key.equals(r.key())).findFirst().orElse(null);
            assertNotNull(dead, "on crm.erasures.dlq");
            String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(reason.contains("guestId") && reason.contains("contactPointRefs"), reason);
        });
    }

    @Test
    void anErasureLinkThatIsForgedExpiredOrOfAnotherScopeErasesNothing() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = PreferenceCentreTest.subscribed(tenant, "EL-" + UUID.randomUUID());
        String cookie = PreferenceCentreTest.session(PreferenceCentreTest.preferencesLink(tenant, address));
        String csrf = PreferenceCentreTest.csrfOf(PreferenceCentreTest.page(cookie));
        // Without the session's CSRF token nothing is mailed.
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded").formParam("confirm", "yes")
                .post("/preferences/erasure").then().statusCode(403);
        assertEquals(0, rows("select count(*) from erasure_confirmation where tenant = ? and ref = ?", tenant,
                ContactPointRef.of(tenant, "EMAIL", address)));

        String path = requestErasureByMail(address, cookie, csrf, 1);
        String token = path.substring("/preferences/erasure/confirm/".length(), path.indexOf('?'));
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        given().get("/preferences/erasure/confirm/" + forged).then().statusCode(400).body(containsString("not valid"));
        given().post("/preferences/erasure/confirm/" + forged).then().statusCode(400);
        // A preference-centre link is no erasure link.
        given().post("/preferences/erasure/confirm/" + PreferenceCentreTest.preferencesLink(tenant, address)).then().statusCode(400);
        // A well-signed link naming no request.
        String ref = ContactPointRef.of(tenant, "EMAIL", address);
        given().post("/preferences/erasure/confirm/" + PreferenceCentreTest.signer(java.time.Clock.systemUTC()).sign("erasure",
                tenant, "EMAIL:" + ref + ":" + UUID.randomUUID(), Duration.ofHours(1))).then().statusCode(400);
        // A link whose signature has expired.
        String old = PreferenceCentreTest.signer(java.time.Clock.fixed(Instant.now().minus(2, ChronoUnit.DAYS),
                java.time.ZoneOffset.UTC)).sign("erasure", tenant, "EMAIL:" + ref + ":" + UUID.randomUUID(),
                Duration.ofHours(1));
        given().get("/preferences/erasure/confirm/" + old + "?lang=fr").then().statusCode(410).body(containsString("Ce lien a expiré"));
        // The request itself expired (its row says so): a clear page, and nothing erased.
        try (var connection = dataSource.getConnection(); var update = connection.prepareStatement(
                "update erasure_confirmation set expires_at = now() - interval '1 minute' where tenant = ?")) {
            update.setString(1, tenant);
            assertEquals(1, update.executeUpdate());
        }
        given().get(path).then().statusCode(410).body(containsString("This link has expired")).body(containsString("Nothing was erased"));
        given().post(path).then().statusCode(410).body(containsString("This link has expired"));
        PreferenceCentreTest.consents(tenant, address).body("current[0].status", equalTo("GRANTED"));
        assertTrue(erasuresOf(tenant).isEmpty(), "nothing published");

        // Asked again: a new mail, and its link erases.
        String again = requestErasureByMail(address, cookie, csrf, 2);
        given().post(again).then().statusCode(200).body(containsString("we will no longer write to this address"));
        PreferenceCentreTest.consents(tenant, address).body("current.size()", equalTo(0));
        await().atMost(PATIENCE).until(() -> erasuresOf(tenant).size() == 1);
        assertEquals(ErasureRequester.GUEST, erasuresOf(tenant).get(0).getRequestedBy());
    }
}
