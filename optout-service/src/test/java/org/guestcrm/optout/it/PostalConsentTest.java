package org.guestcrm.optout.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.events.PostalAddress;
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
 * The POST channel through Kafka and PostgreSQL: a PMS profile's {@code postOptIn} becomes POST consent of its postal
 * address, keyed by the platform's postal key; an incomplete address records nothing and is counted; the consent API
 * finds the address by its key typed in another spelling; the preference centre shows the letters' consent and takes
 * the guest's choice, written back to the PMS as {@code postOptIn}.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class PostalConsentTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Pattern COUNTER = Pattern.compile("(?m)^optout_postal_addresses_without_key_total(?:\\{[^}]*\\})? ([0-9.E+-]+)$");

    @Inject
    AgroalDataSource dataSource;

    static PostalAddress address(String line, String postcode, String country) {
        return PostalAddress.newBuilder().setType("HOME").setLines(line == null ? List.of() : List.of(line)).setCity("Zürich")
                .setPostalCode(postcode).setCountryCode(country).setPrimary(true).build();
    }

    static ValidatableResponse consents(String tenant, String contactPoint) {
        String token = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("viewer"), Duration.ofMinutes(5), "test-viewer");
        return given().auth().oauth2(token).queryParam("tenant", tenant).queryParam("contactPoint", contactPoint)
                .get("/api/v1/consents").then();
    }

    static double addressesWithoutKey() {
        String token = LocalIdentity.forTests().mint(Set.of("*"), Set.of("ops"), Duration.ofMinutes(5), "test-ops");
        String metrics = given().auth().oauth2(token).get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = COUNTER.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void postOptInIsPostConsentOfTheKeyedAddressAndAnIncompleteAddressIsCountedNotRecorded() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String pmsProfileId = "POST-" + UUID.randomUUID();
        String key = "CH|8001|bahnhofstrasse 1";
        double before = addressesWithoutKey();
        GuestProfiles.send(profile(tenant, "opera", pmsProfileId, 1L)
                .setAddresses(List.of(address("Bahnhofstraße 1", "8001", "CH"), address("Seestrasse 5", null, "CH")))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setPostOptIn(true).build())
                .setPmsUpdatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build());

        // Typed in another spelling, the key is the same.
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, "ch|8001|Bahnhofstrasse, 1").statusCode(200)
                .body("current", hasSize(1)));
        consents(tenant, "ch|8001|Bahnhofstrasse, 1")
                .body("contactPoint", equalTo(key)).body("kind", equalTo("POSTAL"))
                .body("current[0].channel", equalTo("POST")).body("current[0].purpose", equalTo("MARKETING"))
                .body("current[0].status", equalTo("GRANTED")).body("current[0].source", equalTo("PMS"))
                .body("heldBy[0].pmsProfileId", equalTo(pmsProfileId));
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsentChanged changed = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":POST:MARKETING:" + key).equals(r.key())).map(ConsumerRecord::value)
                    .findFirst().orElse(null);
            assertNotNull(changed, "ConsentChanged for the letters on crm.consents");
            assertEquals(org.guestcrm.events.ConsentChannel.POST, changed.getChannel());
            assertEquals(org.guestcrm.events.ConsentStatus.GRANTED, changed.getStatus());
            assertEquals(key, changed.getContactPoint());
        });
        // The address without a postcode: no contact point, no consent; counted.
        try (var connection = dataSource.getConnection();
                var select = connection.prepareStatement("""
                        select c.value from profile_contact_point c join source_profile p on p.id = c.source_profile_id
                        where p.tenant = ? and p.pms_profile_id = ? and c.kind = 'POSTAL'""")) {
            select.setString(1, tenant);
            select.setString(2, pmsProfileId);
            try (var rows = select.executeQuery()) {
                assertTrue(rows.next());
                assertEquals(key, rows.getString(1));
                assertFalse(rows.next(), "the incomplete address is not a contact point");
            }
        }
        assertTrue(addressesWithoutKey() >= before + 1, "the incomplete address is counted");
        consents(tenant, "CH||Seestrasse 5").statusCode(400)
                .body("invalidParams[0].name", equalTo("contactPoint"));

        // doNotContact, newer: the letters are withdrawn too.
        GuestProfiles.send(profile(tenant, "opera", pmsProfileId, 2L)
                .setAddresses(List.of(address("Bahnhofstraße 1", "8001", "CH")))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setPostOptIn(true).setDoNotContact(true).build())
                .setPmsUpdatedAt(Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS))
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, key).body("current[0].status", equalTo("WITHDRAWN")));
    }

    @Test
    void thePreferenceCentreShowsTheLettersConsentAndTakesTheGuestsChoiceWrittenBackAsPostOptIn() {
        String tenant = "tenant-" + UUID.randomUUID();
        String pmsProfileId = "POSTPC-" + UUID.randomUUID();
        String mail = "post-" + UUID.randomUUID() + "@example.com";
        String key = "FR|75001|12 rue de l elysee";
        GuestProfiles.send(profile(tenant, "mews", pmsProfileId, 1L)
                .setEmails(List.of(email(mail, true)))
                .setAddresses(List.of(address("12, rue de l'Élysée", "75001", "FR")))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).setPostOptIn(true).build())
                .setPmsUpdatedAt(Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS))
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, key).body("current[0].status", equalTo("GRANTED")));

        String cookie = PreferenceCentreTest.session(PreferenceCentreTest.preferencesLink(tenant, mail));
        String html = PreferenceCentreTest.page(cookie);
        assertTrue(html.contains("id=\"post\""), "the page has the letters' table");
        assertTrue(html.contains("12 rue de l elysee, 75001, FR"), html);
        assertTrue(html.contains("id=\"post-1-state\">Yes<"), "granted by the PMS");

        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", PreferenceCentreTest.csrfOf(html)).formParam("POST", "SOMETIMES")
                .post("/preferences/choices").then().statusCode(400);
        given().cookie("optout_session", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", PreferenceCentreTest.csrfOf(html)).formParam("POST", "WITHDRAWN")
                .redirects().follow(false).post("/preferences/choices").then().statusCode(303);
        consents(tenant, key).body("current[0].status", equalTo("WITHDRAWN"))
                .body("current[0].source", equalTo("PREFERENCE_CENTRE"));
        // The e-mail is untouched.
        consents(tenant, mail).body("current[0].status", equalTo("GRANTED"));
        assertTrue(PreferenceCentreTest.page(cookie).contains("id=\"post-1-state\">No<"));

        await().atMost(PATIENCE).untilAsserted(() -> {
            ContactDetailsUpdated update = KafkaTestClients.<ContactDetailsUpdated>readAvro("crm.contact-updates").stream()
                    .filter(r -> (tenant + ":mews:" + pmsProfileId).equals(r.key())).map(ConsumerRecord::value)
                    .filter(u -> u.getMarketingFlags() != null && Boolean.FALSE.equals(u.getMarketingFlags().getPostOptIn()))
                    .findFirst().orElse(null);
            assertNotNull(update, "postOptIn=false written back to the PMS profile");
            assertEquals(ContactUpdateReason.OPT_OUT, update.getReason());
            assertEquals(null, update.getMarketingFlags().getEmailOptIn());
        });
        given().cookie("optout_session", cookie).get("/preferences?lang=fr").then().statusCode(200)
                .body(containsString("Offres et nouvelles par courrier"));
    }
}
