package org.guestcrm.optout.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.platform.security.SignedLinks;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.LocalIdentity;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;

/**
 * RFC 8058 one-click unsubscribe through the real broker, registry and PostgreSQL: a signed link's GET only confirms,
 * its POST withdraws and publishes; forged and expired links get a clear page; the pages in a real headless Chromium.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class UnsubscribeTest {

    /** The test profile's throw-away key (application.properties, %test). */
    private static final String KEY_ID = "test-2026";
    private static final byte[] KEY = Base64.getDecoder().decode("U6g6szm0v4/osAMOrqihZYqtX+bwcwnGl7hVKAW3AMo=");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TestHTTPResource("/")
    java.net.URI base;

    private static SignedLinks signer(Clock clock) {
        return new SignedLinks(Map.of(KEY_ID, KEY), KEY_ID, clock);
    }

    /** The old subject form (the address itself), still honoured for links sent before opaque references. */
    private static String link(String tenant, String address, Duration validFor) {
        return signer(Clock.systemUTC()).sign("unsubscribe", tenant, "EMAIL:MARKETING:" + address, validFor);
    }

    /** The subject the journey-service signs now: the contact point's opaque reference. */
    private static String refLink(String tenant, String address, Duration validFor) {
        return signer(Clock.systemUTC()).sign("unsubscribe", tenant,
                "EMAIL:MARKETING:" + ContactPointRef.of(tenant, "EMAIL", address), validFor);
    }

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aLinkNamingTheContactPointByItsReferenceUnsubscribesAndTheAddressStaysOutOfThePage() {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = subscribed(tenant);
        String token = refLink(tenant, address, Duration.ofDays(30));
        assertFalse(token.contains(address.substring(0, 10)), "the token does not carry the address");

        given().get("/u/" + token).then().statusCode(200).body(containsString("One-Click")).body(not(containsString(address)))
                .header("X-Frame-Options", equalTo("DENY")).header("Referrer-Policy", equalTo("no-referrer"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
        consents(tenant, address).body("current[0].status", equalTo("GRANTED"));
        String done = given().contentType("application/x-www-form-urlencoded").formParam("List-Unsubscribe", "One-Click")
                .queryParam("t", token).post("/api/v1/unsubscribe").then().statusCode(200)
                .body(containsString("You are unsubscribed")).body(not(containsString(address))).extract().body().asString();
        // The done page leads on to the preference centre of the same contact point (a signed link, no address).
        java.util.regex.Matcher more = java.util.regex.Pattern.compile("id=\"preferences-link\" href=\"(/p/[^\"?]+)\\?lang=en\"")
                .matcher(done);
        assertTrue(more.find(), done);
        given().redirects().follow(false).get(more.group(1)).then().statusCode(303).header("Location", containsString("/preferences"));
        consents(tenant, address).body("current[0].status", equalTo("WITHDRAWN"))
                .body("current[0].source", equalTo("UNSUBSCRIBE_LINK"));
        String admin = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("admin"), Duration.ofMinutes(5), "auditor");
        given().auth().oauth2(admin).queryParam("tenant", tenant).get("/api/v1/guest-activity").then().statusCode(200)
                .body("action", org.hamcrest.Matchers.hasItem("unsubscribe:EMAIL:MARKETING:withdrawn"))
                .body("find { it.action.startsWith('unsubscribe') }.contactPointRef",
                        equalTo(ContactPointRef.of(tenant, "EMAIL", address)));
    }

    @Test
    void anUnknownReferenceOrAnotherTenantsReferenceAnswersExactlyLikeAnInvalidLink() {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = subscribed(tenant);
        String unknown = signer(Clock.systemUTC()).sign("unsubscribe", tenant,
                "EMAIL:MARKETING:" + ContactPointRef.of(tenant, "EMAIL", "nobody-" + UUID.randomUUID() + "@example.com"),
                Duration.ofDays(1));
        // This tenant's reference, signed for another tenant: names nothing there.
        String otherTenant = signer(Clock.systemUTC()).sign("unsubscribe", "tenant-" + UUID.randomUUID(),
                "EMAIL:MARKETING:" + ContactPointRef.of(tenant, "EMAIL", address), Duration.ofDays(1));
        // A phone channel with an e-mail's reference: refused too.
        String wrongChannel = signer(Clock.systemUTC()).sign("unsubscribe", tenant,
                "SMS:MARKETING:" + ContactPointRef.of(tenant, "EMAIL", address), Duration.ofDays(1));
        String invalidGet = given().get("/u/not-a-token").then().statusCode(400).extract().body().asString();
        String invalidPost = given().contentType("application/x-www-form-urlencoded").formParam("List-Unsubscribe", "One-Click")
                .post("/u/not-a-token").then().statusCode(400).extract().body().asString();
        for (String token : List.of(unknown, otherTenant, wrongChannel)) {
            assertEquals(invalidGet, given().get("/u/" + token).then().statusCode(400).extract().body().asString());
            assertEquals(invalidPost, given().contentType("application/x-www-form-urlencoded")
                    .formParam("List-Unsubscribe", "One-Click").post("/u/" + token).then().statusCode(400)
                    .extract().body().asString());
        }
        consents(tenant, address).body("current[0].status", equalTo("GRANTED")).body("history.size()", equalTo(1));
    }

    @Test
    void theMigrationsReferenceFunctionAgreesWithTheJavaReference() throws Exception {
        // V11 backfilled the references of rows held before it with this SQL function: it must give the same value.
        try (var connection = dataSource.getConnection();
                var select = connection.prepareStatement("select optout_contact_point_ref(?, ?, ?)")) {
            for (String[] cp : new String[][] {{"demo", "EMAIL", "anna@example.com"}, {"t-ü", "EMAIL", "zoë.müller@exämple.ch"},
                    {"demo", "PHONE", "+41791234567"}, {"a:b", "EMAIL", "x@y.z"}}) {
                select.setString(1, cp[0]);
                select.setString(2, cp[1]);
                select.setString(3, cp[2]);
                try (var row = select.executeQuery()) {
                    row.next();
                    assertEquals(ContactPointRef.of(cp[0], cp[1], cp[2]), row.getString(1));
                }
            }
        }
    }

    private static ValidatableResponse consents(String tenant, String address) {
        String token = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("viewer"), Duration.ofMinutes(5), "test-viewer");
        return given().auth().oauth2(token).queryParam("tenant", tenant).queryParam("contactPoint", address)
                .get("/api/v1/consents").then();
    }

    private static String subscribed(String tenant) {
        String address = "guest-" + UUID.randomUUID() + "@example.com";
        GuestProfiles.send(profile(tenant, "opera", "U-" + UUID.randomUUID(), 1L)
                .setEmails(List.of(email(address, true)))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(true).build())
                .setPmsUpdatedAt(Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS))
                .build());
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, address).body("current[0].status", equalTo("GRANTED")));
        return address;
    }

    @Test
    void getConfirmsOnlyAndOneClickPostUnsubscribesAndPublishes() {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = subscribed(tenant);
        String token = link(tenant, address, Duration.ofDays(30));

        given().get("/u/" + token).then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("List-Unsubscribe")).body(containsString("One-Click"));
        consents(tenant, address).body("current[0].status", equalTo("GRANTED"));

        given().contentType("application/x-www-form-urlencoded").formParam("List-Unsubscribe", "One-Click")
                .post("/u/" + token).then().statusCode(200).body(containsString("You are unsubscribed"));
        consents(tenant, address)
                .body("current[0].status", equalTo("WITHDRAWN"))
                .body("current[0].source", equalTo("UNSUBSCRIBE_LINK"))
                .body("history[1].actor", equalTo("guest"))
                .body("history[1].sourceDetail", equalTo("link-key:" + KEY_ID));
        // Repeated (mail providers retry), here in the journey-service's link form: 200 again, no second ledger entry.
        given().queryParam("t", token).get("/api/v1/unsubscribe").then().statusCode(200).body(containsString("One-Click"));
        given().contentType("application/x-www-form-urlencoded").formParam("List-Unsubscribe", "One-Click")
                .queryParam("t", token).post("/api/v1/unsubscribe").then().statusCode(200);
        given().get("/api/v1/unsubscribe").then().statusCode(400).body(containsString("This link is not valid"));
        consents(tenant, address).body("history.size()", equalTo(2));
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsentChanged changed = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:" + address).equals(r.key()))
                    .map(ConsumerRecord::value)
                    .filter(c -> c.getSource() == org.guestcrm.events.ConsentSource.UNSUBSCRIBE_LINK)
                    .findFirst().orElse(null);
            assertNotNull(changed);
            assertEquals(org.guestcrm.events.ConsentStatus.WITHDRAWN, changed.getStatus());
        });
    }

    @Test
    void thePagesSpeakGermanFromTheBrowsersLanguageAndSwitchToTheOtherLanguages() {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = subscribed(tenant);
        String token = link(tenant, address, Duration.ofDays(30));

        // Accept-Language de-CH: the German texts of guest-texts/unsubscribe_de.properties, links to English and French.
        given().header("Accept-Language", "de-CH,de;q=0.9,en;q=0.5").get("/u/" + token).then().statusCode(200)
                .body(containsString("<html lang=\"de\">")).body(containsString("Von Werbenachrichten abmelden"))
                .body(containsString(">Abmelden</button>"))
                .body(containsString("href=\"/u/" + token + "?lang=en\""))
                .body(containsString("href=\"/u/" + token + "?lang=fr\""))
                .body(not(containsString("?lang=de\" hreflang")));
        given().header("Accept-Language", "de").contentType("application/x-www-form-urlencoded")
                .formParam("List-Unsubscribe", "One-Click").post("/u/" + token).then().statusCode(200)
                .body(containsString("Sie sind abgemeldet"));
        consents(tenant, address).body("current[0].status", equalTo("WITHDRAWN"));
        given().get("/u/" + token + "?lang=de").then().statusCode(200).body(containsString("Abmelden"));
        given().get("/u/not-a-token?lang=de").then().statusCode(400).body(containsString("Dieser Link ist nicht gültig"));
        // A language not offered (Italian) is English.
        given().header("Accept-Language", "it").get("/u/" + token).then().statusCode(200)
                .body(containsString("Unsubscribe from marketing messages"));
    }

    @Test
    void forgedExpiredAndNonOneClickRequestsGetAClearPageAndChangeNothing() {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = subscribed(tenant);
        String token = link(tenant, address, Duration.ofDays(30));
        String forged = token.substring(0, token.length() - 3) + (token.endsWith("AAA") ? "BBB" : "AAA");
        String otherKey = new SignedLinks(Map.of("other", new byte[32]), "other", Clock.systemUTC())
                .sign("unsubscribe", tenant, "EMAIL:MARKETING:" + address, Duration.ofDays(1));
        String expired = signer(Clock.offset(Clock.systemUTC(), Duration.ofDays(-10)))
                .sign("unsubscribe", tenant, "EMAIL:MARKETING:" + address, Duration.ofDays(1));
        String wrongScope = signer(Clock.systemUTC()).sign("preferences", tenant, "EMAIL:MARKETING:" + address, Duration.ofDays(1));
        for (String bad : List.of(forged, otherKey, wrongScope, "not-a-token")) {
            given().contentType("application/x-www-form-urlencoded").formParam("List-Unsubscribe", "One-Click")
                    .post("/u/" + bad).then().statusCode(400).contentType(containsString("text/html"))
                    .body(containsString("This link is not valid")).body(not(containsString("Exception")));
            given().get("/u/" + bad).then().statusCode(400).body(not(containsString("at org.")));
        }
        given().header("Accept-Language", "fr-CH,fr;q=0.9,en;q=0.5").get("/u/" + expired).then().statusCode(410)
                .body(containsString("Ce lien a expiré"));
        given().contentType("application/x-www-form-urlencoded").formParam("List-Unsubscribe", "Maybe")
                .post("/u/" + token).then().statusCode(400);
        consents(tenant, address).body("current[0].status", equalTo("GRANTED")).body("history.size()", equalTo(1));
    }

    @Test
    void theConfirmationPageWorksInARealBrowserInFrench() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = subscribed(tenant);
        String token = link(tenant, address, Duration.ofDays(30));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=420,760", "--lang=fr");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(base.resolve("/u/" + token + "?lang=fr").toString());
            assertEquals("Se désabonner des messages marketing", browser.findElement(By.id("title")).getText());
            assertEquals("fr", browser.findElement(By.tagName("html")).getAttribute("lang"));
            screenshot(browser, "unsubscribe-confirm-fr.png");
            browser.findElement(By.id("confirm")).click();
            // The form posts and a new page loads: wait for it (the old page's title goes stale meanwhile).
            new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(20)).until(
                    org.openqa.selenium.support.ui.ExpectedConditions.textToBe(By.id("title"), "Vous êtes désabonné(e)"));
            assertEquals("Vous êtes désabonné(e)", browser.findElement(By.id("title")).getText());
            screenshot(browser, "unsubscribe-done-fr.png");
            consents(tenant, address).body("current[0].status", equalTo("WITHDRAWN"));
            browser.get(base.resolve("/u/" + token + "?lang=en").toString());
            assertEquals("Unsubscribe from marketing messages", browser.findElement(By.id("title")).getText());
            screenshot(browser, "unsubscribe-confirm-en.png");
            browser.get(base.resolve("/u/v1.x.y.z").toString());
            screenshot(browser, "unsubscribe-invalid-en.png");
        } finally {
            browser.quit();
            service.stop();
        }
    }

    private static String executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not on the PATH: install Debian's chromium and chromium-driver");
    }

    private static void screenshot(WebDriver browser, String file) throws java.io.IOException {
        Path docs = Path.of("docs");
        Files.createDirectories(docs);
        Files.write(docs.resolve(file), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
