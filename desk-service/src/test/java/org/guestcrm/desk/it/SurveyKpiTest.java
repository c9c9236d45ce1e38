package org.guestcrm.desk.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
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

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.ErasureRequester;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.SurveyAnswered;
import org.guestcrm.events.TaskChangeType;
import org.guestcrm.events.TaskChanged;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
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
 * Survey satisfaction and SMS segments, from their topics through the real broker, registry and PostgreSQL: post-stay
 * survey answers (crm.survey-responses; a revision replaces the answer, an older revision arriving late and a
 * redelivery change nothing, an unusable answer is a dead letter), the surveys sent and the SMS segments
 * (crm.communications) - per hotel and group in the API, the CSV and the page in a real headless Chromium; and the
 * service-recovery task a detractor's comment opens, once per response, on crm.tasks.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class SurveyKpiTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String SURVEYS = Topic.CRM_SURVEY_RESPONSES.topicName();
    static final String COMMENT = "The room was cold and nobody at the desk listened, Greta Spreewald";

    @TestHTTPResource("/")
    URI base;

    static String tenant;
    static String period;
    static String guest;
    static UUID coldRoom;
    static UUID coldRoomCommunication;

    /**
     * The known data, sent once for the class's tests. BERLIN: 4 post-stay surveys sent; answers: the cold room (a
     * detractor with a comment: 3, then revised to 5, still with a comment; then its first revision again, late, as
     * a 10), a 10 (room 5, staff 4; redelivered), an 8 (room 3). MUNICH: 1 survey sent; a 6 without comment (staff
     * 2). SMS: BERLIN two sent with 2 and 3 segments, MUNICH one sent without a segment count; an e-mail apart.
     */
    @BeforeEach
    void knownData() {
        if (tenant != null) {
            return;
        }
        tenant = "tenant-" + UUID.randomUUID().toString().substring(0, 8);
        guest = "guest-" + tenant;
        LocalDate today = Instant.now().atZone(ZoneOffset.UTC).toLocalDate();
        period = "&from=" + today.minusDays(1) + "&to=" + today.plusDays(2);
        for (int i = 0; i < 4; i++) {
            communication("BERLIN", "R-B" + i, "POST_STAY_SURVEY", CommunicationChannel.EMAIL, null);
        }
        communication("MUNICH", "R-M0", "POST_STAY_SURVEY", CommunicationChannel.EMAIL, null);
        communication("BERLIN", "R-B0", "IN_STAY", CommunicationChannel.SMS, 2);
        communication("BERLIN", "R-B1", "IN_STAY", CommunicationChannel.SMS, 3);
        communication("MUNICH", "R-M0", "IN_STAY", CommunicationChannel.SMS, null);

        coldRoom = UUID.randomUUID();
        coldRoomCommunication = UUID.randomUUID();
        Instant answered = Instant.now().minusSeconds(600);
        SurveyAnswered first = answer(coldRoom, coldRoomCommunication, 1, "BERLIN", "R-B0", guest, 3, Map.of(), COMMENT,
                answered);
        send(first);
        send(answer(coldRoom, coldRoomCommunication, 2, "BERLIN", "R-B0", guest, 5, Map.of(), COMMENT + " (again)",
                answered.plusSeconds(120)));
        send(SurveyAnswered.newBuilder(first).setMetadata(GuestLinkTest.metadata(tenant, "SurveyAnswered"))
                .setScore(10).setComment(null).build());
        SurveyAnswered promoter = answer(UUID.randomUUID(), UUID.randomUUID(), 1, "BERLIN", "R-B1", null, 10,
                Map.of("room", 5, "Staff", 4), "Lovely", answered);
        send(promoter);
        send(promoter);
        send(answer(UUID.randomUUID(), UUID.randomUUID(), 1, "BERLIN", "R-B2", null, 8, Map.of("room", 3), null,
                answered));
        send(answer(UUID.randomUUID(), UUID.randomUUID(), 1, "MUNICH", "R-M0", null, 6, Map.of("staff", 2), "  ",
                answered));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
            JsonPath k = kpis("");
            return k.getInt("group.surveys.responses") == 4 && k.getInt("group.surveys.surveysSent") == 5
                    && k.getInt("group.smsSegments.smsSent") == 3
                    && Math.abs(k.getDouble("group.surveys.nps") + 25.0) < 1e-6;
        });
    }

    @Test
    @Order(1)
    void satisfactionAndSegmentsPerHotelAndGroup() {
        JsonPath k = kpis("");
        assertEquals(List.of("BERLIN", "MUNICH"), k.getList("hotels.hotelCode"));
        // The group: 4 responses (the cold room counted once, at its second revision: 5), 1 promoter, 1 passive,
        // 2 detractors: NPS (1 - 2) / 4 = -25; average (5 + 10 + 8 + 6) / 4 = 7.25; 4 of 5 surveys sent answered.
        Map<String, Object> group = k.getMap("group.surveys");
        assertEquals(4, group.get("responses"));
        assertEquals(1, group.get("promoters"));
        assertEquals(1, group.get("passives"));
        assertEquals(2, group.get("detractors"));
        assertEquals(-25.0, k.getDouble("group.surveys.nps"), 1e-6);
        assertEquals(7.25, k.getDouble("group.surveys.averageScore"), 1e-6);
        assertEquals(5, group.get("surveysSent"));
        assertEquals(0.8, k.getDouble("group.surveys.responseRate"), 1e-6);
        assertEquals(List.of(Map.of("aspect", "room", "ratings", 2, "averageRating", 4.0f),
                Map.of("aspect", "staff", "ratings", 2, "averageRating", 3.0f)), k.getList("group.surveys.aspects"));
        // BERLIN: 5, 10, 8 -> 1 promoter, 1 detractor: NPS 0; average 7.67; 3 of 4 answered.
        assertEquals(3, k.getInt("hotels[0].surveys.responses"));
        assertEquals(0.0, k.getDouble("hotels[0].surveys.nps"), 1e-6);
        assertEquals(7.67, k.getDouble("hotels[0].surveys.averageScore"), 1e-6);
        assertEquals(0.75, k.getDouble("hotels[0].surveys.responseRate"), 1e-6);
        assertEquals(List.of(Map.of("aspect", "room", "ratings", 2, "averageRating", 4.0f),
                Map.of("aspect", "staff", "ratings", 1, "averageRating", 4.0f)), k.getList("hotels[0].surveys.aspects"));
        // MUNICH: one 6: NPS -100, all detractors.
        assertEquals(-100.0, k.getDouble("hotels[1].surveys.nps"), 1e-6);
        assertEquals(1.0, k.getDouble("hotels[1].surveys.responseRate"), 1e-6);
        // SMS segments: BERLIN 2 SMS, 5 segments; MUNICH 1 SMS of unknown segments, said so.
        assertEquals(Map.of("smsSent", 2, "segments", 5, "smsWithoutSegmentCount", 0),
                withoutNote(k.getMap("hotels[0].smsSegments")));
        assertNull(k.get("hotels[0].smsSegments.note"));
        assertEquals(Map.of("smsSent", 1, "segments", 0, "smsWithoutSegmentCount", 1),
                withoutNote(k.getMap("hotels[1].smsSegments")));
        assertEquals(Map.of("smsSent", 3, "segments", 5, "smsWithoutSegmentCount", 1),
                withoutNote(k.getMap("group.smsSegments")));
        assertTrue(k.getString("group.smsSegments.note").startsWith("1 SMS sent without a segment count"),
                k.getString("group.smsSegments.note"));
        assertTrue(k.getList("notComputedHere").stream().map(Object::toString)
                .noneMatch(g -> g.startsWith("survey") || g.startsWith("SMS segments")), k.prettify());
        // One hotel asked for: the group is that hotel.
        JsonPath munich = kpis("&hotel=MUNICH");
        assertEquals(List.of("MUNICH"), munich.getList("hotels.hotelCode"));
        assertEquals(1, munich.getInt("group.surveys.responses"));
        assertEquals(-100.0, munich.getDouble("group.surveys.nps"), 1e-6);
        // An earlier period: no answers, no surveys sent, no rate.
        JsonPath earlier = kpis("", "&from=" + LocalDate.now(ZoneOffset.UTC).minusDays(20) + "&to="
                + LocalDate.now(ZoneOffset.UTC).minusDays(10));
        assertEquals(0, earlier.getInt("group.surveys.responses"));
        assertNull(earlier.get("group.surveys.nps"));
        assertNull(earlier.get("group.surveys.responseRate"));
        assertEquals(0, earlier.getInt("group.smsSegments.smsSent"));

        // CSV: the survey and segment columns, an aspect a column.
        String csv = Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + period + "&format=csv")
                .then().statusCode(200).extract().asString();
        String[] lines = csv.split("\r\n");
        List<String> header = Arrays.asList(lines[0].split(",", -1));
        List<String> groupRow = Arrays.asList(lines[1].split(",", -1));
        List<String> berlinRow = Arrays.asList(lines[2].split(",", -1));
        List<String> munichRow = Arrays.asList(lines[3].split(",", -1));
        assertEquals("-25.0", groupRow.get(header.indexOf("nps")));
        assertEquals("0.8", groupRow.get(header.indexOf("surveyResponseRate")));
        assertEquals("4", groupRow.get(header.indexOf("surveyResponses")));
        assertEquals("5", groupRow.get(header.indexOf("smsSegments")));
        assertEquals("1", groupRow.get(header.indexOf("smsWithoutSegmentCount")));
        assertEquals("3.0", groupRow.get(header.indexOf("surveyRating:staff")));
        assertEquals("0.0", berlinRow.get(header.indexOf("nps")));
        assertEquals("4.0", berlinRow.get(header.indexOf("surveyRating:room")));
        assertEquals("", munichRow.get(header.indexOf("surveyRating:room")), "MUNICH rated no room: empty");
        assertFalse(csv.contains("cold"), "no comment in the CSV");

        // The answer that is not usable: a dead letter naming the field, not the comment.
        UUID communication = UUID.randomUUID();
        KafkaTestClients.sendAvro(SURVEYS, communication.toString(), answer(UUID.randomUUID(), communication, 1,
                "BERLIN", "R-B3", null, 11, Map.of("room", 9), COMMENT, Instant.now()));
        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord(Topic.CRM_SURVEY_RESPONSES
                .deadLetterTopicName(), r -> communication.toString().equals(r.key()), WAIT);
        String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("score (0 to 10)") && reason.contains("ratings"), reason);
        assertFalse(reason.contains("cold"), reason);
        assertEquals(4, kpis("").getInt("group.surveys.responses"), "the dead letter counts nowhere");
    }

    /** Last: it revises an answer and erases the guest. */
    @Test
    @Order(3)
    void aDetractorsCommentOpensOneServiceRecoveryTask() {
        // The cold room's answer (and its revision, still a detractor's with a comment): one task for BERLIN, linked to
        // the guest and the reservation, due within the hotel's call-back time, for its team; the comment not in it.
        JsonPath open = Staff.agent(tenant).get("/api/v1/tasks?tenant=" + tenant + "&view=all").then().statusCode(200)
                .extract().jsonPath();
        List<Map<String, Object>> recovery = open.<Map<String, Object>>getList("")
                .stream().filter(t -> "SERVICE_RECOVERY".equals(t.get("kind"))).toList();
        assertEquals(1, recovery.size(), open.prettify());
        Map<String, Object> task = recovery.getFirst();
        assertEquals("BERLIN", task.get("hotelCode"));
        assertEquals(guest, task.get("guestId"));
        assertEquals("R-B0", task.get("pmsReservationId"));
        assertEquals("front-desk", task.get("team"));
        assertTrue(List.of("OPEN", "OVERDUE").contains(task.get("status")));
        assertTrue(task.get("subject").toString().startsWith("POST_STAY_SURVEY: call back the guest"));
        assertFalse(open.prettify().contains("cold"), "the guest's comment is not in the task");
        String taskId = task.get("id").toString();
        // crm.tasks: OPENED, caused by the first answer; the MUNICH 6 without a comment opened nothing.
        TaskChanged opened = LeadFromReservationTest.awaitTaskEvents(taskId, 1).getFirst().value();
        assertEquals(TaskChangeType.OPENED, opened.getChange());
        assertEquals("SERVICE_RECOVERY", opened.getKind());
        assertEquals(guest, opened.getGuestId());

        // Another revision, still a detractor's with a comment: no second task. A later answer of the same hotel
        // (sent after it, on the same key) shows it was applied.
        send(answer(coldRoom, coldRoomCommunication, 3, "BERLIN", "R-B0", guest, 2, Map.of(), COMMENT, Instant.now()));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> Math.abs(kpis("&hotel=BERLIN").getDouble("group.surveys.averageScore") - 6.67) < 1e-6);
        assertEquals(1, Staff.agent(tenant).get("/api/v1/tasks?tenant=" + tenant + "&view=all").then().statusCode(200)
                .extract().jsonPath().<Map<String, Object>>getList("").stream()
                .filter(t -> "SERVICE_RECOVERY".equals(t.get("kind"))).count());

        // The guest erased: the task no longer names them (GUEST_LINKED without guest); the scores stay.
        KafkaTestClients.sendAvro(Topic.CRM_ERASURES.topicName(), tenant + ":" + guest, ErasureRequested.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "ErasureRequested")).setErasureId(UUID.randomUUID())
                .setGuestId(guest).setContactPointRefs(List.of()).setRequestedBy(ErasureRequester.GUEST)
                .setConfirmedAt(Instant.now()).build());
        List<TaskChanged> linked = KafkaTestClients.awaitAvroRecords(Topic.CRM_TASKS.topicName(),
                (ConsumerRecord<String, TaskChanged> r) -> r.value() != null && taskId.equals(r.key())
                        && r.value().getChange() == TaskChangeType.GUEST_LINKED, 1, WAIT)
                .stream().map(ConsumerRecord::value).toList();
        assertNull(linked.getFirst().getGuestId());
        assertEquals(4, kpis("").getInt("group.surveys.responses"));
    }

    @Test
    @Order(2)
    void thePageShowsSatisfactionInARealBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100",
                "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try {
            browser.get(base.resolve("/desk/kpis").toString());
            String token = Staff.token(Set.of(tenant), "viewer-vera", Roles.VIEWER);
            for (String[] field : new String[][] {{"token", token}, {"tenant", tenant},
                    {"from", today.minusDays(1).toString()}, {"to", today.plusDays(2).toString()}}) {
                WebElement input = browser.findElement(By.id(field[0]));
                input.clear();
                input.sendKeys(field[1]);
            }
            browser.findElement(By.id("show")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("figures")));
            assertEquals("4", figure(browser, "group", "", "surveyResponses"));
            assertEquals("-25.0", figure(browser, "group", "", "nps"));
            assertEquals("7.25", figure(browser, "group", "", "surveyAverageScore"));
            assertEquals("80.0 %", figure(browser, "group", "", "surveyResponseRate"));
            assertEquals("75.0 %", figure(browser, "hotel", "BERLIN", "surveyResponseRate"));
            assertEquals("-100.0", figure(browser, "hotel", "MUNICH", "nps"));
            assertEquals("5", figure(browser, "hotel", "BERLIN", "smsSegments"));
            assertEquals("1", figure(browser, "hotel", "MUNICH", "smsWithoutSegmentCount"));
            assertEquals("4.00", browser.findElement(By.cssSelector(
                    "#aspects tr[data-scope='BERLIN'][data-aspect='room'] td[data-figure='averageRating']")).getText());
            assertEquals("3.00", browser.findElement(By.cssSelector(
                    "#aspects tr[data-scope='group'][data-aspect='staff'] td[data-figure='averageRating']")).getText());
            assertTrue(browser.findElement(By.id("notes")).getText().contains("without a segment count"));
            assertFalse(browser.getPageSource().contains("cold"), "no guest comment on the page");
            assertFalse(browser.findElement(By.cssSelector("ul.gaps")).getText().contains("survey satisfaction"));
        } finally {
            browser.quit();
        }
    }

    private static Map<String, Object> withoutNote(Map<String, Object> segments) {
        Map<String, Object> copy = new java.util.HashMap<>(segments);
        copy.remove("note");
        return copy;
    }

    private static String figure(WebDriver browser, String scope, String hotel, String key) {
        return browser.findElement(By.cssSelector("#figures tr[data-scope='" + scope + "'][data-hotel='" + hotel
                + "'] td[data-figure='" + key + "']")).getText();
    }

    private static JsonPath kpis(String extra) {
        return kpis(period, extra);
    }

    private static JsonPath kpis(String periodPart, String extra) {
        return Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + periodPart + extra).then()
                .statusCode(200).extract().jsonPath();
    }

    private static void send(SurveyAnswered answer) {
        KafkaTestClients.sendAvro(SURVEYS, answer.getCommunicationId().toString(), answer);
    }

    static SurveyAnswered answer(UUID responseId, UUID communicationId, int revision, String hotel, String reservation,
                                 String guestId, int score, Map<String, Integer> ratings, String comment,
                                 Instant answeredAt) {
        return SurveyAnswered.newBuilder()
                .setMetadata(EventMetadata.newBuilder(GuestLinkTest.metadata(tenant, "SurveyAnswered"))
                        .setSource("journey-service").build())
                .setResponseId(responseId)
                .setRevision(revision)
                .setCommunicationId(communicationId)
                .setTenantId(tenant)
                .setHotelCode(hotel)
                .setPmsReservationId(reservation)
                .setGuestId(guestId)
                .setScore(score)
                .setRatings(ratings)
                .setComment(comment)
                .setLanguage("en")
                .setAnsweredAt(answeredAt)
                .build();
    }

    private static void communication(String hotel, String reservation, String step, CommunicationChannel channel,
                                      Integer segments) {
        CommunicationEvent event = CommunicationEvent.newBuilder()
                .setMetadata(EventMetadata.newBuilder(GuestLinkTest.metadata(tenant, "CommunicationEvent"))
                        .setSource("journey-service").build())
                .setCommunicationId(UUID.randomUUID())
                .setHotelCode(hotel)
                .setPmsReservationId(reservation)
                .setStep(step)
                .setChannel(channel)
                .setStatus(CommunicationStatus.SENT)
                .setSegments(segments)
                .setTenantId(tenant)
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_COMMUNICATIONS.topicName(), tenant + ":" + hotel + ":" + reservation, event);
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
}
