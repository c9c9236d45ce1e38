package org.guestcrm.desk.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The desk's figures per hotel and group against known data sent through Kafka (three requests in two hotels, one
 * booked; its confirmation sent by e-mail; an in-stay SMS; a bounced pre-stay e-mail that makes a document missing), as
 * JSON, as CSV and on the server-rendered page in a real headless Chromium (Selenium, Debian's chromium and
 * chromedriver). Real Kafka, registry and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class KpiFiguresTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String RESERVATIONS = Topic.PMS_RESERVATIONS.topicName();

    @TestHTTPResource("/")
    URI base;

    static Stay booked;
    static Stay open;
    static Stay munich;
    static String period;

    /** The known data, sent once for the class's tests (the first test waits until the figures count all of it). */
    @BeforeEach
    void knownData() {
        if (booked != null) {
            return;
        }
        Instant now = Instant.now();
        booked = Stay.unique("BERLIN");
        open = booked.withReservation(booked.reservationId() + "O");
        munich = new Stay(booked.tenant(), "MUNICH", booked.reservationId() + "M", "m-" + booked.email(), booked.arrival(),
                booked.departure());
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        period = "&from=" + today.minusDays(1) + "&to=" + today.plusDays(2);
        KafkaTestClients.sendAvro(RESERVATIONS, booked.key(), booked.snapshot(1, ReservationStatus.TENTATIVE, now));
        KafkaTestClients.sendAvro(RESERVATIONS, open.key(), open.snapshot(1, ReservationStatus.TENTATIVE, now));
        KafkaTestClients.sendAvro(RESERVATIONS, munich.key(), munich.snapshot(1, ReservationStatus.TENTATIVE, now));
        LeadFromReservationTest.awaitTasks(booked, l -> l.getList("id").size() == 1);
        KafkaTestClients.sendAvro(RESERVATIONS, booked.key(), booked.snapshot(2, ReservationStatus.CONFIRMED, now.plusSeconds(1)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> DocumentsTest.documents(booked)
                .getList("kind").contains("CONFIRMATION"));
        send(booked, "CONFIRMATION", CommunicationChannel.EMAIL, CommunicationStatus.SENT);
        send(open, "IN_STAY", CommunicationChannel.SMS, CommunicationStatus.SENT);
        send(munich, "PRE_STAY", CommunicationChannel.EMAIL, CommunicationStatus.BOUNCED);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            JsonPath k = kpis(Roles.VIEWER, "");
            return k.getInt("group.leadsReceived") == 3 && k.getInt("group.leadsBooked") == 1
                    && k.getInt("group.communicationsSent") == 2 && k.getInt("group.communicationsBounced") == 1
                    && k.getInt("group.documents.sent") == 1 && k.getInt("group.documents.missing") == 1;
        });
    }

    @Test
    void theFiguresPerHotelAndGroupAreTheKnownOnes() {
        JsonPath k = kpis(Roles.MARKETER, "");
        assertEquals(List.of("BERLIN", "MUNICH"), k.getList("hotels.hotelCode"));
        // The group: 3 leads, 1 booked; the booked one's tasks are done, the others' call-backs (and the bounce's
        // late-document task) pending.
        assertEquals(0.333, k.getDouble("group.conversionRate"), 1e-9);
        assertEquals(2, k.getInt("group.leadsOpen"));
        assertEquals(3, k.getInt("group.tasksOpenNow") + k.getInt("group.tasksOverdueNow"));
        assertEquals(List.of(Map.of("channel", "EMAIL", "sent", 1), Map.of("channel", "SMS", "sent", 1)),
                k.getList("group.messagesByChannel"));
        assertEquals(Map.of("due", 2, "sent", 1, "opened", 0, "missing", 1, "sentLate", 0, "notOwed", 0),
                k.getMap("group.documents"));
        // BERLIN: 2 leads, 1 booked (0.5); its confirmation (due 1 h after the booking) sent; e-mail and SMS sent.
        assertEquals(2, k.getInt("hotels[0].leadsReceived"));
        assertEquals(0.5, k.getDouble("hotels[0].conversionRate"), 1e-9);
        assertEquals(1, k.getInt("hotels[0].documents.due"));
        assertEquals(1, k.getInt("hotels[0].documents.sent"));
        assertEquals(2, k.getInt("hotels[0].communicationsSent"));
        // MUNICH: 1 lead, none booked; the bounced pre-stay mail is a missing document and a bounce.
        assertEquals(1, k.getInt("hotels[1].leadsReceived"));
        assertEquals(0.0, k.getDouble("hotels[1].conversionRate"), 1e-9);
        assertEquals(1, k.getInt("hotels[1].documents.missing"));
        assertEquals(1, k.getInt("hotels[1].communicationsBounced"));
        assertEquals(0, k.getInt("hotels[1].communicationsSent"));
        // Per day: today has the 3 leads and the 2 messages sent; the period's other days none.
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        List<Map<String, Object>> days = k.getList("days");
        assertEquals(3, days.size());
        Map<String, Object> day = days.stream().filter(d -> today.equals(d.get("day"))).findFirst().orElseThrow();
        assertEquals(3, day.get("leadsReceived"));
        assertEquals(1, day.get("leadsBooked"));
        assertEquals(2, day.get("communicationsSent"));
        assertEquals(3, days.stream().mapToInt(d -> (Integer) d.get("leadsReceived")).sum());
        assertTrue(k.getList("notComputedHere").stream().noneMatch(g -> g.toString().startsWith("reservations mirrored")),
                k.getList("notComputedHere").toString());
        assertEquals(3, k.getInt("group.reservations.known"), "the three requests the desk mirrors");
        assertTrue(k.getList("notComputedHere").stream().noneMatch(g -> g.toString().startsWith("feeds healthy")
                || g.toString().startsWith("revenue attributed")), "feeds and revenue by click are computed now");
        // One hotel asked for: the group is that hotel.
        JsonPath one = kpis(Roles.VIEWER, "&hotel=MUNICH");
        assertEquals(List.of("MUNICH"), one.getList("hotels.hotelCode"));
        assertEquals(1, one.getInt("group.leadsReceived"));
    }

    @Test
    void theFiguresExportAsCsvByAcceptOrFormat() {
        String path = "/api/v1/desk/kpis?tenant=" + booked.tenant() + period;
        String byAccept = given().auth().oauth2(Staff.token(Set.of(booked.tenant()), "v", Roles.VIEWER))
                .accept("text/csv").get(path).then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/csv")).extract().asString();
        String byFormat = given().auth().oauth2(Staff.token(Set.of(booked.tenant()), "v", Roles.VIEWER))
                .get(path + "&format=csv").then().statusCode(200).extract().asString();
        assertEquals(byAccept, byFormat);
        String[] lines = byAccept.split("\r\n");
        assertEquals(4, lines.length, byAccept);
        List<String> header = Arrays.asList(lines[0].split(",", -1));
        List<String> group = Arrays.asList(lines[1].split(",", -1));
        List<String> berlin = Arrays.asList(lines[2].split(",", -1));
        assertEquals("group", group.get(header.indexOf("scope")));
        assertEquals("3", group.get(header.indexOf("leadsReceived")));
        assertEquals("0.333", group.get(header.indexOf("conversionRate")));
        assertEquals("1", group.get(header.indexOf("messagesSentSMS")));
        assertEquals("1", group.get(header.indexOf("documentsMissing")));
        assertEquals("BERLIN", berlin.get(header.indexOf("hotel")));
        assertEquals("0.5", berlin.get(header.indexOf("conversionRate")));
        assertEquals("", berlin.get(header.indexOf("medianMinutesToAnswer")), "no answer yet: empty, not 0");
        given().auth().oauth2(Staff.token(Set.of(booked.tenant()), "v", Roles.VIEWER)).get(path + "&format=xml")
                .then().statusCode(400).body("invalidParams.name", org.hamcrest.Matchers.contains("format"));
        given().auth().oauth2(Staff.token(Set.of("other-" + booked.tenant()), "v", Roles.VIEWER)).get(path)
                .then().statusCode(404);
        given().get(path).then().statusCode(401);
    }

    @Test
    void thePageShowsTheFiguresInARealBrowser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100", "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try {
            browser.get(base.resolve("/desk/kpis").toString());
            // A token that is not the CRM's: the form again, with the reason.
            fill(browser, "not-a-token", today);
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("refusal")));
            assertTrue(browser.findElement(By.id("refusal")).getText().startsWith("The token was refused"));

            fill(browser, Staff.token(Set.of(booked.tenant()), "viewer-vera", Roles.VIEWER), today);
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("figures")));
            assertEquals("3", figure(browser, "group", "", "leadsReceived"));
            assertEquals("1", figure(browser, "group", "", "leadsBooked"));
            assertEquals("33.3 %", figure(browser, "group", "", "conversionRate"));
            assertEquals("50.0 %", figure(browser, "hotel", "BERLIN", "conversionRate"));
            assertEquals("0.0 %", figure(browser, "hotel", "MUNICH", "conversionRate"));
            assertEquals("1", figure(browser, "hotel", "MUNICH", "documentsMissing"));
            assertEquals("1", figure(browser, "hotel", "BERLIN", "documentsSent"));
            assertEquals("2", figure(browser, "group", "", "communicationsSent"));
            // The charts: bars per hotel (received, booked) and per day, labelled for assistive technology.
            List<WebElement> hotelBars = browser.findElements(By.cssSelector("#chart-hotels rect"));
            assertEquals(List.of("BERLIN: 2 leads received", "BERLIN: 1 booked", "MUNICH: 1 leads received", "MUNICH: 0 booked"),
                    hotelBars.stream().map(b -> b.getAttribute("aria-label")).toList());
            assertTrue(Integer.parseInt(hotelBars.get(0).getAttribute("height"))
                    > Integer.parseInt(hotelBars.get(1).getAttribute("height")), "2 received is a taller bar than 1 booked");
            assertTrue(browser.findElements(By.cssSelector("#chart-days rect")).stream()
                    .anyMatch(b -> (today + ": 3 leads received").equals(b.getAttribute("aria-label"))));
            assertEquals("1", browser.findElement(By.cssSelector("#channels tr[data-scope='group'][data-channel='SMS'] td[data-figure='sent']")).getText());
            assertEquals("Staff token (viewer, agent, marketer or admin)",
                    browser.findElement(By.cssSelector("label[for='token']")).getText().trim());
            screenshot(browser, "desk-kpis.png");
        } finally {
            browser.quit();
        }
        // The page's refusals without a browser: a token without a desk role, another tenant.
        given().formParam("token", Staff.token(Set.of(booked.tenant()), "o", Roles.OPS)).formParam("tenant", booked.tenant())
                .post("/desk/kpis").then().statusCode(403);
        given().formParam("token", Staff.token(Set.of("x-" + booked.tenant()), "o", Roles.VIEWER)).formParam("tenant", booked.tenant())
                .post("/desk/kpis").then().statusCode(404).body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("leadsReceived")));
        // The bearer header on a GET works like the pasted token.
        given().auth().oauth2(Staff.token(Set.of(booked.tenant()), "v", Roles.VIEWER))
                .get("/desk/kpis?tenant=" + booked.tenant() + period).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("data-figure=\"leadsReceived\">3<"));
    }

    private void fill(WebDriver browser, String token, LocalDate today) {
        WebElement tokenField = browser.findElement(By.id("token"));
        tokenField.clear();
        tokenField.sendKeys(token);
        for (String[] field : new String[][] {{"tenant", booked.tenant()}, {"from", today.minusDays(1).toString()},
                {"to", today.plusDays(2).toString()}}) {
            WebElement input = browser.findElement(By.id(field[0]));
            input.clear();
            input.sendKeys(field[1]);
        }
        browser.findElement(By.id("show")).click();
    }

    private static String figure(WebDriver browser, String scope, String hotel, String key) {
        return browser.findElement(By.cssSelector("#figures tr[data-scope='" + scope + "'][data-hotel='" + hotel
                + "'] td[data-figure='" + key + "']")).getText();
    }

    private JsonPath kpis(String role, String extra) {
        return Staff.as(booked.tenant(), role).get("/api/v1/desk/kpis?tenant=" + booked.tenant() + period + extra)
                .then().statusCode(200).extract().jsonPath();
    }

    static void send(Stay stay, String step, CommunicationChannel channel, CommunicationStatus status) {
        CommunicationEvent event = CommunicationEvent.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("CommunicationEvent")
                        .setOccurredAt(Instant.now()).setSource("journey-service").setTenantId(stay.tenant())
                        .setCorrelationId("corr-" + UUID.randomUUID()).build())
                .setCommunicationId(UUID.randomUUID())
                .setHotelCode(stay.hotelCode())
                .setPmsReservationId(stay.reservationId())
                .setStep(step)
                .setChannel(channel)
                .setStatus(status)
                .setReason(status == CommunicationStatus.BOUNCED ? "mailbox unknown" : null)
                .setTenantId(stay.tenant())
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_COMMUNICATIONS.topicName(), stay.key(), event);
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
