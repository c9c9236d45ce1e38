package org.guestcrm.ops.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.platform.ops.DeadLetterActions;
import org.guestcrm.testsupport.KafkaBroker;
import org.guestcrm.testsupport.LocalIdentity;
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
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The console against the real broker and itself as the watched service: a consumer group that stopped with records
 * waiting is judged STOPPED with lag in records and seconds, in the API, the metrics and the page in a real headless
 * Chromium, which follows the lag live as more records arrive; dead letters are counted with a discarded one not
 * pending; a feed's freshness follows its counter; the service's readiness and outbox come from its own metrics.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = {
        @ResourceArg(name = "database", value = "ops"), @ResourceArg(name = "services", value = "kafka,postgres")})
@WithTestResource(WatchedSelf.class)
class OpsConsoleTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KafkaBroker KAFKA = KafkaBroker.shared();
    /** The topic whose dead letters the console itself owns in this test (WatchedSelf configures it). */
    static final String PROBE_ORIGIN = "opsc-probe";

    @TestHTTPResource("/")
    URI base;
    @Inject
    MeterRegistry meters;

    private final String ops = LocalIdentity.forTests().mint(Set.of("*"), Set.of("ops"), Duration.ofMinutes(30), "ops-1");

    @Test
    void aStoppedGroupDeadLettersAFeedAndTheServiceShowInTheApiTheMetricsAndALivePage() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "opsc-" + id;
        String group = "opsc-group-" + id;
        String dlq = "opsc-" + id + ".dlq";
        String feed = "opsc-feed-" + id;
        KAFKA.createTopic(topic, 1, false);
        KAFKA.createTopic(dlq, 1, false);
        Instant twoMinutesAgo = Instant.now().minusSeconds(120);
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, twoMinutesAgo.toEpochMilli(), "k" + i, "v")).get();
            }
            for (int i = 0; i < 2; i++) {
                ProducerRecord<String, String> letter = new ProducerRecord<>(dlq, 0, "demo:H1:R" + i, "x");
                letter.headers().add("dead-letter-reason", ("ReservationChanged " + i + ": no hotel").getBytes());
                producer.send(letter).get();
            }
            producer.send(new ProducerRecord<>(DeadLetterActions.TOPIC, DeadLetterActions.keyOf(dlq, 0, 0),
                    "{\"state\":\"DISCARDED\",\"note\":\"test\",\"actor\":\"ops-1\",\"at\":\"" + Instant.now() + "\"}"))
                    .get();
        }
        // A group that read two of the five records, committed, and stopped.
        try (KafkaConsumer<String, String> consumer = consumer(group)) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2)));
        }
        meters.counter("connector.inbound.messages", "feed", feed, "outcome", "accepted").increment();
        // The console runs no outbox relay of its own: these stand for a service's outbox, read from its /q/metrics.
        io.micrometer.core.instrument.Gauge.builder("guestcrm.outbox.backlog", () -> 7).register(meters);
        io.micrometer.core.instrument.Gauge.builder("guestcrm.outbox.parked", () -> 1).register(meters);

        await().atMost(Duration.ofSeconds(90)).until(() -> groupOf(overview(), group) != null
                && "STOPPED".equals(groupOf(overview(), group).path("state").asText()));
        JsonNode stopped = groupOf(overview(), group);
        assertEquals(3, stopped.path("lag").asLong());
        assertEquals(0, stopped.path("members").asInt());
        assertTrue(stopped.path("secondsBehind").asDouble() >= 119, "behind since the third record, 2 minutes old");
        assertFalse(stopped.path("history").isEmpty());

        // (A reading may have caught the topic before its letters, or the letters before the operators' action on
        // one of them, which arrives on another topic: wait for the reading that has both.)
        await().atMost(Duration.ofSeconds(60)).until(() -> queueOf(overview(), dlq) != null
                && queueOf(overview(), dlq).path("total").asLong() == 2
                && queueOf(overview(), dlq).path("pending").asLong() == 1);
        JsonNode queue = queueOf(overview(), dlq);
        assertEquals(2, queue.path("total").asLong());
        assertEquals(1, queue.path("pending").asLong(), "one of the two discarded");
        assertEquals("ReservationChanged 1: no hotel", queue.path("newestReason").asText());

        await().atMost(Duration.ofSeconds(60)).until(() -> serviceOf(overview(), "ops-console") != null
                && serviceOf(overview(), "ops-console").path("metricsRead").asBoolean());
        JsonNode self = serviceOf(overview(), "ops-console");
        assertTrue(self.path("ready").asBoolean());
        await().atMost(Duration.ofSeconds(60)).until(() -> serviceOf(overview(), "ops-console").path("outboxBacklog")
                .isNumber());
        self = serviceOf(overview(), "ops-console");
        assertEquals(7.0, self.path("outboxBacklog").asDouble());
        assertEquals(1.0, self.path("outboxParked").asDouble());
        assertTrue(self.path("outboxSendFailures").isNull(), "not exported by the watched service: unknown, not 0");

        // The feed: seen once (no freshness yet: counts, not times), then a message arrives.
        await().atMost(Duration.ofSeconds(60)).until(() -> feedOf(overview(), feed) != null);
        assertTrue(feedOf(overview(), feed).path("lastMessageSeenAt").isNull());
        meters.counter("connector.inbound.messages", "feed", feed, "outcome", "accepted").increment();
        await().atMost(Duration.ofSeconds(60)).until(() -> !feedOf(overview(), feed).path("lastMessageSeenAt").isNull());
        assertFalse(feedOf(overview(), feed).path("silent").asBoolean());

        // A connector that exports its feeds' last accepted message time: the console shows that time, exactly, even
        // for a message from before the console started.
        String exactFeed = feed + "-exact";
        long lastAcceptedAt = java.time.Instant.now().minusSeconds(3600).getEpochSecond();
        io.micrometer.core.instrument.Gauge.builder("connector.feed.last.message.timestamp.seconds", () -> lastAcceptedAt)
                .tag("feed", exactFeed).register(meters);
        await().atMost(Duration.ofSeconds(60)).until(() -> feedOf(overview(), exactFeed) != null
                && !feedOf(overview(), exactFeed).path("lastMessageSeenAt").isNull());
        assertEquals(java.time.Instant.ofEpochSecond(lastAcceptedAt),
                java.time.Instant.parse(feedOf(overview(), exactFeed).path("lastMessageSeenAt").asText()));

        // The same judgement as a metric (STOPPED is 3).
        List<String> wanted = List.of(
                "guestcrm_consumer_lag_state{group=\"" + group + "\",topic=\"" + topic + "\"} 3.0",
                "guestcrm_consumer_lag_records{group=\"" + group + "\",topic=\"" + topic + "\"} 3.0",
                "guestcrm_dead_letters_pending{topic=\"" + dlq + "\"} 1.0",
                "guestcrm_feed_silence_seconds{feed=\"" + feed + "\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String scrape = get("/q/metrics", ops).body();
            return wanted.stream().allMatch(scrape::contains);
        });
        String metrics = get("/q/metrics", ops).body();
        everyMetricTheRulesAndTheDashboardTakeFromTheConsoleIsExported(metrics);

        page(group, topic);
    }

    /**
     * The alert rules and the Grafana dashboard name metrics of this console: each of them is in the running
     * console's scrape. (The kubernetes module checks every other name against the meters the services' code
     * registers.)
     */
    private static void everyMetricTheRulesAndTheDashboardTakeFromTheConsoleIsExported(String scrape) throws Exception {
        String named = Files.readString(Path.of("../kubernetes/prometheus/guestcrm-alerts.yml"))
                + Files.readString(Path.of("../deploy/grafana/guestcrm-operations.json"));
        java.util.Set<String> ours = new java.util.TreeSet<>();
        java.util.regex.Matcher names = java.util.regex.Pattern.compile(
                "\\b(guestcrm_(?:consumer_lag_|dead_letters_|feed_silence)[a-z_]*)")
                .matcher(named);
        while (names.find()) {
            ours.add(names.group(1));
        }
        assertTrue(ours.containsAll(Set.of("guestcrm_consumer_lag_state", "guestcrm_consumer_lag_records",
                "guestcrm_consumer_lag_seconds", "guestcrm_dead_letters_pending", "guestcrm_feed_silence_seconds")),
                "the rules and the dashboard use the console's metrics: " + ours);
        List<String> missing = ours.stream().filter(name -> !java.util.regex.Pattern.compile("(?m)^" + name + "[{ ]")
                .matcher(scrape).find()).toList();
        assertEquals(List.of(), missing, "named by a rule or panel but not exported by the running console");
    }

    @Test
    void theOverviewNeedsRoleOpsForEveryTenant() throws Exception {
        assertEquals(401, get("/api/v1/ops/overview", null).statusCode());
        String viewer = LocalIdentity.forTests().mint(Set.of("*"), Set.of("viewer"), Duration.ofMinutes(5), "v");
        assertEquals(403, get("/api/v1/ops/overview", viewer).statusCode());
        String oneTenant = LocalIdentity.forTests().mint(Set.of("demo"), Set.of("ops"), Duration.ofMinutes(5), "o");
        HttpResponse<String> refused = get("/api/v1/ops/overview", oneTenant);
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("\"status\":403"), "a problem body");
        assertEquals(401, get("/q/metrics", null).statusCode());
        assertEquals(200, get("/q/health/ready", null).statusCode());
        HttpResponse<String> page = get("/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Guest CRM · Operations"), "the page shell is open and holds no data");
    }

    @Test
    void everyEndpointOfTheOpenApiDocumentRefusesNoTokenNoRoleAndAnotherTenant() throws Exception {
        org.guestcrm.testsupport.EndpointSecurityCheck.Report report = new org.guestcrm.testsupport.EndpointSecurityCheck(
                base, LocalIdentity.forTests()).run("tenant-" + UUID.randomUUID(), Set.of());
        assertTrue(report.checked().stream().anyMatch(e -> e.contains("/api/v1/ops/overview")), report.checked().toString());
        // The platform's GET /api/v1/audit is tenant-less and scoped by the token (200 with nothing of this tenant), as
        // in every service; every endpoint of the console itself passes.
        assertEquals(List.of(), report.violations().stream()
                .filter(v -> !(v.path().equals("/api/v1/audit") && v.status() == 200 && v.check().contains("another tenant")))
                .toList());
    }

    /**
     * The dead letters of a watched service acted on from the page, in a real headless Chromium: the console forwards
     * every call to the owning service with the operator's own token, so the service records the operator; a discard
     * without a note is refused with the service's problem; a replayed letter is back on its original topic.
     */
    @Test
    void deadLettersAreReplayedAndDiscardedFromThePageInTheOwningServiceAsTheOperator() throws Exception {
        String dlq = PROBE_ORIGIN + ".dlq";
        KAFKA.createTopic(PROBE_ORIGIN, 1, false);
        KAFKA.createTopic(dlq, 1, false);
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 2; i++) {
                ProducerRecord<String, String> letter = new ProducerRecord<>(dlq, 0, "demo:H1:" + run + "-" + i, "x" + i);
                letter.headers().add("dead-letter-reason", ("GuestProfileChanged " + i + ": no tenant").getBytes());
                letter.headers().add("dead-letter-topic", PROBE_ORIGIN.getBytes());
                letter.headers().add("dead-letter-partition", "0".getBytes());
                letter.headers().add("dead-letter-offset", String.valueOf(40 + i).getBytes());
                producer.send(letter).get();
            }
        }
        // Which service owns the topic: asked of every watched service with the caller's token.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode owners = JSON.readTree(get("/api/v1/ops/dead-letter-owners", ops).body());
            return "ops-console".equals(owners.path("owners").path(dlq).asText())
                    && owners.path("pending").path(dlq).asInt() == 2;
        });
        // Bad input: a topic that is no dead-letter topic, a service not watched, a token for one tenant only.
        HttpResponse<String> badTopic = get("/api/v1/ops/services/ops-console/dead-letters/" + PROBE_ORIGIN, ops);
        assertEquals(400, badTopic.statusCode());
        assertTrue(badTopic.body().contains("\"topic\""), badTopic.body());
        assertEquals(404, get("/api/v1/ops/services/nowhere/dead-letters/" + dlq, ops).statusCode());
        String oneTenant = LocalIdentity.forTests().mint(Set.of("demo"), Set.of("ops"), Duration.ofMinutes(5), "o");
        assertEquals(403, get("/api/v1/ops/services/ops-console/dead-letters/" + dlq, oneTenant).statusCode());
        assertEquals(403, get("/api/v1/ops/dead-letter-owners", oneTenant).statusCode());
        HttpResponse<String> badOffset = get("/api/v1/ops/services/ops-console/dead-letters/" + dlq + "/0/minus", ops);
        assertEquals(400, badOffset.statusCode());
        assertTrue(badOffset.body().contains("\"offset\""), badOffset.body());

        try (Chromium chromium = Chromium.start("1400,1200")) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            browser.get(base.toString());
            wait.until(b -> b.findElement(By.id("login")).isDisplayed());
            browser.findElement(By.id("token")).sendKeys(ops);
            browser.findElement(By.id("token-submit")).click();
            By dlqRow = By.cssSelector("#dead-letters tr[data-topic='" + dlq + "']");
            wait.until(b -> !b.findElements(dlqRow).isEmpty()
                    && b.findElement(dlqRow).findElement(By.cssSelector("td.owner")).getText().equals("ops-console"));
            wait.until(b -> {
                b.findElement(dlqRow).findElement(By.cssSelector("button.open-letters")).click();
                return true;
            });
            wait.until(b -> b.findElement(By.id("letters")).isDisplayed());
            By first = By.cssSelector("#letters-table tr[data-offset='0']");
            By second = By.cssSelector("#letters-table tr[data-offset='1']");
            wait.until(b -> !b.findElements(first).isEmpty() && !b.findElements(second).isEmpty());
            assertTrue(browser.findElement(first).getText().contains("GuestProfileChanged 0: no tenant"));
            assertTrue(browser.findElement(first).getText().contains(PROBE_ORIGIN + "-0@40"));

            browser.findElement(first).findElement(By.cssSelector("button.replay")).click();
            wait.until(b -> b.findElement(By.id("letters-outcome")).getText().contains("Replayed 1 of 1"));
            wait.until(b -> "REPLAYED".equals(b.findElement(first).getAttribute("data-state")));

            // A discard needs a note: the service's problem is shown, nothing is discarded.
            browser.findElement(second).findElement(By.cssSelector("button.discard")).click();
            wait.until(b -> b.findElement(By.id("letters-outcome")).getText().contains("note"));
            assertEquals("PENDING", browser.findElement(second).getAttribute("data-state"));
            browser.findElement(second).findElement(By.cssSelector("input.note")).sendKeys("duplicate of " + run);
            browser.findElement(second).findElement(By.cssSelector("button.discard")).click();
            wait.until(b -> b.findElement(By.id("letters-outcome")).getText().contains("Discarded 0@1"));
            wait.until(b -> "DISCARDED".equals(b.findElement(second).getAttribute("data-state")));
            assertTrue(browser.findElement(second).getText().contains("duplicate of " + run + " (ops-1)"),
                    "the note and the operator, as the service recorded them: " + browser.findElement(second).getText());
            screenshot(browser, "ops-console-dead-letters.png");
        }

        // The replayed letter is back on its original topic, with its key and value; the discarded one is not.
        try (KafkaConsumer<String, String> consumer = consumer("opsc-check-" + run)) {
            consumer.assign(List.of(new TopicPartition(PROBE_ORIGIN, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(PROBE_ORIGIN, 0)));
            List<String> seen = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> seen.add(r.key() + "=" + r.value()));
                return !seen.isEmpty();
            });
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> seen.add(r.key() + "=" + r.value()));
            assertEquals(List.of("demo:H1:" + run + "-0=x0"), seen);
        }
        JsonNode discarded = JSON.readTree(get("/api/v1/ops/services/ops-console/dead-letters/" + dlq
                + "?state=DISCARDED", ops).body());
        assertEquals(1, discarded.size());
        assertEquals("ops-1", discarded.get(0).path("actedBy").asText());
    }

    /** The page in a real headless Chromium: token form, the stopped group, live lag, dead letters, the feed. */
    @Test
    void aFeedIsReplayedFromThePageByTheConnectorWithTheOperatorsOwnToken() throws Exception {
        String feed = "opsc-replay-" + UUID.randomUUID().toString().substring(0, 8);
        meters.counter("connector.inbound.messages", "feed", feed, "outcome", "accepted").increment();
        ConnectorPeer connector = WatchedSelf.connector;
        String admin = LocalIdentity.forTests().mint(Set.of("*"), Set.of("ops", "admin"), Duration.ofMinutes(30), "ops-2");

        // The API: a feed id that is not one is refused here; a token for one tenant is refused before anything is sent.
        HttpResponse<String> badFeed = post("/api/v1/ops/feeds/no%20such/replay", "{}", admin);
        assertEquals(400, badFeed.statusCode(), badFeed.body());
        assertTrue(JSON.readTree(badFeed.body()).toString().contains("feedId"), badFeed.body());
        String oneTenant = LocalIdentity.forTests().mint(Set.of("demo"), Set.of("ops", "admin"), Duration.ofMinutes(5), "o");
        long replaysBefore = connector.received.stream().filter(r -> r.path().endsWith("/replay")).count();
        assertEquals(403, post("/api/v1/ops/feeds/" + feed + "/replay", "{}", oneTenant).statusCode());
        assertEquals(replaysBefore, connector.received.stream().filter(r -> r.path().endsWith("/replay")).count(),
                "nothing forwarded for a refused caller");
        assertTrue(connector.received.stream().noneMatch(r -> r.authorization() != null && r.authorization().endsWith(oneTenant)),
                "a one-tenant token never reaches the connector");
        // Forwarded as it is, with the caller's token; the connector's problem comes back as it is.
        HttpResponse<String> refused = post("/api/v1/ops/feeds/" + feed + "/replay", "{\"to\":\"2026-12-02T00:00:00Z\"}", admin);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("from", JSON.readTree(refused.body()).path("invalidParams").path(0).path("name").asText(), refused.body());
        HttpResponse<String> done = post("/api/v1/ops/feeds/" + feed + "/replay",
                "{\"from\":\"2026-12-01T00:00:00Z\",\"to\":\"2026-12-02T00:00:00Z\"}", admin);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals(2, JSON.readTree(done.body()).path("reEmitted").asInt(), done.body());
        ConnectorPeer.Received forwarded = connector.received.stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/api/v1/feeds/" + feed + "/replay")
                        && r.body().contains("2026-12-01T00:00:00Z"))
                .findFirst().orElseThrow();
        assertEquals("Bearer " + admin, forwarded.authorization());
        assertEquals("2026-12-02T00:00:00Z", JSON.readTree(forwarded.body()).path("to").asText());

        // The page: the feed's Replay button opens the form for the last 24 hours; a replay shows the counts.
        try (Chromium chromium = Chromium.start("1400,1200")) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            browser.get(base.toString());
            wait.until(b -> b.findElement(By.id("login")).isDisplayed());
            browser.findElement(By.id("token")).sendKeys(admin);
            browser.findElement(By.id("token-submit")).click();
            By feedRow = By.cssSelector("#feeds tr[data-feed='" + feed + "']");
            wait.until(b -> !b.findElements(feedRow).isEmpty());
            wait.until(b -> {
                b.findElement(feedRow).findElement(By.cssSelector("button.open-replay")).click();
                return b.findElement(By.id("replay")).isDisplayed();
            });
            assertEquals(feed, browser.findElement(By.id("replay-feed")).getText());
            assertFalse(browser.findElement(By.id("replay-from")).getAttribute("value").isEmpty(), "the range is prefilled");
            wait.until(b -> b.findElement(By.id("replays-table")).getText().contains("ops-1"));
            browser.findElement(By.id("replay-submit")).click();
            wait.until(b -> b.findElement(By.id("replay-outcome")).getText().startsWith("Replayed 7 message(s): 2 re-emitted (3 event(s))"));
            ConnectorPeer.Received fromPage = connector.received.stream()
                    .filter(r -> r.method().equals("POST") && r.path().equals("/api/v1/feeds/" + feed + "/replay"))
                    .reduce((first, second) -> second).orElseThrow();
            JsonNode range = JSON.readTree(fromPage.body());
            Duration asked = Duration.between(Instant.parse(range.path("from").asText()), Instant.parse(range.path("to").asText()));
            assertTrue(asked.compareTo(Duration.ofHours(24)) >= 0 && asked.compareTo(Duration.ofHours(25)) < 0, asked::toString);
            assertEquals("Bearer " + admin, fromPage.authorization());

            // A range the connector refuses: its reason is shown, naming the field.
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "document.getElementById('replay-from').value = arguments[0]", "2026-09-01T00:00:00");
            browser.findElement(By.id("replay-submit")).click();
            wait.until(b -> b.findElement(By.id("replay-outcome")).getText().contains("Refused: HTTP 400"));
            assertTrue(browser.findElement(By.id("replay-outcome")).getText().contains("to: must be at most 31 days"),
                    browser.findElement(By.id("replay-outcome")).getText());
            screenshot(browser, "ops-console-feed-replay.png");
        }
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void page(String group, String topic) throws Exception {
        try (Chromium chromium = Chromium.start("1400,1000")) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            // The page redraws its tables every 2 s: an element read a moment ago may be gone; read it again.
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            browser.get(base.toString());
            wait.until(b -> b.findElement(By.id("login")).isDisplayed());
            browser.findElement(By.id("token")).sendKeys("not-a-token");
            browser.findElement(By.id("token-submit")).click();
            wait.until(b -> b.findElement(By.id("login-error")).getText().contains("401"));
            browser.findElement(By.id("token")).sendKeys(ops);
            browser.findElement(By.id("token-submit")).click();
            By groupRow = By.cssSelector("#groups tr[data-group='" + group + "']:not(.topic)");
            wait.until(b -> !b.findElements(groupRow).isEmpty()
                    && b.findElement(groupRow).getText().contains("STOPPED"));
            wait.until(b -> "3".equals(b.findElement(groupRow).findElement(By.cssSelector("td.lag")).getText()));
            wait.until(b -> !b.findElement(groupRow).findElements(By.cssSelector("svg.sparkline polyline")).isEmpty());
            wait.until(b -> {
                String text = b.findElement(groupRow).getText();
                return text.contains("nobody") || text.contains("no member");
            });

            // Live: two more records arrive; the page follows without a reload.
            try (KafkaProducer<String, String> producer = producer()) {
                producer.send(new ProducerRecord<>(topic, 0, "k5", "v")).get();
                producer.send(new ProducerRecord<>(topic, 0, "k6", "v")).get();
            }
            wait.until(b -> "5".equals(b.findElement(groupRow).findElement(By.cssSelector("td.lag")).getText()));

            By dlqRow = By.cssSelector("#dead-letters tr[data-topic='" + topic + ".dlq']");
            wait.until(b -> !b.findElements(dlqRow).isEmpty());
            wait.until(b -> "1".equals(b.findElement(dlqRow).findElement(By.cssSelector("td.pending")).getText()));
            By selfRow = By.cssSelector("#services tr[data-service='ops-console']");
            wait.until(b -> !b.findElements(selfRow).isEmpty() && b.findElement(selfRow).getText().contains("UP"));
            wait.until(b -> b.findElement(By.id("feeds")).getText().contains("last message"));
            screenshot(browser, "ops-console.png");
        }
    }

    /** A headless Debian Chromium driven through its chromedriver on a free port; closing quits both. */
    private record Chromium(ChromeDriverService service, WebDriver driver) implements AutoCloseable {

        static Chromium start(String windowSize) throws Exception {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(executable("chromium"));
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=" + windowSize);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
            return new Chromium(service, new ChromeDriver(service, options));
        }

        @Override
        public void close() {
            driver.quit();
            service.stop();
        }
    }

    private static void screenshot(WebDriver browser, String file) throws Exception {
        Path docs = Path.of("docs");
        Files.createDirectories(docs);
        Files.write(docs.resolve(file), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static String executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not on the PATH: install Debian's chromium and chromium-driver");
    }

    private JsonNode overview() throws Exception {
        HttpResponse<String> response = get("/api/v1/ops/overview", ops);
        assertEquals(200, response.statusCode());
        return JSON.readTree(response.body());
    }

    private static JsonNode groupOf(JsonNode overview, String group) {
        return find(overview.path("lag").path("groups"), "group", group);
    }

    private static JsonNode queueOf(JsonNode overview, String topic) {
        return find(overview.path("deadLetters"), "topic", topic);
    }

    private static JsonNode serviceOf(JsonNode overview, String name) {
        return find(overview.path("services"), "name", name);
    }

    private static JsonNode feedOf(JsonNode overview, String feed) {
        return find(overview.path("feeds"), "feed", feed);
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.path(field).asText())) {
                return item;
            }
        }
        return null;
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static KafkaProducer<String, String> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }
}
