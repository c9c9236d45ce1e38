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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * Issue 10: the guest corrects a name and the language in the preference centre; the correction goes to every PMS
 * profile holding the contact point on crm.contact-updates in ContactDetailsUpdated's firstName, lastName and language
 * (a field left blank stays null: unchanged), through the real broker, registry and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class DetailsCorrectionTest {

    @Inject
    AgroalDataSource dataSource;

    private static io.restassured.specification.RequestSpecification form(String cookie) {
        return given().cookie("optout_session", cookie).redirects().follow(false)
                .contentType("application/x-www-form-urlencoded");
    }

    @Test
    void aCorrectedNameAndLanguageGoToEveryPmsProfileHoldingTheAddress() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String first = "PD-" + UUID.randomUUID();
        String address = subscribed(tenant, first);
        String second = "PD2-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "mews", second, 1L).setEmails(List.of(email(address, true))).build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("heldBy.size()", equalTo(2)));
        String cookie = session(preferencesLink(tenant, address));
        String html = page(cookie);
        assertTrue(html.contains("action=\"/preferences/details") && html.contains("name=\"firstName\"")
                && html.contains("<option value=\"fr\">Français</option>"), "the page offers the form");
        String csrf = csrfOf(html);

        // Without the session's CSRF token: 403, nothing published.
        form(cookie).formParam("firstName", "Annette").post("/preferences/details").then().statusCode(403);
        // Bad input: 400 naming the field, never echoing it.
        form(cookie).formParam("csrf", csrf).formParam("firstName", "<script>x</script>").post("/preferences/details")
                .then().statusCode(400).body(containsString("Enter a first name with letters only"))
                .body(not(containsString("<script>x")));
        form(cookie).formParam("csrf", csrf).formParam("language", "klingon").post("/preferences/details")
                .then().statusCode(400).body(containsString("Choose a language from the list")).body(not(containsString("klingon")));
        form(cookie).formParam("csrf", csrf).formParam("firstName", " ").formParam("lastName", "").post("/preferences/details")
                .then().statusCode(400).body(containsString("Fill in at least one field"));

        form(cookie).formParam("csrf", csrf).formParam("firstName", "  Anne-Marie ").formParam("lastName", "")
                .formParam("language", "fr").post("/preferences/details").then().statusCode(303)
                .header("Location", containsString("notice=detailsCorrected"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<ContactDetailsUpdated> updates = KafkaTestClients.<ContactDetailsUpdated>readAvro("crm.contact-updates").stream()
                    .filter(r -> r.key().equals(tenant + ":opera:" + first) || r.key().equals(tenant + ":mews:" + second))
                    .map(ConsumerRecord::value).filter(u -> u.getReason() == ContactUpdateReason.GUEST_CORRECTION).toList();
            assertEquals(2, updates.size(), "one per PMS profile holding the address");
            for (ContactDetailsUpdated update : updates) {
                assertEquals("Anne-Marie", update.getFirstName());
                assertNull(update.getLastName(), "a blank field is unchanged");
                assertEquals("fr", update.getLanguage());
                assertNull(update.getEmails(), "the e-mails are unchanged");
                assertNull(update.getMarketingFlags());
            }
        });
        given().cookie("optout_session", cookie).get("/preferences?notice=detailsCorrected").then().statusCode(200)
                .body(containsString("our hotels will update your details"));
        // The request is recorded with the fields corrected, never their values.
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select detail from guest_request where tenant = ? and kind = 'CORRECTION' order by requested_at desc")) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next());
                assertEquals("fields=firstName,language profiles=2", r.getString(1));
            }
        }
    }
}
