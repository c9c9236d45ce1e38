package org.guestcrm.optout.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.platform.security.SignedLinks;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.LocalIdentity;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;

/**
 * The guest's preference centre over HTTP, against the real broker, registry and PostgreSQL: signed links naming the
 * contact point by reference, the session and its CSRF token on every form, choices, pause, correction (published on
 * crm.contact-updates), download, erasure (a hash only), and the "e-mail me my link" form with its rate limits.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class PreferenceCentreTest {

    static final String KEY_ID = "test-2026";
    static final byte[] KEY = Base64.getDecoder().decode("U6g6szm0v4/osAMOrqihZYqtX+bwcwnGl7hVKAW3AMo=");
    static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @Inject
    AgroalDataSource dataSource;

    static SignedLinks signer(Clock clock) {
        return new SignedLinks(Map.of(KEY_ID, KEY), KEY_ID, clock);
    }

    static String preferencesLink(String tenant, String address) {
        return signer(Clock.systemUTC()).sign("preferences", tenant, "EMAIL:" + ContactPointRef.of(tenant, "EMAIL", address),
                Duration.ofDays(1));
    }

    static ValidatableResponse consents(String tenant, String address) {
        String token = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("viewer"), Duration.ofMinutes(5), "test-viewer");
        return given().auth().oauth2(token).queryParam("tenant", tenant).queryParam("contactPoint", address)
                .get("/api/v1/consents").then();
    }

    /** A guest with an opted-in address in one PMS profile ({@code pmsProfileId}). */
    static String subscribed(String tenant, String pmsProfileId) {
        String address = "pc-" + UUID.randomUUID() + "@example.com";
        GuestProfiles.send(profile(tenant, "opera", pmsProfileId, 1L)
                .setEmails(List.of(email(address, true)))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).build())
                .setPmsUpdatedAt(Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS))
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("current[0].status", equalTo("GRANTED")));
        return address;
    }

    /** Opens the link: 303 to /preferences with the session cookie. */
    static String session(String token) {
        ExtractableResponse<Response> opened = given().redirects().follow(false).get("/p/" + token).then().statusCode(303)
                .extract();
        assertTrue(opened.header("Location").endsWith("/preferences"), opened.header("Location"));
        String cookie = opened.cookie("optout_session");
        assertNotNull(cookie);
        assertEquals("DENY", opened.header("X-Frame-Options"));
        String setCookie = opened.header("Set-Cookie");
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"), setCookie);
        return cookie;
    }

    static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        assertTrue(m.find(), "the page has a CSRF token");
        return m.group(1);
    }

    static String page(String cookie) {
        return given().cookie("optout_session", cookie).get("/preferences").then().statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("form-action 'self'"))
                .header("X-Frame-Options", equalTo("DENY")).header("Cache-Control", equalTo("no-store"))
                .extract().body().asString();
    }

    @Test
    void everyFormNeedsTheSessionsCsrfTokenAndChoicesAreRecordedAndWrittenBack() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String pmsProfileId = "PC-" + UUID.randomUUID();
        String address = subscribed(tenant, pmsProfileId);
        String token = preferencesLink(tenant, address);
        assertFalse(token.contains("example"), "the link carries no address");
        String cookie = session(token);
        String html = page(cookie);
        assertTrue(html.contains(address), "the guest sees the address held");
        assertTrue(html.contains("Offers and news") && html.contains("Hotel reception"), html);
        String csrf = csrfOf(html);
        String otherSessionsCsrf = csrfOf(page(session(preferencesLink(tenant, address))));

        // Refused: no token, another session's token, no session at all; nothing changes.
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("MARKETING", "WITHDRAWN").post("/preferences/choices").then().statusCode(403)
                .body(containsString("Nothing was changed"));
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", otherSessionsCsrf).formParam("MARKETING", "WITHDRAWN").post("/preferences/choices")
                .then().statusCode(403);
        given().contentType("application/x-www-form-urlencoded").formParam("csrf", csrf).formParam("MARKETING", "WITHDRAWN")
                .post("/preferences/choices").then().statusCode(403).body(containsString("Your session has ended"));
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded").formParam("months", "3")
                .post("/preferences/pause").then().statusCode(403);
        consents(tenant, address).body("current[0].status", equalTo("GRANTED")).body("history.size()", equalTo(1));

        // With it: withdrawn, a survey consent granted, 303 back to the page with a notice.
        String location = given().cookie("optout_session", cookie).redirects().follow(false)
                .contentType("application/x-www-form-urlencoded").formParam("csrf", csrf)
                .formParam("MARKETING", "WITHDRAWN").formParam("GUEST_SURVEY", "GRANTED").post("/preferences/choices")
                .then().statusCode(303).extract().header("Location");
        assertTrue(location.contains("/preferences?lang=en&notice=saved"), location);
        given().cookie("optout_session", cookie).get("/preferences?notice=saved").then().statusCode(200)
                .body(containsString("Your choices are saved."));
        consents(tenant, address)
                .body("current.find { it.purpose == 'MARKETING' }.status", equalTo("WITHDRAWN"))
                .body("current.find { it.purpose == 'MARKETING' }.source", equalTo("PREFERENCE_CENTRE"))
                .body("current.find { it.purpose == 'GUEST_SURVEY' }.status", equalTo("GRANTED"))
                .body("history.actor", hasItem("guest"));
        // A bad value is a 400 page, nothing recorded.
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded").formParam("csrf", csrf)
                .formParam("PROFILING", "MAYBE").post("/preferences/choices").then().statusCode(400)
                .body(containsString("Choose Yes or No"));

        await().atMost(PATIENCE).untilAsserted(() -> assertTrue(KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                .filter(r -> (tenant + ":EMAIL:MARKETING:" + address).equals(r.key())).map(ConsumerRecord::value)
                .anyMatch(c -> c.getSource() == org.guestcrm.events.ConsentSource.PREFERENCE_CENTRE)));
        // The write-back: the PMS profile holding the address gets emailOptIn=false, reason OPT_OUT.
        await().atMost(PATIENCE).untilAsserted(() -> {
            ContactDetailsUpdated update = KafkaTestClients.<ContactDetailsUpdated>readAvro("crm.contact-updates").stream()
                    .filter(r -> (tenant + ":opera:" + pmsProfileId).equals(r.key())).map(ConsumerRecord::value)
                    .filter(u -> u.getReason() == ContactUpdateReason.OPT_OUT).findFirst().orElse(null);
            assertNotNull(update);
            assertEquals(Boolean.FALSE, update.getMarketingFlags().getEmailOptIn());
            assertEquals(null, update.getEmails());
        });
        // The trail: every access and refusal, with the user agent, by reference only.
        try (var connection = dataSource.getConnection();
                var select = connection.prepareStatement(
                        "select action, subject, user_agent, outcome from guest_activity where tenant = ? order by id")) {
            select.setString(1, tenant);
            try (var rows = select.executeQuery()) {
                StringBuilder actions = new StringBuilder();
                while (rows.next()) {
                    actions.append(rows.getString(1)).append('/').append(rows.getInt(4)).append(' ');
                    assertFalse(String.valueOf(rows.getString(2)).contains("@"), "activity names the reference, not the address");
                    assertNotNull(rows.getString(3), "user agent recorded");
                }
                assertTrue(actions.toString().contains("choices:csrf-refused/403") && actions.toString().contains("view/200")
                        && actions.toString().contains("choices:2/303"), actions.toString());
            }
        }
        // The same trail, exported for an audit (admin only; the address never in it).
        String admin = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("admin"), Duration.ofMinutes(5), "auditor");
        String export = given().auth().oauth2(admin).queryParam("tenant", tenant).get("/api/v1/guest-activity").then()
                .statusCode(200).body("action", hasItem("view")).body("[0].userAgent", org.hamcrest.Matchers.notNullValue())
                .extract().body().asString();
        assertFalse(export.contains(address), "the export names the reference, not the address");
        given().auth().oauth2(admin).queryParam("tenant", tenant).queryParam("from", "yesterday").get("/api/v1/guest-activity")
                .then().statusCode(400).contentType("application/problem+json").body("invalidParams[0].name", equalTo("from"));
        String viewer = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("viewer"), Duration.ofMinutes(5), "viewer");
        given().auth().oauth2(viewer).queryParam("tenant", tenant).get("/api/v1/guest-activity").then().statusCode(403);
    }

    @Test
    void badLinksAndSessionsGetTheNeutralPages() {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = subscribed(tenant, "PB-" + UUID.randomUUID());
        String invalid = given().get("/p/not-a-token").then().statusCode(400).extract().body().asString();
        String unknownRef = signer(Clock.systemUTC()).sign("preferences", tenant,
                "EMAIL:" + ContactPointRef.of(tenant, "EMAIL", "nobody-" + UUID.randomUUID() + "@example.com"), Duration.ofDays(1));
        String otherTenant = signer(Clock.systemUTC()).sign("preferences", "tenant-" + UUID.randomUUID(),
                "EMAIL:" + ContactPointRef.of(tenant, "EMAIL", address), Duration.ofDays(1));
        String unsubscribeScope = signer(Clock.systemUTC()).sign("unsubscribe", tenant,
                "EMAIL:MARKETING:" + ContactPointRef.of(tenant, "EMAIL", address), Duration.ofDays(1));
        for (String bad : List.of(unknownRef, otherTenant, unsubscribeScope)) {
            assertEquals(invalid, given().redirects().follow(false).get("/p/" + bad).then().statusCode(400).extract().body().asString());
        }
        String expired = signer(Clock.offset(Clock.systemUTC(), Duration.ofDays(-40))).sign("preferences", tenant,
                "EMAIL:" + ContactPointRef.of(tenant, "EMAIL", address), Duration.ofDays(1));
        given().header("Accept-Language", "fr").get("/p/" + expired).then().statusCode(410).body(containsString("Ce lien a expiré"));
        given().get("/preferences").then().statusCode(403).body(containsString("Your session has ended"))
                .body(not(containsString("Exception")));
        String forgedCookie = session(preferencesLink(tenant, address)).replaceAll(".{4}$", "AAAA");
        given().cookie("optout_session", forgedCookie).get("/preferences").then().statusCode(403);
        // An unsubscribe token is not a session.
        given().cookie("optout_session", unsubscribeScope).get("/preferences").then().statusCode(403);
    }

    @Test
    void aPauseWithdrawsMarketingNowAndGrantsItAgainWhenDue() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = subscribed(tenant, "PP-" + UUID.randomUUID());
        String cookie = session(preferencesLink(tenant, address));
        String csrf = csrfOf(page(cookie));
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded").formParam("csrf", csrf)
                .formParam("months", "7").post("/preferences/pause").then().statusCode(400)
                .body(containsString("Choose a number of months"));
        given().cookie("optout_session", cookie).redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).formParam("months", "3").post("/preferences/pause").then().statusCode(303);
        consents(tenant, address).body("current[0].status", equalTo("WITHDRAWN"))
                .body("history[1].sourceDetail", equalTo("pause:3m"));
        String html = page(cookie);
        assertTrue(html.contains("id=\"paused-until\""), "the page says until when");
        // Three months pass (the pause's end moved into the past): granted again by the resumer.
        try (var connection = dataSource.getConnection();
                var update = connection.prepareStatement(
                        "update marketing_pause set resume_at = now() - interval '1 second' where tenant = ?")) {
            update.setString(1, tenant);
            assertEquals(1, update.executeUpdate());
        }
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("current[0].status", equalTo("GRANTED"))
                .body("current[0].source", equalTo("PREFERENCE_CENTRE")).body("history[2].sourceDetail", equalTo("pause-ended")));
        assertFalse(page(cookie).contains("id=\"paused-until\""));
    }

    @Test
    void aPauseEndsWithoutAGrantWhenANewerStatementCame() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = subscribed(tenant, "PS-" + UUID.randomUUID());
        String cookie = session(preferencesLink(tenant, address));
        given().cookie("optout_session", cookie).redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrfOf(page(cookie))).formParam("months", "1").post("/preferences/pause").then().statusCode(303);
        // Staff record an opt-out meanwhile: the pause must not undo it.
        String agent = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("agent"), Duration.ofMinutes(5), "agent-1");
        given().auth().oauth2(agent).contentType("application/json").queryParam("tenant", tenant)
                .body(Map.of("contactPoint", address)).post("/api/v1/consents/withdrawals").then().statusCode(200);
        try (var connection = dataSource.getConnection();
                var update = connection.prepareStatement(
                        "update marketing_pause set resume_at = now() - interval '1 second' where tenant = ?")) {
            update.setString(1, tenant);
            update.executeUpdate();
        }
        await().atMost(PATIENCE).until(() -> {
            try (var connection = dataSource.getConnection();
                    var select = connection.prepareStatement("select outcome from marketing_pause where tenant = ?")) {
                select.setString(1, tenant);
                try (var row = select.executeQuery()) {
                    return row.next() && "SUPERSEDED".equals(row.getString(1));
                }
            }
        });
        // Still withdrawn and no "pause-ended" grant. (The staff statement repeated the current status, so by the ledger
        // rule it adds no entry; it still ended the pause.)
        consents(tenant, address).body("current[0].status", equalTo("WITHDRAWN")).body("history.size()", equalTo(2))
                .body("history.sourceDetail", not(hasItem("pause-ended")));
    }

    @Test
    void theGuestDownloadsTheDataAndAnErasureLeavesOnlyAHash() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String pmsProfileId = "PX-" + UUID.randomUUID();
        String address = subscribed(tenant, pmsProfileId);
        String cookie = session(preferencesLink(tenant, address));
        String csrf = csrfOf(page(cookie));
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded").post("/preferences/download")
                .then().statusCode(403);
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded").formParam("csrf", csrf)
                .post("/preferences/download").then().statusCode(200).contentType(containsString("application/json"))
                .header("Content-Disposition", containsString("attachment"))
                .body("contactPoint", equalTo(address)).body("consents[0].status", equalTo("GRANTED"))
                .body("history[0].source", equalTo("PMS")).body("heldBy[0].pmsProfileId", equalTo(pmsProfileId));

        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded").formParam("csrf", csrf)
                .post("/preferences/erasure").then().statusCode(400).body(containsString("Tick the box"));
        consents(tenant, address).body("current.size()", equalTo(1));
        String confirmPath = ErasureTest.requestErasureByMail(address, cookie, csrf);
        consents(tenant, address).body("current.size()", equalTo(1));
        given().post(confirmPath).then().statusCode(200).body(containsString("we will no longer write to this address"));
        // Executed here: the ledger and the states of the address are gone (the grant was withdrawn first, on crm.consents).
        consents(tenant, address).body("current.size()", equalTo(0)).body("history.size()", equalTo(0))
                .body("heldBy.size()", equalTo(0));
        try (var connection = dataSource.getConnection();
                var select = connection.prepareStatement(
                        "select s.hash, r.subject, r.kind from suppression s join guest_request r on r.subject = s.hash"
                                + " where s.tenant = ?")) {
            select.setString(1, tenant);
            try (var row = select.executeQuery()) {
                assertTrue(row.next(), "a suppression and the recorded request");
                assertTrue(row.getString(1).startsWith("hmac1:test-supp:") && !row.getString(1).contains(address),
                        "a keyed hash naming its key");
                assertEquals("ERASURE", row.getString(3));
            }
        }
        // The PMS sends the address again with an opt-in: an erased address is never granted again.
        GuestProfiles.send(profile(tenant, "opera", pmsProfileId, 2L).setEmails(List.of(email(address, true)))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).build())
                .setPmsUpdatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build());
        // A later marker profile in the same partition order is not guaranteed; wait for this profile's version instead.
        await().atMost(PATIENCE).until(() -> {
            try (var connection = dataSource.getConnection();
                    var select = connection.prepareStatement(
                            "select pms_sequence from source_profile where tenant = ? and pms_profile_id = ?")) {
                select.setString(1, tenant);
                select.setString(2, pmsProfileId);
                try (var row = select.executeQuery()) {
                    return row.next() && row.getLong(1) == 2L;
                }
            }
        });
        consents(tenant, address).body("current.status", not(hasItem("GRANTED"))).body("heldBy.size()", equalTo(1));
    }

    @Test
    void theLinkRequestFormAnswersTheSameForEveryAddressAndIsRateLimited() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = subscribed(tenant, "PR-" + UUID.randomUUID());
        ExtractableResponse<Response> form = given().get("/preferences/request?tenant=" + tenant).then().statusCode(200).extract();
        String cookie = form.cookie("optout_session");
        String csrf = csrfOf(form.body().asString());
        given().contentType("application/x-www-form-urlencoded").formParam("tenant", tenant).formParam("email", address)
                .post("/preferences/request").then().statusCode(403);
        String known = request(cookie, csrf, tenant, address).then().statusCode(200).extract().body().asString();
        String unknown = request(cookie, csrf, tenant, "nobody-" + UUID.randomUUID() + "@example.com").then().statusCode(200)
                .extract().body().asString();
        String malformed = request(cookie, csrf, tenant, "no-at-sign").then().statusCode(200).extract().body().asString();
        assertEquals(known, unknown);
        assertEquals(known, malformed);
        assertTrue(known.contains("If this address is known to us"));
        // Three per address per hour are mailed; a fourth gets the same answer and no mail.
        request(cookie, csrf, tenant, address).then().statusCode(200);
        request(cookie, csrf, tenant, address.toUpperCase(java.util.Locale.ROOT)).then().statusCode(200);
        assertEquals(known, request(cookie, csrf, tenant, address).then().statusCode(200).extract().body().asString());
        try (var connection = dataSource.getConnection();
                var select = connection.prepareStatement("select count(*) from preference_link_mail where tenant = ?")) {
            select.setString(1, tenant);
            try (var row = select.executeQuery()) {
                row.next();
                assertEquals(3, row.getInt(1));
            }
        }
        await().atMost(PATIENCE).until(() -> org.guestcrm.testsupport.MailServer.shared().receivedMessages().stream()
                .filter(m -> {
                    try {
                        return m.getAllRecipients()[0].toString().equals(address);
                    } catch (jakarta.mail.MessagingException e) {
                        return false;
                    }
                }).count() == 3);
        // 20 requests per client per hour and tenant; then 429 for this client, whatever the address.
        String other = "tenant-" + UUID.randomUUID();
        ExtractableResponse<Response> otherForm = given().get("/preferences/request?tenant=" + other).then().statusCode(200).extract();
        String otherCookie = otherForm.cookie("optout_session");
        String otherCsrf = csrfOf(otherForm.body().asString());
        for (int i = 0; i < 20; i++) {
            request(otherCookie, otherCsrf, other, "r" + i + "@example.com").then().statusCode(200);
        }
        request(otherCookie, otherCsrf, other, "r21@example.com").then().statusCode(429).body(containsString("Too many requests"));
        given().get("/preferences/request?tenant=bad%20tenant").then().statusCode(400);
    }

    private static Response request(String cookie, String csrf, String tenant, String address) {
        return given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).formParam("tenant", tenant).formParam("email", address).post("/preferences/request");
    }
}
