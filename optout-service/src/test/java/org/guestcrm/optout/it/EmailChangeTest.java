package org.guestcrm.optout.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.guestcrm.optout.it.PreferenceCentreTest.PATIENCE;
import static org.guestcrm.optout.it.PreferenceCentreTest.consents;
import static org.guestcrm.optout.it.PreferenceCentreTest.csrfOf;
import static org.guestcrm.optout.it.PreferenceCentreTest.page;
import static org.guestcrm.optout.it.PreferenceCentreTest.preferencesLink;
import static org.guestcrm.optout.it.PreferenceCentreTest.session;
import static org.guestcrm.optout.it.PreferenceCentreTest.subscribed;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.events.EmailAddress;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.internet.MimeMessage;

/**
 * A corrected e-mail address is verified before it is written back: the centre mails a signed single-use link to the
 * new address (not the old one), nothing is written back before its button is pressed; then the correction reaches
 * every PMS profile holding the old address and the old address's consent holds for the new one.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class EmailChangeTest {

    private static final Pattern LINK = Pattern.compile(
            "http://guest-links\\.test(/preferences/email/confirm/[A-Za-z0-9._~-]+\\?lang=(?:en|fr|de))");

    @Test
    void aCorrectedAddressIsVerifiedByAMailToItThenWrittenBackWithItsConsent() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String first = "PE-" + UUID.randomUUID();
        String address = subscribed(tenant, first);
        String second = "PE2-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "mews", second, 1L).setEmails(List.of(email(address, true))).build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("heldBy.size()", equalTo(2)));
        String cookie = session(preferencesLink(tenant, address));
        String csrf = csrfOf(page(cookie));
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded").formParam("csrf", csrf)
                .formParam("email", "not an address").post("/preferences/email").then().statusCode(400)
                .body(containsString("Enter a valid e-mail address")).body(not(containsString("not an address")));
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("email", "x@example.com").post("/preferences/email").then().statusCode(403);

        String corrected = "Corrected-" + UUID.randomUUID() + "@Example.com";
        String normalised = corrected.toLowerCase(Locale.ROOT);
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).formParam("email", corrected).post("/preferences/email").then().statusCode(200)
                .body(containsString("We have sent an e-mail to the new address"));

        // The mail goes to the new address, with a link under the public base URL that carries no address.
        String path = linkMailedTo(normalised);
        assertFalse(path.contains("example") || path.contains("%40"), "the link carries no address");
        assertFalse(MailServer.shared().receivedMessages().isEmpty());
        for (MimeMessage m : MailServer.shared().receivedMessages()) {
            assertFalse(m.getAllRecipients()[0].toString().equals(address)
                    && "Confirm your new e-mail address".equals(m.getSubject()), "never mailed to the old address");
        }
        // Nothing is written back, nor granted, before the button is pressed; the page (GET) changes nothing.
        given().get(path).then().statusCode(200).body(containsString("Confirm this address"))
                .body(containsString("action=\"" + path.replace("&", "&amp;"))).body(not(containsString(normalised)));
        assertTrue(corrections(tenant, first, second).isEmpty(), "no write-back before the confirmation");
        consents(tenant, normalised).body("current.size()", equalTo(0));
        // A forged link, or one of another scope: the invalid-link page.
        given().post(path.replace("/confirm/", "/confirm/x")).then().statusCode(400);
        String otherScope = PreferenceCentreTest.signer(Clock.systemUTC()).sign("erasure", tenant,
                "EMAIL:" + ContactPointRef.of(tenant, "EMAIL", address) + ":" + UUID.randomUUID(), Duration.ofHours(1));
        given().post("/preferences/email/confirm/" + otherScope).then().statusCode(400).body(containsString("This link is not valid"));

        given().post(path).then().statusCode(200).body(containsString("Your new address is confirmed"));
        given().post(path).then().statusCode(410).body(containsString("already been used"));
        given().get(path).then().statusCode(410).body(containsString("already been used"));

        await().atMost(PATIENCE).untilAsserted(() -> {
            List<ContactDetailsUpdated> updates = corrections(tenant, first, second);
            assertEquals(2, updates.size(), "one per PMS profile holding the old address");
            for (ContactDetailsUpdated update : updates) {
                assertEquals(List.of(normalised), update.getEmails().stream().map(EmailAddress::getAddress).toList());
                assertEquals("optout-service", update.getMetadata().getSource());
            }
        });
        // The old address's consent (marketing granted by the PMS) holds for the new one, said through the centre.
        consents(tenant, normalised)
                .body("current.find { it.purpose == 'MARKETING' }.status", equalTo("GRANTED"))
                .body("current.find { it.purpose == 'MARKETING' }.source", equalTo("PREFERENCE_CENTRE"))
                .body("history[0].actor", equalTo("guest"))
                .body("history[0].sourceDetail", equalTo("email-verified"));
    }

    @Test
    void aHotelsAndTheTenantsConsentsFollowTheVerifiedAddressInTheirOwnScopes() throws Exception {
        // Tenant "scoped" keeps consent per hotel (test config): Zurich's PMS granted, Geneva's withdrew.
        String tenant = "scoped";
        String address = "scoped-change-" + UUID.randomUUID() + "@example.com";
        java.time.Instant before = java.time.Instant.now().minus(1, java.time.temporal.ChronoUnit.HOURS)
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        ScopeTest.pms(tenant, "ZRH1", address, true, before);
        ScopeTest.pms(tenant, "GVA1", address, false, before.plusSeconds(60));
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("current.size()", equalTo(2)));
        String cookie = session(preferencesLink(tenant, address));
        String csrf = csrfOf(page(cookie));
        // The guest's own choice in the centre is the tenant's.
        given().cookie("optout_session", cookie).redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).formParam("GUEST_SURVEY", "GRANTED").post("/preferences/choices").then().statusCode(303);

        String corrected = "scoped-new-" + UUID.randomUUID() + "@example.com";
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).formParam("email", corrected).post("/preferences/email").then().statusCode(200);
        String path = linkMailedTo(corrected);
        consents(tenant, corrected).body("current.size()", equalTo(0));
        given().post(path).then().statusCode(200).body(containsString("Your new address is confirmed"));

        // Every scope's state, in its own scope, said through the centre by the guest on the verified change.
        consents(tenant, corrected)
                .body("current.size()", equalTo(3))
                .body("current.find { it.scope == 'HOTEL:ZRH1' && it.purpose == 'MARKETING' }.status", equalTo("GRANTED"))
                .body("current.find { it.scope == 'HOTEL:GVA1' && it.purpose == 'MARKETING' }.status", equalTo("WITHDRAWN"))
                .body("current.find { it.scope == 'TENANT' && it.purpose == 'GUEST_SURVEY' }.status", equalTo("GRANTED"))
                .body("current.source.unique()", equalTo(List.of("PREFERENCE_CENTRE")))
                .body("history.size()", equalTo(3))
                .body("history.actor.unique()", equalTo(List.of("guest")))
                .body("history.sourceDetail.unique()", equalTo(List.of("email-verified")))
                .body("history.scope", org.hamcrest.Matchers.containsInAnyOrder("TENANT", "HOTEL:ZRH1", "HOTEL:GVA1"));
        assertEquals("GRANTED", ScopeTest.effective(ScopeTest.forHotel(tenant, corrected, "ZRH1")), "Zurich may still write");
        assertEquals("WITHDRAWN", ScopeTest.effective(ScopeTest.forHotel(tenant, corrected, "GVA1")), "Geneva may not");
        // On crm.consents under the hotels' own keys, naming their scope.
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<org.guestcrm.events.ConsentChanged> zurich = KafkaTestClients.<org.guestcrm.events.ConsentChanged>readAvro("crm.consents")
                    .stream().filter(r -> (tenant + ":EMAIL:MARKETING:HOTEL=ZRH1:" + corrected).equals(r.key()))
                    .map(ConsumerRecord::value).toList();
            List<org.guestcrm.events.ConsentChanged> geneva = KafkaTestClients.<org.guestcrm.events.ConsentChanged>readAvro("crm.consents")
                    .stream().filter(r -> (tenant + ":EMAIL:MARKETING:HOTEL=GVA1:" + corrected).equals(r.key()))
                    .map(ConsumerRecord::value).toList();
            assertEquals(1, zurich.size());
            assertEquals(org.guestcrm.events.ConsentStatus.GRANTED, zurich.get(0).getStatus());
            assertEquals("HOTEL=ZRH1", zurich.get(0).getScope());
            assertEquals("ZRH1", zurich.get(0).getHotelCode());
            assertEquals(org.guestcrm.events.ConsentSource.PREFERENCE_CENTRE, zurich.get(0).getSource());
            assertEquals(1, geneva.size());
            assertEquals(org.guestcrm.events.ConsentStatus.WITHDRAWN, geneva.get(0).getStatus());
            assertEquals("HOTEL=GVA1", geneva.get(0).getScope());
        });
        // The old address keeps its own states (the PMSs remove it when they apply the correction).
        consents(tenant, address).body("current.find { it.scope == 'HOTEL:ZRH1' }.status", equalTo("GRANTED"));
    }

    @Test
    void aBrandsConsentsFollowTheVerifiedAddressInTheirOwnScope() throws Exception {
        // Tenant "branded" keeps consent per brand (test config): ZRH1 is in lux and granted, GVA1 in eco and withdrew.
        String tenant = "branded";
        String address = "branded-change-" + UUID.randomUUID() + "@example.com";
        java.time.Instant before = java.time.Instant.now().minus(1, java.time.temporal.ChronoUnit.HOURS)
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        ScopeTest.pms(tenant, "ZRH1", address, true, before);
        ScopeTest.pms(tenant, "GVA1", address, false, before.plusSeconds(60));
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("current.size()", equalTo(2)));
        String cookie = session(preferencesLink(tenant, address));
        String csrf = csrfOf(page(cookie));
        String corrected = "branded-new-" + UUID.randomUUID() + "@example.com";
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).formParam("email", corrected).post("/preferences/email").then().statusCode(200);
        String path = linkMailedTo(corrected);
        consents(tenant, corrected).body("current.size()", equalTo(0));
        given().post(path).then().statusCode(200).body(containsString("Your new address is confirmed"));

        consents(tenant, corrected)
                .body("current.size()", equalTo(2))
                .body("current.find { it.scope == 'BRAND:lux' }.status", equalTo("GRANTED"))
                .body("current.find { it.scope == 'BRAND:eco' }.status", equalTo("WITHDRAWN"))
                .body("history.sourceDetail.unique()", equalTo(List.of("email-verified")));
        // ZRH2 is in lux too: it may write to the new address; GVA1 (eco) may not.
        assertEquals("GRANTED", ScopeTest.effective(ScopeTest.forHotel(tenant, corrected, "ZRH2")));
        assertEquals("WITHDRAWN", ScopeTest.effective(ScopeTest.forHotel(tenant, corrected, "GVA1")));
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<org.guestcrm.events.ConsentChanged> lux = KafkaTestClients.<org.guestcrm.events.ConsentChanged>readAvro("crm.consents")
                    .stream().filter(r -> (tenant + ":EMAIL:MARKETING:BRAND=lux:" + corrected).equals(r.key()))
                    .map(ConsumerRecord::value).toList();
            assertEquals(1, lux.size());
            assertEquals("BRAND=lux", lux.get(0).getScope());
            assertEquals(org.guestcrm.events.ConsentStatus.GRANTED, lux.get(0).getStatus());
        });
    }

    private static List<ContactDetailsUpdated> corrections(String tenant, String first, String second) {
        return KafkaTestClients.<ContactDetailsUpdated>readAvro("crm.contact-updates").stream()
                .filter(r -> r.key().equals(tenant + ":opera:" + first) || r.key().equals(tenant + ":mews:" + second))
                .map(ConsumerRecord::value).filter(u -> u.getReason() == ContactUpdateReason.GUEST_CORRECTION).toList();
    }

    /** The path of the verification link mailed to {@code address} (awaited in the SMTP server). */
    private static String linkMailedTo(String address) {
        String[] body = new String[1];
        await().atMost(PATIENCE).until(() -> {
            for (MimeMessage message : MailServer.shared().receivedMessages()) {
                if (message.getAllRecipients()[0].toString().equals(address)
                        && "Confirm your new e-mail address".equals(message.getSubject())) {
                    Object content = message.getContent();
                    body[0] = content instanceof String text ? text : String.valueOf(content);
                }
            }
            return body[0] != null;
        });
        Matcher link = LINK.matcher(body[0]);
        assertTrue(link.find(), "the mail holds the link under the public base URL: " + body[0].length());
        return link.group(1);
    }
}
