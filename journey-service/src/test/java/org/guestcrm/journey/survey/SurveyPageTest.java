package org.guestcrm.journey.survey;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.events.SurveyAnswered;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.platform.security.SignedLinks;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
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

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

/**
 * The post-stay survey through every real part: a booking through Kafka, its POST_STAY_SURVEY mailed (GreenMail) with
 * a signed link, the page opened and answered in a real headless Chromium (Selenium; Debian's chromium +
 * chromium-driver), errors named per field, the answer stored and published as SurveyAnswered on
 * crm.survey-responses, changed (revision 2), bad input refused with 400, expired and altered links refused.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class SurveyPageTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern SURVEY_LINK = Pattern.compile("http://localhost:8083(/survey/[A-Za-z0-9._-]+)");

    @TestHTTPResource("/")
    URI base;

    @Inject
    EntityManager entityManager;

    @Test
    void theGuestAnswersTheSurveyFromTheMailInARealBrowserAndChangesTheAnswer() throws Exception {
        Booking booking = Booking.unique();
        UUID survey = surveyMailed(booking);
        String path = surveyPathFromMail(booking.email());

        WebDriver browser = null;
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
        try {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(executable("chromium"));
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=420,1400",
                    "--lang=en");
            browser = new ChromeDriver(service, options);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get(base.resolve(path).toString());
            assertEquals("How was your stay at Hotel Seeblick?", browser.findElement(By.id("title")).getText());
            assertEquals("en", browser.findElement(By.tagName("html")).getAttribute("lang"));
            assertEquals(11, browser.findElements(By.name("score")).size(), "0 to 10");
            for (String aspect : List.of("room", "cleanliness", "staff", "breakfast", "value")) {
                assertEquals(6, browser.findElements(By.name("rating." + aspect)).size(), aspect + ": none and 1-5");
            }
            // Every control has its label (accessible without sight or a mouse).
            assertEquals("Value for money", browser.findElement(By.cssSelector("#rating-value > legend")).getText());
            assertEquals("comment", browser.findElement(By.cssSelector("label[for=comment]")).getAttribute("for"));
            screenshot(browser, "survey-en.png");

            // No score and a comment of 2,001 characters: the page names both fields and keeps what was typed.
            browser.findElement(By.id("rating-room-4")).click();
            browser.findElement(By.id("comment")).sendKeys("x".repeat(2001));
            browser.findElement(By.id("send")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("errors")));
            List<String> errors = browser.findElements(By.cssSelector("#errors li a")).stream()
                    .map(e -> e.getAttribute("data-field")).toList();
            assertEquals(List.of("score", "comment"), errors);
            String summary = browser.findElement(By.id("errors")).getText();
            assertTrue(summary.contains("Recommendation (0-10) (score): choose a score from 0 to 10."), summary);
            assertTrue(summary.contains("Comment (comment): the comment may be at most 2,000 characters."), summary);
            assertEquals("true", browser.findElement(By.id("score")).getAttribute("aria-invalid"));
            assertEquals("true", browser.findElement(By.id("comment")).getAttribute("aria-invalid"));
            assertTrue(browser.findElement(By.id("rating-room-4")).isSelected(), "the rating given is kept");
            assertEquals(2001, browser.findElement(By.id("comment")).getAttribute("value").length());
            screenshot(browser, "survey-errors-en.png");
            assertTrue(answers(survey).isEmpty(), "nothing stored for a refused answer");

            browser.findElement(By.id("score-9")).click();
            browser.findElement(By.id("rating-staff-5")).click();
            WebElement comment = browser.findElement(By.id("comment"));
            comment.clear();
            comment.sendKeys("Lovely lake view, très calme.");
            browser.findElement(By.id("send")).click();
            wait.until(ExpectedConditions.textToBe(By.id("title"), "Thank you!"));
            screenshot(browser, "survey-saved-en.png");

            SurveyAnswered first = awaitAnswer(survey, 1);
            assertEquals(9, first.getScore());
            assertEquals(Map.of("room", 4, "staff", 5), first.getRatings());
            assertEquals("Lovely lake view, très calme.", first.getComment());
            assertEquals(booking.tenant(), first.getTenantId());
            assertEquals("SEEBLICK", first.getHotelCode());
            assertEquals(booking.reservationId(), first.getPmsReservationId());
            assertEquals("en", first.getLanguage());
            assertEquals(List.of(List.of(1, 9)), answers(survey));

            // Back with the same link: the answer is shown and can be changed.
            browser.findElement(By.id("change")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("answered-before")));
            assertTrue(browser.findElement(By.id("score-9")).isSelected());
            assertTrue(browser.findElement(By.id("rating-staff-5")).isSelected());
            assertEquals("Lovely lake view, très calme.", browser.findElement(By.id("comment")).getAttribute("value"));
            assertEquals("Change my answer", browser.findElement(By.id("send")).getText());
            browser.findElement(By.id("score-10")).click();
            browser.findElement(By.id("rating-room-none")).click();
            browser.findElement(By.id("send")).click();
            wait.until(ExpectedConditions.textToBe(By.id("title"), "Thank you!"));
            SurveyAnswered second = awaitAnswer(survey, 2);
            assertEquals(first.getResponseId(), second.getResponseId(), "one response, a new revision");
            assertEquals(10, second.getScore());
            assertEquals(Map.of("staff", 5), second.getRatings());
            assertEquals(List.of(List.of(2, 10)), answers(survey), "one row, revision 2");

            // French from the page's language links.
            browser.findElement(By.id("change")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("lang-fr")));
            browser.findElement(By.id("lang-fr")).click();
            wait.until(ExpectedConditions.textToBe(By.id("title"), "Comment s'est passé votre séjour à Hotel Seeblick ?"));
            assertEquals("fr", browser.findElement(By.tagName("html")).getAttribute("lang"));
            assertEquals("Modifier ma réponse", browser.findElement(By.id("send")).getText());
            screenshot(browser, "survey-fr.png");
        } finally {
            if (browser != null) {
                browser.quit();
            }
            service.stop();
        }
    }

    @Test
    void badAnswersAre400NamingTheFieldAndBadLinksAreRefusedWithAPage() throws Exception {
        Booking booking = Booking.unique();
        UUID survey = surveyMailed(booking);
        String path = surveyPathFromMail(booking.email());

        given().get(path).then().statusCode(200)
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .body(not(containsString("<script")));
        given().formParam("score", "11").post(path).then().statusCode(400)
                .body(containsString("data-field=\"score\""))
                .body(containsString("the score must be a whole number from 0 to 10."));
        given().formParam("score", "5").formParam("rating.room", "0").post(path).then().statusCode(400)
                .body(containsString("data-field=\"rating.room\""))
                .body(containsString("Rating of Room (rating.room): a rating must be from 1 to 5."));
        given().formParam("score", "5").formParam("rating.spa", "3").post(path).then().statusCode(400)
                .body(containsString("data-field=\"rating.spa\""))
                .body(containsString("Rating rating.spa: this hotel does not ask about this."));
        given().formParam("score", "5").formParam("comment", "y".repeat(2001)).post(path).then().statusCode(400)
                .body(containsString("data-field=\"comment\""));
        given().formParam("score", "7").formParam("comment", "é".repeat(2000)).formParam("lang", "de")
                .contentType("application/x-www-form-urlencoded; charset=UTF-8").post(path).then().statusCode(200)
                .body(containsString("Vielen Dank!"));
        // Bodies that do not decode as a form (found by ./crm fuzz at the opt-out's forms): 400 naming the body, and
        // an unknown charset 415 naming Content-Type, never a 500.
        given().contentType("application/x-www-form-urlencoded").body("score=%zz").post(path).then().statusCode(400)
                .contentType(containsString("application/problem+json")).body(containsString("body"));
        // (sent with the JDK's client: REST Assured will not encode a form in a charset it does not know)
        java.net.http.HttpResponse<String> unknownCharset = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/x-www-form-urlencoded; charset=klingon")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("score=5")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(415, unknownCharset.statusCode(), unknownCharset::body);
        assertTrue(unknownCharset.body().contains("Content-Type"), unknownCharset::body);
        assertEquals(List.of(List.of(1, 7)), answers(survey), "only the valid answer is stored");
        assertEquals(2000, awaitAnswer(survey, 1).getComment().length());

        String token = path.substring("/survey/".length());
        // A character inside the signature, not the last one: base64url's last character carries unused bits, so
        // changing it could leave the signature's bytes as they were (the test then failed now and then).
        int at = token.length() - 5;
        String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
        given().get("/survey/" + tampered).then().statusCode(400).body(containsString("This survey link is not valid"));
        given().formParam("score", "3").post("/survey/" + tampered).then().statusCode(400)
                .body(containsString("This survey link is not valid"));
        given().get("/survey/not-a-token").then().statusCode(400);
        SignedLinks links = SignedLinks.fromConfig();
        String expired = links.sign(new SignedLinks.Grant("survey", booking.tenant(), survey.toString(),
                Instant.now().minusSeconds(60)));
        given().get("/survey/" + expired).then().statusCode(410).body(containsString("This survey link has expired"));
        given().formParam("score", "3").post("/survey/" + expired).then().statusCode(410);
        String otherScope = links.sign("unsubscribe", booking.tenant(), survey.toString(), Duration.ofDays(1));
        given().get("/survey/" + otherScope).then().statusCode(400);
        String otherTenant = links.sign("survey", "tenant-other", survey.toString(), Duration.ofDays(1));
        given().get("/survey/" + otherTenant).then().statusCode(404)
                .body(containsString("This survey is not available"));
        UUID confirmation = UUID.fromString(Staff.viewer(booking.tenant()).get(booking.communicationsPath()).jsonPath()
                .getString("find { it.step == 'CONFIRMATION' }.id"));
        given().get("/survey/" + links.sign("survey", booking.tenant(), confirmation.toString(), Duration.ofDays(1)))
                .then().statusCode(404);
        assertEquals(List.of(List.of(1, 7)), answers(survey), "refused links changed nothing");

        // The guest's erasure (crm.erasures, by the e-mail's reference) forgets the comment; the score stays.
        KafkaTestClients.sendAvro(Topic.CRM_ERASURES.topicName(), booking.tenant() + ":x",
                org.guestcrm.events.ErasureRequested.newBuilder()
                        .setMetadata(org.guestcrm.events.EventMetadata.newBuilder().setEventId(UUID.randomUUID())
                                .setEventType("ErasureRequested").setOccurredAt(Instant.now()).setSource("test")
                                .setTenantId(booking.tenant()).setCorrelationId("corr-" + UUID.randomUUID())
                                .setCausationId(null).setSchemaVersion(1).build())
                        .setErasureId(UUID.randomUUID()).setGuestId(null)
                        .setContactPointRefs(List.of(org.guestcrm.platform.domain.ContactPointRef.of(booking.tenant(),
                                "EMAIL", booking.email().toLowerCase())))
                        .setSourceProfiles(List.of()).setRequestedBy(org.guestcrm.events.ErasureRequester.GUEST)
                        .setConfirmedAt(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).build());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> entityManager.createNativeQuery("SELECT comment FROM survey_response WHERE communication_id = :id "
                        + "AND comment IS NULL").setParameter("id", survey).getResultList().size() == 1));
        assertEquals(List.of(List.of(1, 7)), answers(survey), "the score and revision stay");
    }

    @Test
    void staffSeeTheTenantsSurveyAnswersNewestFirstPageByPageAndOnlyTheirTenant() {
        Booking first = Booking.unique();
        Booking second = new Booking(first.tenant(), "ALPHORN", first.reservationId() + "b",
                "second-" + first.email());
        Booking third = new Booking(first.tenant(), "SEEBLICK", first.reservationId() + "c",
                "third-" + first.email());
        UUID firstSurvey = surveyMailed(first);
        given().formParam("score", "6").formParam("comment", "Noisy street.").post(surveyPathFromMail(first.email()))
                .then().statusCode(200);
        UUID secondSurvey = surveyMailed(second);
        given().formParam("score", "9").formParam("rating.staff", "5").post(surveyPathFromMail(second.email()))
                .then().statusCode(200);
        UUID thirdSurvey = surveyMailed(third);
        given().formParam("score", "10").post(surveyPathFromMail(third.email())).then().statusCode(200);
        String answers = "/api/v1/survey-answers/" + first.tenant();

        JsonPath page0 = Staff.as(first.tenant(), "marketer").queryParam("size", "2").get(answers)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(thirdSurvey.toString(), secondSurvey.toString()), page0.getList("answers.communicationId"),
                "newest answer first");
        assertEquals(List.of(10, 9), page0.getList("answers.score"));
        assertEquals(List.of("SEEBLICK", "ALPHORN"), page0.getList("answers.hotelCode"));
        assertEquals(5, page0.getInt("answers[1].ratings.staff"));
        assertEquals(1, page0.getInt("nextPage"));
        assertEquals(2, page0.getInt("size"));

        JsonPath page1 = Staff.as(first.tenant(), "agent").queryParam("size", "2").queryParam("page", "1").get(answers)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(firstSurvey.toString()), page1.getList("answers.communicationId"));
        assertEquals("Noisy street.", page1.getString("answers[0].comment"));
        assertEquals(first.reservationId(), page1.getString("answers[0].pmsReservationId"));
        assertEquals(1, page1.getInt("answers[0].revision"));
        assertNull(page1.get("nextPage"), "the last page");

        JsonPath seeblick = Staff.as(first.tenant(), "marketer").queryParam("hotel", "SEEBLICK").get(answers)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(thirdSurvey.toString(), firstSurvey.toString()), seeblick.getList("answers.communicationId"));
        assertEquals(50, seeblick.getInt("size"), "the default page size");

        // Bad parameters are named; other roles, other tenants and no token are refused.
        Staff.as(first.tenant(), "marketer").queryParam("size", "0").queryParam("page", "x").get(answers)
                .then().statusCode(400).contentType(containsString("application/problem+json"))
                .body(containsString("\"size\"")).body(containsString("\"page\""));
        Staff.as(first.tenant(), "marketer").queryParam("size", "201").get(answers).then().statusCode(400)
                .body(containsString("\"size\""));
        Staff.viewer(first.tenant()).get(answers).then().statusCode(403);
        Staff.as("tenant-other", "marketer").get(answers).then().statusCode(404)
                .contentType(containsString("application/problem+json")).body(not(containsString("Noisy")));
        given().get(answers).then().statusCode(401);
    }

    /** Books a stay, makes its post-stay survey due and waits until it is SENT; its communication id. */
    private UUID surveyMailed(Booking booking) {
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        UUID survey = UUID.fromString(awaitCommunications(booking, "POST_STAY_SURVEY", "SCHEDULED")
                .getString("find { it.step == 'POST_STAY_SURVEY' }.id"));
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                        "UPDATE communication SET due_at = now() - interval '1 minute' WHERE id = :id")
                .setParameter("id", survey).executeUpdate());
        awaitCommunications(booking, "POST_STAY_SURVEY", "SENT");
        return survey;
    }

    private static JsonPath awaitCommunications(Booking booking, String step, String status) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var response = Staff.viewer(booking.tenant()).get(booking.communicationsPath());
            last[0] = response.statusCode() == 200 ? response.jsonPath() : null;
            return last[0] != null && status.equals(last[0].getString("find { it.step == '" + step + "' }.status"));
        });
        return last[0];
    }

    /** The survey link's path in the text part of the post-stay mail (the link carries no address or name). */
    private static String surveyPathFromMail(String address) {
        String[] text = new String[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (MimeMessage mail : MailServer.shared().receivedMessages()) {
                if (mail.getAllRecipients()[0].toString().equals(address)
                        && mail.getSubject().startsWith("How was your stay")) {
                    text[0] = textOf(mail.getContent());
                    return true;
                }
            }
            return false;
        });
        Matcher link = SURVEY_LINK.matcher(text[0]);
        assertTrue(link.find(), "the post-stay mail holds the survey link: " + text[0]);
        assertTrue(!link.group(1).contains(address) && !link.group(1).contains("%40"), "no address in the link");
        return link.group(1);
    }

    private static String textOf(Object content) throws Exception {
        if (content instanceof String s) {
            return s;
        }
        Multipart parts = (Multipart) content;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("text/plain") || part.isMimeType("multipart/*")) {
                all.append(textOf(part.getContent()));
            }
        }
        return all.toString();
    }

    private static SurveyAnswered awaitAnswer(UUID survey, int revision) {
        List<ConsumerRecord<String, SurveyAnswered>> records = KafkaTestClients.awaitAvroRecords(
                Topic.CRM_SURVEY_RESPONSES.topicName(),
                r -> r.key().equals(survey.toString()) && r.value().getRevision() == revision, 1, WAIT);
        assertEquals(1, records.size(), "one record of revision " + revision);
        assertEquals(survey, records.getFirst().value().getCommunicationId());
        assertNull(records.getFirst().value().getGuestId(), "journey steps have no guest id yet");
        return records.getFirst().value();
    }

    /** (revision, score) of the stored answers of {@code survey}. */
    @SuppressWarnings("unchecked")
    private List<List<Integer>> answers(UUID survey) {
        return QuarkusTransaction.requiringNew().call(() -> ((List<Object[]>) entityManager.createNativeQuery(
                        "SELECT revision, score FROM survey_response WHERE communication_id = :id")
                .setParameter("id", survey).getResultList()).stream()
                .map(row -> List.of(((Number) row[0]).intValue(), ((Number) row[1]).intValue())).toList());
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
        Path folder = Path.of("target", "screenshots");
        Files.createDirectories(folder);
        Files.write(folder.resolve(file), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
