package org.guestcrm.optout.it;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;

/**
 * The preference centre in a real headless Chromium (Debian's chromium + chromium-driver, Selenium): the guest asks for
 * the link, reads the mail over IMAP from the real mail server, follows the link, withdraws marketing; the ledger and
 * crm.consents show it. Screenshots of each page go to docs/.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class PreferenceCentreBrowserTest {

    /** optout.links.public-base-url in the test profile: the links in mails start with it. */
    private static final String PUBLIC_BASE = "http://guest-links.test";
    private static final Pattern LINK = Pattern.compile(Pattern.quote(PUBLIC_BASE) + "(/p/[A-Za-z0-9._-]+\\?lang=(en|fr))");

    @TestHTTPResource("/")
    URI base;

    @Test
    void theGuestAsksForTheLinkReadsTheMailAndWithdrawsMarketingInARealBrowser() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = PreferenceCentreTest.subscribed(tenant, "W-" + UUID.randomUUID());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=420,900", "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        try {
            browser.get(base.resolve("/preferences/request?tenant=" + tenant + "&lang=en").toString());
            assertEquals("Manage your contact preferences", browser.findElement(By.id("title")).getText());
            screenshot(browser, "preferences-request-en.png");
            browser.findElement(By.id("email")).sendKeys(address);
            browser.findElement(By.id("send")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("message")));
            assertTrue(browser.findElement(By.id("message")).getText().startsWith("If this address is known to us"));
            screenshot(browser, "preferences-request-sent-en.png");

            String mailed = awaitMailText(address);
            Matcher link = LINK.matcher(mailed);
            assertTrue(link.find(), "the mail holds a preference-centre link under the public base URL");
            assertTrue(!link.group(1).contains(address) && !link.group(1).contains("%40"), "the link carries no address");

            browser.get(base.resolve(link.group(1)).toString());
            wait.until(ExpectedConditions.textToBe(By.id("title"), "Your contact preferences"));
            assertTrue(browser.getCurrentUrl().contains("/preferences"), "the token left the address bar: " + browser.getCurrentUrl());
            assertTrue(!browser.getCurrentUrl().contains("/p/"));
            assertEquals(address, browser.findElement(By.id("address")).getText());
            assertEquals("Yes", browser.findElement(By.id("MARKETING-state")).getText());
            assertTrue(browser.findElements(By.id("stays")).isEmpty(), "no guest on crm.guests: no stays to show");
            screenshot(browser, "preferences-en.png");

            browser.findElement(By.id("MARKETING-no")).click();
            browser.findElement(By.id("save")).click();
            wait.until(ExpectedConditions.textToBe(By.id("notice"), "Your choices are saved."));
            assertEquals("No", browser.findElement(By.id("MARKETING-state")).getText());
            screenshot(browser, "preferences-saved-en.png");
            PreferenceCentreTest.consents(tenant, address)
                    .body("current.find { it.purpose == 'MARKETING' }.status", equalTo("WITHDRAWN"))
                    .body("current.find { it.purpose == 'MARKETING' }.source", equalTo("PREFERENCE_CENTRE"));
            await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> assertTrue(
                    KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                            .filter(r -> (tenant + ":EMAIL:MARKETING:" + address).equals(r.key())).map(ConsumerRecord::value)
                            .anyMatch(c -> c.getSource() == org.guestcrm.events.ConsentSource.PREFERENCE_CENTRE
                                    && c.getStatus() == org.guestcrm.events.ConsentStatus.WITHDRAWN)));

            browser.findElement(By.id("switch-language-fr")).click();
            wait.until(ExpectedConditions.textToBe(By.id("title"), "Vos préférences de contact"));
            assertEquals("fr", browser.findElement(By.tagName("html")).getAttribute("lang"));
            assertEquals("Non", browser.findElement(By.id("MARKETING-state")).getText());
            screenshot(browser, "preferences-fr.png");
        } finally {
            browser.quit();
            service.stop();
        }
    }

    @Test
    void theCentreShowsTheGuestsNamesAndLanguageFromCrmGuestsAndTakesACorrectionInARealBrowser() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String pmsProfileId = "NM-" + UUID.randomUUID();
        String address = PreferenceCentreTest.subscribed(tenant, pmsProfileId);
        String guestId = "guest-" + UUID.randomUUID();
        guestUpdated(tenant, guestId, 1, address, "Zoë", "Müller");
        await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> io.restassured.RestAssured.given()
                .auth().oauth2(ErasureTest.token(tenant, "viewer")).queryParam("tenant", tenant)
                .get("/api/v1/consents/guests/" + guestId).then().statusCode(200));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=420,900", "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        try {
            // A link without ?lang: the page speaks the guest's language as crm.guests holds it (de-CH), not the browser's.
            browser.get(base.resolve("/p/" + PreferenceCentreTest.preferencesLink(tenant, address)).toString());
            wait.until(ExpectedConditions.textToBe(By.id("title"), "Ihre Kontakteinstellungen"));
            assertEquals("de", browser.findElement(By.tagName("html")).getAttribute("lang"));
            assertEquals("Zoë Müller", browser.findElement(By.id("held-name")).getText());
            assertEquals("Deutsch", browser.findElement(By.id("held-language")).getText());
            assertEquals("Zoë", browser.findElement(By.id("firstName")).getAttribute("value"));
            assertEquals("Müller", browser.findElement(By.id("lastName")).getAttribute("value"));
            assertEquals("de", new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("guestLanguage")))
                    .getFirstSelectedOption().getAttribute("value"));
            // The stays summary and interests crm.guests gave: the hotels of its PMS profiles and of the last stay.
            assertEquals("Ihre Aufenthalte", browser.findElement(By.id("stays-title")).getText());
            assertEquals("2", browser.findElement(By.id("stay-count")).getText());
            assertEquals("2026-05-03 in ZRH1", browser.findElement(By.id("last-stay")).getText());
            assertEquals("GVA1, ZRH1", browser.findElement(By.id("stay-hotels")).getText());
            assertEquals(List.of("interests", "pillow"), browser.findElements(By.cssSelector("#interests dt")).stream()
                    .map(org.openqa.selenium.WebElement::getText).toList());
            assertEquals("Spa, Wandern", browser.findElement(By.id("interest-1")).getText());
            assertEquals("fest", browser.findElement(By.id("interest-2")).getText());
            screenshot(browser, "preferences-de.png");

            // The guest corrects the last name only: the first name and language sent back as held are no correction.
            browser.findElement(By.id("lastName")).clear();
            browser.findElement(By.id("lastName")).sendKeys("Müller-Brandt");
            browser.findElement(By.id("correctDetails")).click();
            wait.until(ExpectedConditions.textToBe(By.id("notice"), "Danke: Unsere Hotels passen Ihre Angaben an."));
            await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> {
                List<ContactDetailsUpdated> updates = KafkaTestClients.<ContactDetailsUpdated>readAvro("crm.contact-updates")
                        .stream().filter(r -> r.key().equals(tenant + ":opera:" + pmsProfileId)).map(ConsumerRecord::value)
                        .filter(u -> u.getReason() == ContactUpdateReason.GUEST_CORRECTION).toList();
                assertEquals(1, updates.size());
                assertEquals("Müller-Brandt", updates.get(0).getLastName());
                assertNull(updates.get(0).getFirstName(), "unchanged");
                assertNull(updates.get(0).getLanguage(), "unchanged");
            });

            // The profile service's next record says what it holds now; the page shows it, in English when asked.
            guestUpdated(tenant, guestId, 2, address, "Zoë", "Müller-Brandt");
            await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> {
                browser.get(base.resolve("/preferences?lang=en").toString());
                assertEquals("Zoë Müller-Brandt", browser.findElement(By.id("held-name")).getText());
            });
            assertEquals("Your contact preferences", browser.findElement(By.id("title")).getText());
            assertEquals("Deutsch", browser.findElement(By.id("held-language")).getText());
            assertEquals("3", browser.findElement(By.id("stay-count")).getText(), "the newer record's stays");
            assertEquals("2026-06-10 at ZRH1", browser.findElement(By.id("last-stay")).getText());
            // The newer record's preferences (crm.guests GuestUpdated.preferences), on the page as they arrived.
            assertEquals(List.of("interests", "pillow", "room"), browser.findElements(By.cssSelector("#interests dt")).stream()
                    .map(org.openqa.selenium.WebElement::getText).toList());
            assertEquals("Spa, Wandern, Wein", browser.findElement(By.id("interest-1")).getText());
            assertEquals("hohe Etage", browser.findElement(By.id("interest-3")).getText());
            screenshot(browser, "preferences-stays-en.png");

            // Everywhere else the corrected name shows: the correction form is prefilled with it, and the guest's data
            // download (the page's own form, with the browser's session and the page's CSRF token) says it, with the
            // newer record's stays and the guest's contact point; the old last name is nowhere in it.
            assertEquals("Müller-Brandt", browser.findElement(By.id("lastName")).getAttribute("value"));
            assertEquals("Zoë", browser.findElement(By.id("firstName")).getAttribute("value"));
            String session = browser.manage().getCookieNamed("optout_session").getValue();
            String csrf = browser.findElement(By.cssSelector("form[action='/preferences/download'] input[name='csrf']"))
                    .getAttribute("value");
            io.restassured.response.ExtractableResponse<io.restassured.response.Response> download = io.restassured.RestAssured
                    .given().cookie("optout_session", session).contentType("application/x-www-form-urlencoded")
                    .accept("application/json").formParam("csrf", csrf).post("/preferences/download")
                    .then().statusCode(200).extract();
            io.restassured.path.json.JsonPath data = download.jsonPath();
            assertEquals("Zoë", data.getString("firstName"));
            assertEquals("Müller-Brandt", data.getString("lastName"));
            assertEquals(3, data.getInt("stays.count"));
            assertEquals("2026-06-10", data.getString("stays.lastDeparture"));
            assertEquals("Spa, Wandern, Wein", data.getString("interests.interests"));
            assertEquals(address, data.getString("contactPoint"));
            assertTrue(data.getList("guestContactPoints.value").contains(address), data.getList("guestContactPoints").toString());
            assertFalse(download.asString().contains("\"Müller\""), "the old last name is not in the download");
        } finally {
            browser.quit();
            service.stop();
        }
    }

    @Test
    void theGuestCorrectsAPhoneNumberInTheRegionOfTheirHotelAndThePostalAddressInARealBrowser() throws Exception {
        // Tenant "e164" reads national numbers as Swiss, its hotel PAR1 as French (test config); the guest's last stay
        // (crm.guests) was at PAR1.
        String tenant = ContactCorrectionTest.TENANT;
        String pmsProfileId = "PH-" + UUID.randomUUID();
        String national = ContactCorrectionTest.swissMobile("079");
        String oldKey = "+41" + national.substring(1);
        int number = java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 999);
        String address = ContactCorrectionTest.guest(pmsProfileId, national, "Bahnhofstrasse " + number)[0];
        String guestId = "guest-" + UUID.randomUUID();
        KafkaTestClients.sendAvro("crm.guests", guestId, GuestUpdated.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("GuestUpdated")
                        .setOccurredAt(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                        .setSource("profile-service").setTenantId(tenant).setCorrelationId(UUID.randomUUID().toString())
                        .setSchemaVersion(1).build())
                .setGuestId(guestId).setVersion(1).setFirstName("Lucie").setLastName("Martin").setLanguage("en")
                .setEmails(List.of(org.guestcrm.events.ContactPoint.newBuilder().setValue(address).build()))
                .setStayCount(1).setLastStayDeparture(java.time.LocalDate.of(2026, 9, 1)).setLastStayHotelCode("PAR1")
                .build());
        await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> {
            io.restassured.RestAssured.given().auth().oauth2(ErasureTest.token(tenant, "viewer")).queryParam("tenant", tenant)
                    .get("/api/v1/consents/guests/" + guestId).then().statusCode(200);
            PostalConsentTest.consents(tenant, oldKey).body("current.find { it.channel == 'SMS' }.status", equalTo("GRANTED"));
        });

        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=420,900", "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        try {
            browser.get(base.resolve("/p/" + PreferenceCentreTest.preferencesLink(tenant, address) + "?lang=en").toString());
            wait.until(ExpectedConditions.textToBe(By.id("title"), "Your contact preferences"));
            assertEquals(oldKey, browser.findElement(By.id("phone-1")).getText());
            // A number that is no valid one: the page names the field, the number is not shown back.
            browser.findElement(By.id("phone")).sendKeys("06 12");
            browser.findElement(By.id("correctPhone")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("error")));
            assertEquals("Enter a valid phone number (field: phone number).", browser.findElement(By.id("error")).getText());
            assertTrue(!browser.getPageSource().contains("06 12"));

            // A French national number, read in the region of the guest's hotel (PAR1: FR), replacing the Swiss one.
            browser.findElement(By.id("phone")).sendKeys("06 12 34 56 78");
            new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("phoneReplaces"))).selectByValue("1");
            browser.findElement(By.id("correctPhone")).click();
            wait.until(ExpectedConditions.textToBe(By.id("notice"),
                    "Thank you: our hotels will update your phone number. We send no offers to a new number until it is verified."));
            screenshot(browser, "preferences-phone-corrected-en.png");

            // The postal address.
            browser.findElement(By.id("line1")).sendKeys("Seestrasse " + number);
            browser.findElement(By.id("postalCode")).sendKeys("8002");
            browser.findElement(By.id("city")).sendKeys("Zürich");
            browser.findElement(By.id("countryCode")).sendKeys("CH");
            browser.findElement(By.id("correctAddress")).click();
            wait.until(ExpectedConditions.textToBe(By.id("notice"), "Thank you: our hotels will update your postal address."));
            screenshot(browser, "preferences-address-corrected-en.png");

            await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> {
                List<ContactDetailsUpdated> updates = ContactCorrectionTest.corrections(tenant + ":opera:" + pmsProfileId);
                assertEquals(2, updates.size());
                assertEquals(List.of("+33612345678"), updates.get(0).getPhones().stream()
                        .map(org.guestcrm.events.PhoneNumber::getNumber).toList());
                assertEquals(List.of("Seestrasse " + number), updates.get(1).getAddress().getLines());
                assertEquals("CH", updates.get(1).getAddress().getCountryCode());
            });
            // The Swiss number's SMS grant does not hold for the French one until it is verified (staff); the old
            // address's letters consent holds for the new address at once.
            PostalConsentTest.consents(tenant, "+33612345678")
                    .body("current.find { it.channel == 'SMS' }", org.hamcrest.Matchers.nullValue());
            PostalConsentTest.consents(tenant, "CH|8002|seestrasse " + number)
                    .body("current.find { it.channel == 'POST' }.status", equalTo("GRANTED"));
        } finally {
            browser.quit();
            service.stop();
        }
    }

    private static void guestUpdated(String tenant, String guestId, long version, String address, String first, String last) {
        KafkaTestClients.sendAvro("crm.guests", guestId, GuestUpdated.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("GuestUpdated")
                        .setOccurredAt(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                        .setSource("profile-service").setTenantId(tenant).setCorrelationId(UUID.randomUUID().toString())
                        .setSchemaVersion(1).build())
                .setGuestId(guestId).setVersion(version).setFirstName(first).setLastName(last).setLanguage("de-CH")
                .setEmails(List.of(org.guestcrm.events.ContactPoint.newBuilder().setValue(address).build()))
                // Version 1: two stays, the last at ZRH1 until 3 May; version 2: a third one, until 10 June.
                .setStayCount((int) version + 1)
                .setLastStayDeparture(version == 1 ? java.time.LocalDate.of(2026, 5, 3) : java.time.LocalDate.of(2026, 6, 10))
                .setLastStayHotelCode("ZRH1")
                .setSourceProfiles(List.of(org.guestcrm.events.SourceProfileRef.newBuilder().setPmsSystem("opera")
                        .setPmsProfileId("NM").setHotelCode("GVA1").build()))
                // Version 2: the profile service learnt more (an interest added, a new preference): shown as it arrives.
                .setPreferences(version == 1 ? java.util.Map.of("interests", "Spa, Wandern", "pillow", "fest")
                        : java.util.Map.of("interests", "Spa, Wandern, Wein", "pillow", "fest", "room", "hohe Etage"))
                .build());
    }

    /** The text of the first mail in the guest's INBOX, read over IMAP (login = password = the address). */
    private static String awaitMailText(String address) {
        String[] text = new String[1];
        await().atMost(PreferenceCentreTest.PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            Properties props = new Properties();
            props.put("mail.imap.host", "127.0.0.1");
            props.put("mail.imap.port", String.valueOf(MailServer.shared().imapPort()));
            Session session = Session.getInstance(props);
            Store store = session.getStore("imap");
            try {
                store.connect("127.0.0.1", MailServer.shared().imapPort(), address, address);
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                try {
                    Message[] messages = inbox.getMessages();
                    if (messages.length == 0) {
                        return false;
                    }
                    assertEquals("Your contact preferences", messages[0].getSubject());
                    Object content = messages[0].getContent();
                    text[0] = content instanceof String s ? s : String.valueOf(content);
                    return true;
                } finally {
                    inbox.close(false);
                }
            } catch (jakarta.mail.AuthenticationFailedException notYetDelivered) {
                return false;
            } finally {
                store.close();
            }
        });
        assertNotNull(text[0]);
        return text[0];
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
