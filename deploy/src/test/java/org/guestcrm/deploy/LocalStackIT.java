package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;

/**
 * The walking skeleton, end to end, through real parts: the local stack exactly as {@code ./crm up}
 * starts it (Kafka, Apicurio Registry, PostgreSQL, GreenMail and the four services, each its own
 * process, on free ports), an OpenTravel reservation posted to the connector, the confirmation read
 * back over IMAP, a cancellation that cancels every pending communication, and {@code down} leaving
 * no process behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path ROOT = Path.of(System.getProperty("crm.repository.root", "..")).toAbsolutePath().normalize();
    private static final Path SAMPLES = Path.of(System.getProperty("crm.samples.dir", "src/test/resources/samples"));
    private static final String GUEST_EMAIL = "david.dewberry@dewberrycorp.com";

    private static LocalStack stack;
    private static StackConfig config;
    /** A staff token of the stack's own issuer (every tenant, every role): the services' APIs and metrics require one. */
    private static String token;
    private static final ByteArrayOutputStream stackOutput = new ByteArrayOutputStream();

    @BeforeAll
    static void up() throws IOException {
        Map<StackConfig.Port, Integer> ports = new EnumMap<>(StackConfig.Port.class);
        List<java.net.ServerSocket> holders = new ArrayList<>();
        for (StackConfig.Port port : StackConfig.Port.values()) {
            java.net.ServerSocket socket = new java.net.ServerSocket(0);
            holders.add(socket);
            ports.put(port, socket.getLocalPort());
        }
        for (java.net.ServerSocket socket : holders) {
            socket.close();
        }
        Path deploy = ROOT.resolve("deploy");
        String classpath = deploy.resolve("target/classes") + ":" + deploy.resolve("target/lib") + "/*";
        Path state = Files.createTempDirectory(deploy.resolve("target"), "e2e-stack-");
        config = new StackConfig(ROOT, state, classpath, ports);
        stack = new LocalStack(config, new PrintStream(stackOutput, true, StandardCharsets.UTF_8));
        try {
            stack.up();
        } catch (RuntimeException e) {
            System.err.println(stackOutput.toString(StandardCharsets.UTF_8));
            throw e;
        }
        assertTrue(stackOutput.toString(StandardCharsets.UTF_8).contains("Guest CRM is up."), stackOutput::toString);
        token = stack.adminToken(Duration.ofHours(1));
    }

    /**
     * The OpenTravel sample (a stay of October 2005, sent in January 2005) moved to a stay 30 days from now, sent now:
     * the journey's freshness rules rightly skip a confirmation for a stay that ended years ago, so a flow that expects
     * mail must look like a booking made today.
     */
    private static String futureSample(String reservationId) throws IOException {
        LocalDate arrival = LocalDate.now().plusDays(30);
        String sample = Files.readString(SAMPLES.resolve("opentravel-2011B-OTA_HotelResNotifRQ.xml"));
        String moved = sample.replace("ResID_Value=\"7865\"", "ResID_Value=\"" + reservationId + "\"")
                .replace("Start=\"2005-10-18\" End=\"2005-10-20\"", "Start=\"" + arrival + "\" End=\"" + arrival.plusDays(3) + "\"")
                .replace("EffectiveDate=\"2005-10-18\" ExpireDate=\"2005-10-20\"",
                        "EffectiveDate=\"" + arrival + "\" ExpireDate=\"" + arrival.plusDays(3) + "\"")
                .replace("TimeStamp=\"2005-01-26T10:22:00-05:00\"", "TimeStamp=\"" + Instant.now() + "\"");
        assertFalse(moved.contains("2005-"), "every date of the sample moved");
        return moved;
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.down();
        }
    }

    @Test
    @Order(1)
    void everyPartIsHealthyAndExposesMetricsAndOpenApi() throws Exception {
        assertEquals(List.of(), stack.unhealthyParts());
        for (LocalStack.Service service : LocalStack.SERVICES) {
            String base = "http://localhost:" + config.port(service.port());
            assertEquals(200, get(base + "/q/health").statusCode(), service.name() + " health");
            HttpResponse<String> metrics = get(base + "/q/metrics");
            assertEquals(200, metrics.statusCode(), service.name() + " metrics");
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), service.name() + " serves Prometheus metrics");
            HttpResponse<String> openapi = get(base + "/q/openapi?format=json");
            assertEquals(200, openapi.statusCode(), service.name() + " openapi");
            assertTrue(JSON.readTree(openapi.body()).path("paths").size() > 0, service.name() + " documents its API");
        }
    }

    @Test
    @Order(2)
    void theRegistryHoldsEverySchemaUnderABackwardRuleAndEveryTopicExists() throws Exception {
        HttpResponse<String> rule = get(config.registryApiUrl() + "/admin/rules/COMPATIBILITY");
        assertEquals(200, rule.statusCode(), rule.body());
        assertEquals("BACKWARD", JSON.readTree(rule.body()).path("config").asText());
        for (org.apache.avro.Schema schema : org.guestcrm.schemas.Topic.allSchemas()) {
            HttpResponse<String> artifact = get(config.registryApiUrl() + "/groups/" + schema.getNamespace()
                    + "/artifacts/" + schema.getName() + "/versions/1/content");
            assertEquals(200, artifact.statusCode(), schema.getFullName() + " is registered");
            // version 1 is what the stack registered; a producer may add its own form (nested records by reference)
            assertEquals(schema, new org.apache.avro.Schema.Parser().parse(artifact.body()), schema.getFullName() + " as registered");
        }

        Properties admin = new Properties();
        admin.put("bootstrap.servers", config.kafkaBootstrapServers());
        try (org.apache.kafka.clients.admin.Admin kafka = org.apache.kafka.clients.admin.Admin.create(admin)) {
            java.util.Set<String> topics = kafka.listTopics().names().get();
            for (org.guestcrm.schemas.Topic topic : org.guestcrm.schemas.Topic.values()) {
                assertTrue(topics.contains(topic.topicName()), topic.topicName());
                assertTrue(topics.contains(topic.deadLetterTopicName()), topic.deadLetterTopicName());
            }
            var guests = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "crm.guests");
            assertEquals("compact", kafka.describeConfigs(List.of(guests)).all().get().get(guests).get("cleanup.policy").value());
        }
    }

    @Test
    @Order(3)
    void theOpenTravelSampleBecomesAConfirmationEmailReadableOverImap() throws Exception {
        HttpResponse<String> response = postOta("demo-ota", futureSample("7865"));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("OTA_HotelResNotifRS") && response.body().contains("<Success"), response.body());

        List<String> subjects = await("a confirmation e-mail in the guest's IMAP inbox", Duration.ofSeconds(60), () -> {
            List<String> found = imapSubjects(GUEST_EMAIL);
            return found.isEmpty() ? null : found;
        });
        assertEquals(1, subjects.size(), subjects.toString());
        assertTrue(subjects.get(0).contains("7865"), subjects.get(0));

        // The outcome is recorded after the SMTP server's 250, in the dispatcher's next outcome transaction: the mail
        // can be in the inbox a moment before the journey says SENT (CI, 2026-12-03, right after the outage test).
        JsonNode communications = await("the journey's CONFIRMATION recorded as SENT", Duration.ofSeconds(30), () -> {
            try {
                JsonNode found = communications("demo", "WASJW", "7865");
                return "SENT".equals(find(found, "CONFIRMATION").path("status").asText()) ? found : null;
            } catch (Exception e) {
                return null;
            }
        });
        JsonNode confirmation = find(communications, "CONFIRMATION");
        assertFalse(confirmation.isMissingNode(), "a CONFIRMATION in " + communications.toPrettyString());
        assertEquals("EMAIL", confirmation.path("channel").asText());
        assertEquals("SENT", confirmation.path("status").asText());
        assertFalse(confirmation.path("sentAt").isMissingNode() || confirmation.path("sentAt").isNull());
    }

    @Test
    @Order(4)
    void theGuestProfileReachesTheProfileAndOptOutServices() {
        // The OTA sample's guest has no PMS profile id: the connector names it <reservation id>-G<n>.
        JsonNode guest = await("the golden guest record of the sample's guest", Duration.ofSeconds(60), () -> json(
                "http://localhost:" + config.port(StackConfig.Port.PROFILE)
                        + "/api/v1/guests?tenant=demo&sourceSystem=demo-ota&sourceProfileId=7865-G1"));
        assertEquals("David", guest.path("firstName").asText());
        assertEquals("Dewberry", guest.path("lastName").asText());
        assertEquals(GUEST_EMAIL, guest.path("emails").path(0).path("value").asText());

        JsonNode consents = await("the sample guest's contact point in the consent service", Duration.ofSeconds(60), () -> {
            JsonNode found = json("http://localhost:" + config.port(StackConfig.Port.OPTOUT)
                    + "/api/v1/consents?tenant=demo&contactPoint=" + GUEST_EMAIL);
            return found != null && found.path("heldBy").size() > 0 ? found : null;
        });
        assertEquals("7865-G1", consents.path("heldBy").path(0).path("pmsProfileId").asText(), consents.toPrettyString());
        assertEquals(0, consents.path("current").size(), "the OTA sample says nothing about marketing: no consent invented");
    }

    @Test
    @Order(5)
    void aCancellationCancelsEveryPendingCommunication() throws Exception {
        String future = futureSample("E2E-9001");
        assertEquals(200, postOta("demo-ota", future).statusCode());

        // Wait for the confirmation to go out, so that what is pending is the stay's later steps only.
        JsonNode booked = await("the confirmation sent and later steps pending", Duration.ofSeconds(60), () -> {
            JsonNode list = communicationsOrNull("demo", "WASJW", "E2E-9001");
            return list != null && "SENT".equals(find(list, "CONFIRMATION").path("status").asText())
                    && countStatus(list, "SCHEDULED") + countStatus(list, "RESCHEDULED") >= 3 ? list : null;
        });
        int pending = countStatus(booked, "SCHEDULED") + countStatus(booked, "RESCHEDULED");

        String cancel = future.replace("ResStatus=\"Commit\"", "ResStatus=\"Cancel\"")
                .replaceFirst("TimeStamp=\"[^\"]+\"", "TimeStamp=\"" + Instant.now() + "\"");
        HttpResponse<String> cancelled = postOta("demo-ota", cancel);
        assertEquals(200, cancelled.statusCode(), cancelled.body());

        // Every step of the stay is cancelled; what is pending now is the cancellation notice to the guest (sent a
        // short while after the change, so that a burst of changes makes one mail).
        JsonNode after = await("every pending step cancelled and the cancellation notice planned", Duration.ofSeconds(60), () -> {
            JsonNode list = communicationsOrNull("demo", "WASJW", "E2E-9001");
            if (list == null) {
                return null;
            }
            int stillPending = 0;
            for (JsonNode c : list) {
                boolean pendingStatus = "SCHEDULED".equals(c.path("status").asText()) || "RESCHEDULED".equals(c.path("status").asText());
                if (pendingStatus && !"CANCELLATION".equals(c.path("step").asText())) {
                    stillPending++;
                }
            }
            return stillPending == 0 && !find(list, "CANCELLATION").isMissingNode() ? list : null;
        });
        assertEquals(pending, countStatus(after, "CANCELLED"), after.toPrettyString());
        JsonNode notice = find(after, "CANCELLATION");
        assertTrue(java.util.Set.of("SCHEDULED", "SENT").contains(notice.path("status").asText()), notice.toPrettyString());
    }

    @Test
    @Order(5)
    void aBookingInTheSimulatedPmsArrivesThroughItsThinWebhookAndIsConfirmedByMail() throws Exception {
        // The stack's simulated apaleo: its webhook names the reservation, the connector fetches it from the
        // simulator's apaleo API with the credentials ./crm up set through the feed API, and the journey mails it.
        String simulator = "http://localhost:" + config.port(StackConfig.Port.PMS_SIM);
        String email = "webhook.guest@simulated-pms.example.org";
        HttpResponse<String> customer = put(simulator + "/simulator/customers/CUST-E2E-1",
                "{\"firstName\": \"Wanda\", \"lastName\": \"Hook\", \"email\": \"" + email + "\", \"languageCode\": \"en\"}");
        assertEquals(200, customer.statusCode(), customer.body());
        LocalDate arrival = LocalDate.now().plusDays(20);
        HttpResponse<String> booked = put(simulator + "/simulator/reservations/E2EWH-1",
                "{\"propertyId\": \"MUC\", \"customerId\": \"CUST-E2E-1\", \"arrival\": \"" + arrival
                        + "\", \"departure\": \"" + arrival.plusDays(2) + "\", \"adults\": 2, \"totalGrossAmount\": 310.00,"
                        + " \"currency\": \"EUR\"}");
        assertEquals(200, booked.statusCode(), booked.body());

        List<String> subjects = await("the confirmation of the webhook booking over IMAP", Duration.ofSeconds(90), () -> {
            List<String> found = imapSubjects(email);
            return found.isEmpty() ? null : found;
        });
        assertEquals(1, subjects.size(), subjects.toString());
        assertTrue(subjects.get(0).contains("E2EWH-1"), subjects.get(0));
        JsonNode confirmation = find(communications("demo", "MUC", "E2EWH-1"), "CONFIRMATION");
        assertEquals("SENT", confirmation.path("status").asText(), confirmation.toPrettyString());
    }

    @Test
    @Order(5)
    void aPreCheckInForTomorrowGoesAsATextMessageToTheNumberInE164() throws Exception {
        // The journey-service's SMS steps (pre-check-in) go to the stack's SMS catcher, Twilio's API shape; the number
        // was given in national form and is read with the hotel's country (CH). The hotel's time zone was chosen when the
        // stack started so that it is early afternoon there (LocalStack.e2eSmsZone): tomorrow's pre-check-in (10:00 the
        // day before) is due already, at whatever hour this runs. (Computed again here, the offset may differ by an hour
        // from the stack's, never the date: it is 13:00-16:00 there.)
        LocalDate arrival = LocalDate.now(LocalStack.e2eSmsZone()).plusDays(1);
        String body = "{\"hotelCode\": \"" + LocalStack.E2E_SMS_HOTEL + "\", \"pmsReservationId\": \"E2ESMS-1\", \"status\": \"CONFIRMED\","
                + " \"arrival\": \"" + arrival + "\", \"departure\": \"" + arrival.plusDays(2) + "\","
                + " \"totalAmount\": {\"amount\": 280.00, \"currency\": \"CHF\"},"
                + " \"guests\": [{\"pmsProfileId\": \"E2ESMS-P1\", \"primary\": true, \"firstName\": \"Tess\", \"lastName\": \"Text\","
                + " \"language\": \"en\", \"emails\": [\"tess.text@sms-guest.example.org\"], \"phones\": [\"079 123 45 67\"]}]}";
        HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(URI.create(connector() + "/api/v1/feeds/demo-json/reservations"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer demo")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());

        String catcher = "http://localhost:" + config.port(StackConfig.Port.SMS) + "/messages?to=%2B41791234567";
        JsonNode texts = await("the pre-check-in text at the SMS catcher", Duration.ofSeconds(90), () -> {
            JsonNode found = unauthenticatedJson(catcher);
            return found != null && found.size() > 0 ? found : null;
        });
        assertEquals(1, texts.size(), texts.toPrettyString());
        assertEquals("+41791234567", texts.get(0).path("to").asText());
        // The dispatcher records the round's outcomes after the gateway answered: the text can be at the catcher a
        // moment before its communication reads SENT.
        JsonNode preCheckIn = await("the pre-check-in recorded SENT", Duration.ofSeconds(60), () -> {
            JsonNode list = communicationsOrNull("demo", LocalStack.E2E_SMS_HOTEL, "E2ESMS-1");
            JsonNode step = list == null ? null : find(list, "PRE_CHECK_IN");
            return step != null && "SENT".equals(step.path("status").asText()) ? step : null;
        });
        assertEquals("SMS", preCheckIn.path("channel").asText(), preCheckIn.toPrettyString());
    }

    private static JsonNode unauthenticatedJson(String url) {
        try {
            HttpResponse<String> response = get(url);
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Test
    @Order(6)
    void invalidInputIsRejectedWithAReasonAndNothingIsSent() throws Exception {
        HttpResponse<String> malformed = postOta("demo-ota", "<OTA_HotelResNotifRQ xmlns=\"http://www.opentravel.org/OTA/2003/05\"><HotelReservations>");
        assertEquals(400, malformed.statusCode(), malformed.body());
        assertTrue(malformed.body().contains("<Errors>"), malformed.body());

        HttpRequest noToken = HttpRequest.newBuilder(URI.create(connector() + "/api/v1/feeds/demo-ota/ota"))
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(Files.readString(SAMPLES.resolve("opentravel-2011B-OTA_HotelResNotifRQ.xml"))))
                .build();
        assertEquals(401, HTTP.send(noToken, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    @Order(7)
    void aHotelGroupScenarioMirrorsItsPmsAndMailsNobodyWrongly() {
        // ./crm scenario in small: 40 people at six hotels on five feeds (OTA and JSON push, webhooks, export files, a polled API), a history import first,
        // modifications, a move, a cancellation, a no-show, an opt-out said at the desk, out-of-order changes and
        // returning guests with variant details; then every reservation checked against what its PMS last said.
        ScenarioRun.Result result = new ScenarioRun(stack, System.out).run(40, Duration.ofMinutes(3));
        System.out.println(result.line());
        assertTrue(result.settled(), result::line);
        assertEquals(result.reservations(), result.accepted(), result::line);
        assertTrue(result.checked() >= result.reservations(), result::line);
        result.violations().forEach((rule, count) -> assertEquals(0, count, () -> rule + ": " + result.line()));
        assertEquals(0, result.duplicateMails(), result::line);
        assertTrue(result.sameEmailPairs() > 0, result::line);
        assertEquals(0, result.sameEmailPairsSplit(), result::line);
        // Every person is distinct: a merge of two of them is a false match the golden records must not make.
        assertTrue(result.precision() >= 0.99, result::line);
        // The campaign launched to the group: the opted-out are skipped and get none of it; the campaign mails read back
        // over IMAP carry RFC 8058's List-Unsubscribe (an https link) and List-Unsubscribe-Post headers.
        assertTrue(result.campaign().launched(), result::line);
        assertEquals(0, result.campaign().optedOutMailed(), result::line);
        assertEquals(List.of(), result.campaign().headerProblems(), result::line);
    }

    @Test
    @Order(8)
    void aShortChaosRunLosesNothingAndDuplicatesNothing() {
        // ./crm chaos in small: 75 s of bookings through both feeds (some posted twice, some modified before they
        // are created, some moved or cancelled), the journey-service SIGKILLed and started again, every service
        // database refusing connections for 10 s, PostgreSQL frozen (SIGSTOP) for 10 s, the mail catcher down for 10 s.
        // Figures go to the test's output.
        ChaosRun.Options options = new ChaosRun.Options(Duration.ofSeconds(75), 3,
                List.of(ChaosRun.Fault.KILL_JOURNEY, ChaosRun.Fault.POSTGRES_OUTAGE, ChaosRun.Fault.POSTGRES_PAUSE,
                        ChaosRun.Fault.SMTP_OUTAGE),
                Duration.ofSeconds(10), Duration.ofMinutes(4));
        ChaosRun.Result result = new ChaosRun(stack, System.out).run(options);
        System.out.println(result.line());
        assertTrue(result.accepted() > 0, result::line);
        assertEquals(0, result.lost(), result::line);
        assertEquals(0, result.duplicateEffects(), result::line);
        assertEquals(0, result.deadLetters(), result::line);
        assertTrue(result.caughtUp() && result.lagAfter() == 0, result::line);
        assertTrue(result.faults().stream().allMatch(f -> f.failure() == null), result::line);
    }

    @Test
    @Order(9)
    void hostileInputGetsNoServerErrorAndLeavesEveryServiceReady() {
        // ./crm fuzz in small, with a fixed seed: malformed XML/JSON bodies, wrong content types, forged and missing
        // tokens, hostile path and query parameters at the feeds and every service's staff API.
        Map<String, Long> deadLettersBefore = ChaosRun.deadLetterEnds(config.kafkaBootstrapServers());
        // Half of the requests go to the operations of the six services' OpenAPI documents (every operation at least
        // once in 600), half to the hand-written targets.
        HostileInput.Result result = new HostileInput(stack, System.out).run(600, 20261201L);
        System.out.println(result.line());
        // Whatever the doors accepted must be usable downstream: once consumed, no new dead letter anywhere (a NUL in
        // a JSON name once passed the connector and dead-lettered at profile- and journey-service).
        java.time.Instant drainedBy = java.time.Instant.now().plus(Duration.ofMinutes(2));
        while (ConsumerLag.read(config.kafkaBootstrapServers()).stream().mapToLong(l -> Math.max(0, l.lag())).sum() > 0
                && java.time.Instant.now().isBefore(drainedBy)) {
            DetachedProcess.pause(Duration.ofSeconds(1));
        }
        Map<String, Long> deadLettersAfter = ChaosRun.deadLetterEnds(config.kafkaBootstrapServers());
        assertEquals(deadLettersBefore, deadLettersAfter, "dead letters written after the hostile input");
        assertTrue(result.tried() > 550, result::line);
        assertEquals(List.of(), result.documentsUnread(), result::line);
        assertTrue(result.operationsDeclared() > 100 && result.operationsTried() >= result.operationsDeclared() * 95 / 100,
                result::line);
        // No 5xx at all (the two this generator found on 2026-12-01, a NUL as the connector's feed id and a signed link
        // token thousands of characters long at the opt-out service, were fixed and are tested in their modules).
        assertEquals(List.of(), result.serverErrors(), result::line);
        assertEquals(List.of(), result.unhealthy(), result::line);
        // Every 4xx says why in a body (problem+json, OTA Errors, an HTML page on the signed links), except 431 and 414:
        // Netty refuses oversized headers and request lines before any route of the service runs (414 since the fuzz
        // speaks HTTP/1.1 as browsers do; over the h2c upgrade the same requests were 431).
        List<String> withoutBody = result.withoutProblemBody().keySet().stream()
                .filter(k -> !k.endsWith(" 431") && !k.endsWith(" 414")).toList();
        assertEquals(List.of(), withoutBody, result::line);
    }

    @Test
    @Order(9)
    void aShortBenchmarkConfirmsEveryBookingAndPrintsItsFiguresBesideTheCeilings() {
        // ./crm bench in small: 40 bookings, 4 in flight. The figures are not judged here (a test is no benchmark); what is
        // checked is that the command measures what it says: every booking confirmed by mail, a latency per booking, the
        // work of every service database and of every process, and the three raw ceilings measured in the same run.
        long acceptedBefore = demoOtaFeed().path("accepted").asLong();
        Instant benchStarted = Instant.now();
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        PipelineBenchmark benchmark = new PipelineBenchmark(stack, new PrintStream(printed, true, StandardCharsets.UTF_8));
        PipelineBenchmark.Result result = benchmark.run(40, 4, Duration.ofMinutes(3));
        benchmark.print(result);
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertEquals(0, result.rejected(), output);
        assertEquals(40, result.confirmationLatencyMillis().length, output);
        assertEquals(40, result.scheduleLatencyMillis().length, output);
        for (String database : List.of("connector", "profile", "journey", "optout", "desk")) {
            assertTrue(result.databaseWork().containsKey(database), database + " missing: " + output);
        }
        // No count is judged: the journey commits per batch, not per booking (0.8 per booking in CI at 72dcf98), and
        // PostgreSQL's backends flush these counters at most once a second and, idle, within 10 s, so a window of a
        // second (a quiet machine drains 40 bookings in one) may see only part of them. What can be checked: the
        // counters were read before and after, for every service database.
        result.databaseWork().forEach((database, work) -> assertTrue(work.commits() >= 0 && work.written() >= 0,
                () -> database + " went backwards: " + output));
        assertTrue(result.cpuMillisPerPart().get("pms-connector") > 0, output);
        assertEquals(3, result.ceilings().size(), output);
        result.ceilings().forEach(ceiling -> assertTrue(ceiling.perSecond() > 0, () -> ceiling + ": " + output));
        assertTrue(output.contains("PostgreSQL all service databases"), output);

        // The ops console saw the same load: the feed's count grew by the bench's bookings and its warm-up, its last
        // message is from this run, and every consumer group it judges has caught up.
        Instant seenBy = Instant.now().plus(Duration.ofMinutes(1));
        JsonNode feed = demoOtaFeed();
        while ((feed.path("accepted").asLong() < acceptedBefore + 41 || !seenAfter(feed, benchStarted) || !overview().path("lag").path("groups").findValuesAsText("state")
                .stream().allMatch("OK"::equals)) && Instant.now().isBefore(seenBy)) {
            DetachedProcess.pause(Duration.ofSeconds(2));
            feed = demoOtaFeed();
        }
        // At least: the console reads the connector's counters every few seconds, and the hostile-input run may have
        // had messages accepted just before.
        assertTrue(feed.path("accepted").asLong() >= acceptedBefore + 41, feed::toString);
        assertFalse(feed.path("silent").asBoolean(), feed::toString);
        assertTrue(Instant.parse(feed.path("lastMessageSeenAt").asText()).isAfter(benchStarted), feed::toString);
        JsonNode groups = overview().path("lag").path("groups");
        assertTrue(groups.size() >= 10, groups::toString);
        for (JsonNode group : groups) {
            // Judged OK; a few records may be in flight (the journey keeps writing communications after the run).
            assertEquals("OK", group.path("state").asText(), group::toString);
            assertTrue(group.path("lag").asLong() >= 0, group::toString);
        }
    }

    @Test
    @Order(9)
    void aShortIngestBenchmarkSeesEveryEventOfEveryDeliveryModeOnKafka() {
        // ./crm bench-ingest in small: 20 reservations per delivery mode. No figure is judged; what is checked is that every
        // mode delivered all its reservations to pms.reservations (seen by key), each with a latency, nothing refused.
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        IngestBenchmark benchmark = new IngestBenchmark(stack, new PrintStream(printed, true, StandardCharsets.UTF_8));
        List<IngestBenchmark.ModeResult> results = benchmark.run(20, 4, IngestBenchmark.MODES);
        benchmark.print(results, false);
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertEquals(IngestBenchmark.MODES, results.stream().map(IngestBenchmark.ModeResult::mode).toList(), output);
        for (IngestBenchmark.ModeResult result : results) {
            assertEquals(20, result.seen(), () -> result.mode() + ": " + output);
            assertEquals(0, result.refused(), () -> result.mode() + ": " + output);
            assertTrue(result.connectorCpuMillis() > 0, () -> result.mode() + ": " + output);
        }
        assertTrue(IngestBenchmark.passed(results), output);
    }

    @Test
    @Order(9)
    void aShortHistoryImportBenchmarkDeduplicatesEveryProfileAndMailsNobody() {
        // ./crm bench-import in small: 250 profiles (50 of them second profiles of earlier persons) and 500 past stays,
        // streamed as two import files. No rate is judged; what is checked is that the command measures what it says:
        // every row accepted, every profile found again among the tenant's guests, the consumers caught up, no sampled
        // past stay with a communication, CPU per part and the three ceilings.
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        HistoryImportBench bench = new HistoryImportBench(stack, new PrintStream(printed, true, StandardCharsets.UTF_8));
        HistoryImportBench.Result result = bench.run(250, 500, Duration.ofMinutes(5));
        bench.print(result);
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertTrue(result.passed(), output);
        assertEquals(2, result.jobs().size(), output);
        result.jobs().forEach(job -> assertEquals("DONE", job.state(), output));
        assertEquals(750, result.jobs().stream().mapToInt(HistoryImportBench.Job::accepted).sum(), output);
        assertEquals(250, result.quality().sourcesFound(), output);
        // 50 second profiles: at least 50 true pairs (a person may have three profiles), of which the golden records must
        // hold some (the matcher's quality is the profile-service's to prove; here, that pairs are counted from the export).
        assertTrue(result.quality().truePairs() >= 50, output);
        assertTrue(result.quality().correctPairs() > 0, output);
        assertFalse(Double.isNaN(result.settledSeconds()), output);
        assertEquals(0, result.sampledWithCommunications(), output);
        assertTrue(result.cpuMillisPerPart().get("profile-service") > 0, output);
        assertEquals(3, result.ceilings().size(), output);
    }

    /** The console probes every few seconds: its last reading may still predate the run (CI at 9855375). */
    private static boolean seenAfter(JsonNode feed, Instant instant) {
        String seen = feed.path("lastMessageSeenAt").asText("");
        return !seen.isEmpty() && !"null".equals(seen) && Instant.parse(seen).isAfter(instant);
    }

    private JsonNode overview() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                    + config.port(StackConfig.Port.OPS) + "/api/v1/ops/overview")).header("Authorization", "Bearer " + token)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response::body);
            return JSON.readTree(response.body());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode demoOtaFeed() {
        for (JsonNode feed : overview().path("feeds")) {
            if (feed.path("feed").asText().equals("demo-ota")) {
                return feed;
            }
        }
        return JSON.createObjectNode().put("accepted", 0);
    }

    @Test
    @Order(10)
    void aFeedReplayFromTheOpsConsoleReachesTheConnectorAndHasNoSecondEffect() throws Exception {
        // The operator's path end to end: the ops console forwards the replay, with the operator's own token, to the
        // connector, which re-runs the feed's raw archive of the range through today's parsing. Three bookings of
        // today, each confirmed once; replayed unchanged, they emit nothing and nobody gets a second mail.
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        Instant from = Instant.now().minusSeconds(1);
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String guest = "replay-" + run + "-" + i;
            recipients.add(MailJournal.recipientHash(guest + "@bench.example"));
            HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                            + config.port(StackConfig.Port.CONNECTOR) + "/api/v1/feeds/demo-ota/ota"))
                    .header("Content-Type", "application/xml").header("Authorization", "Bearer demo")
                    .POST(HttpRequest.BodyPublishers.ofString(PipelineBenchmark.message("REPLAY-" + run + "-" + i,
                            LocalDate.now().plusDays(20 + i), guest))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, posted.statusCode(), posted::body);
            assertTrue(posted.body().contains("<Success"), posted::body);
        }
        java.util.function.Supplier<Long> mails = () -> MailJournal.read(stack.mailJournal()).stream()
                .filter(entry -> recipients.contains(entry.recipientHash())).count();
        Instant confirmedBy = Instant.now().plus(Duration.ofMinutes(2));
        while (mails.get() < 3 && Instant.now().isBefore(confirmedBy)) {
            DetachedProcess.pause(Duration.ofMillis(500));
        }
        assertEquals(3, mails.get(), "each booking confirmed once before the replay");
        Instant to = Instant.now().plusSeconds(1);

        String console = "http://localhost:" + config.port(StackConfig.Port.OPS);
        String range = "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}";
        HttpResponse<String> replayed = HTTP.send(HttpRequest.newBuilder(URI.create(console + "/api/v1/ops/feeds/demo-ota/replay"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(range)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, replayed.statusCode(), replayed::body);
        JsonNode answer = JSON.readTree(replayed.body());
        assertEquals(3, answer.path("messages").asInt(), replayed::body);
        assertEquals(3, answer.path("unchanged").asInt(), replayed::body);
        assertEquals(0, answer.path("eventsEmitted").asInt(), replayed::body);
        assertEquals(0, answer.path("refused").asInt(), replayed::body);

        // A range the connector refuses comes back through the console as its problem, naming the field.
        HttpResponse<String> backwards = HTTP.send(HttpRequest.newBuilder(URI.create(console + "/api/v1/ops/feeds/demo-ota/replay"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"" + to + "\",\"to\":\"" + from + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, backwards.statusCode(), backwards::body);
        assertTrue(backwards.body().contains("\"to\""), backwards::body);

        HttpResponse<String> replays = HTTP.send(HttpRequest.newBuilder(URI.create(console + "/api/v1/ops/feeds/demo-ota/replays"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, replays.statusCode(), replays::body);
        assertTrue(replays.body().contains(answer.path("replayId").asText()), replays::body);

        // Nothing downstream: once every group has caught up, still one mail per booking.
        Instant drainedBy = Instant.now().plus(Duration.ofMinutes(1));
        while (ConsumerLag.read(config.kafkaBootstrapServers()).stream().mapToLong(l -> Math.max(0, l.lag())).sum() > 0
                && Instant.now().isBefore(drainedBy)) {
            DetachedProcess.pause(Duration.ofSeconds(1));
        }
        DetachedProcess.pause(Duration.ofSeconds(3));
        assertEquals(3, mails.get(), "the replay sent a second mail");
    }

    @Test
    @Order(10)
    void aSecondProcessOfEveryServiceSharesTheWorkAndEveryBookingIsConfirmedOnce() {
        // CRM_REPLICAS in small (the smoke of ./crm bench-scale, whose full run is a command): up with 2 processes per
        // service starts only the five second processes (the rest is left alone), each joins its service's consumer
        // groups, the bench spreads its POSTs over both connectors, and every booking is confirmed exactly once.
        StackConfig two = new StackConfig(config.repositoryRoot(), config.stateDirectory(), config.classpath(),
                config.ports(), config.jvmOptions(), config.partitions(), 2);
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        LocalStack replicated = new LocalStack(two, new PrintStream(printed, true, StandardCharsets.UTF_8));
        Map<String, Long> before = stack.groupLeaders();
        List<String> seconds = List.of("pms-connector-2", "profile-service-2", "journey-service-2", "optout-service-2",
                "desk-service-2");
        try {
            replicated.up();
            Map<String, Long> after = replicated.groupLeaders();
            before.forEach((part, pid) -> assertEquals(pid, after.get(part), part + " was left alone: " + printed));
            for (String second : seconds) {
                assertTrue(after.containsKey(second), second + " runs: " + printed);
            }
            // Both journey processes hold partitions of pms.reservations before the bench starts (the group rebalanced).
            Instant until = Instant.now().plus(Duration.ofSeconds(90));
            Map<String, Integer> owned = reservationPartitionsByMember("journey-service");
            while ((owned.size() < 2 || owned.containsValue(0)) && Instant.now().isBefore(until)) {
                DetachedProcess.pause(Duration.ofSeconds(1));
                owned = reservationPartitionsByMember("journey-service");
            }
            assertEquals(2, owned.size(), "members of journey-service: " + owned);
            assertFalse(owned.containsValue(0), "each journey process holds a partition: " + owned);
            assertEquals(config.partitions(), owned.values().stream().mapToInt(Integer::intValue).sum(), owned::toString);

            Path journal = stack.mailJournal();
            Instant benchStarted = Instant.now();
            PipelineBenchmark benchmark = new PipelineBenchmark(replicated, new PrintStream(printed, true, StandardCharsets.UTF_8));
            PipelineBenchmark.Result result = benchmark.run(40, 4, Duration.ofMinutes(3));
            benchmark.print(result);
            String output = printed.toString(StandardCharsets.UTF_8);
            System.out.println(output);
            assertTrue(output.contains("2 process(es) per service"), output);
            // Half of the POSTs went to the second connector: none refused.
            assertEquals(0, result.rejected(), output);
            assertEquals(40, result.confirmationLatencyMillis().length, output);
            // Exactly once: no communication was mailed twice since the bench began (the journal keys each mail by the
            // journey's communication id), and at least the bench's 40 confirmations are in it.
            Map<String, Long> perCommunication = MailJournal.read(journal).stream()
                    .filter(entry -> entry.receivedAtMillis() >= benchStarted.toEpochMilli() && !entry.communicationId().equals("-"))
                    .collect(java.util.stream.Collectors.groupingBy(MailJournal.Entry::communicationId,
                            java.util.stream.Collectors.counting()));
            assertTrue(perCommunication.size() >= 40, perCommunication.size() + " mails: " + output);
            assertEquals(Map.of(), perCommunication.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), output);
        } finally {
            for (String second : seconds) {
                replicated.stopPart(second);
            }
        }
        assertEquals(before.keySet(), stack.groupLeaders().keySet(), "the second processes are stopped again");
    }

    /** Partitions of pms.reservations each member of {@code group} holds, by member (client) id. */
    private static Map<String, Integer> reservationPartitionsByMember(String group) {
        Properties properties = new Properties();
        properties.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(properties)) {
            Map<String, Integer> owned = new java.util.TreeMap<>();
            for (org.apache.kafka.clients.admin.MemberDescription member : admin.describeConsumerGroups(List.of(group))
                    .describedGroups().get(group).get(10, java.util.concurrent.TimeUnit.SECONDS).members()) {
                owned.merge(member.consumerId(), (int) member.assignment().topicPartitions().stream()
                        .filter(tp -> tp.topic().equals("pms.reservations")).count(), Integer::sum);
            }
            return owned;
        } catch (Exception e) {
            throw new AssertionError("cannot describe " + group + ": " + e, e);
        }
    }

    @Test
    @Order(11)
    void upStartsACrashedPartAgainAndLeavesTheOthersAloneAndRestartRestartsOnePart() {
        Map<String, Long> before = stack.groupLeaders();
        long optout = before.get("optout-service");
        assertEquals(List.of(), DetachedProcess.stopGroup(optout, Duration.ZERO), "optout-service killed");
        assertFalse(stack.runningParts().contains("optout-service"));

        stack.up();
        Map<String, Long> afterUp = stack.groupLeaders();
        assertTrue(afterUp.get("optout-service") != optout, "optout-service runs again as a new process");
        before.forEach((part, pid) -> {
            if (!part.equals("optout-service")) {
                assertEquals(pid, afterUp.get(part), part + " was left alone");
            }
        });
        assertTrue(stackOutput.toString(StandardCharsets.UTF_8).contains("Already running, left alone"), stackOutput::toString);

        stack.restart("journey");
        Map<String, Long> afterRestart = stack.groupLeaders();
        assertTrue(!afterRestart.get("journey-service").equals(afterUp.get("journey-service")), "journey-service restarted");
        assertEquals(afterUp.get("pms-connector"), afterRestart.get("pms-connector"), "the connector was left alone");
        assertEquals(List.of(), stack.unhealthyParts());
    }

    @Test
    @Order(12)
    void downStopsEveryProcessItStarted() {
        Map<String, Long> leaders = stack.groupLeaders();
        assertEquals(stack.allParts().size(), leaders.size(), "every part runs before down: " + leaders);
        List<String> stopped = stack.down();
        assertEquals(leaders.keySet().stream().sorted().toList(), stopped.stream().sorted().toList());
        for (Map.Entry<String, Long> leader : leaders.entrySet()) {
            assertEquals(List.of(), DetachedProcess.processGroup(leader.getValue()), leader.getKey() + " left processes behind");
        }
        assertEquals(List.of(), stack.runningParts());
        stack = null;
    }

    private static String connector() {
        return "http://localhost:" + config.port(StackConfig.Port.CONNECTOR);
    }

    private static HttpResponse<String> postOta(String feed, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(connector() + "/api/v1/feeds/" + feed + "/ota"))
                .header("Content-Type", "application/xml")
                .header("Authorization", "Bearer demo")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> put(String url, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode communications(String tenant, String hotel, String reservation) throws Exception {
        JsonNode list = communicationsOrNull(tenant, hotel, reservation);
        assertTrue(list != null, "communications of " + reservation);
        return list;
    }

    private static JsonNode communicationsOrNull(String tenant, String hotel, String reservation) {
        return json("http://localhost:" + config.port(StackConfig.Port.JOURNEY)
                + "/api/v1/reservations/" + tenant + "/" + hotel + "/" + reservation + "/communications");
    }

    /** The JSON body of a 200 answer, or null (not there yet). */
    private static JsonNode json(String url) {
        try {
            HttpResponse<String> response = get(url);
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static JsonNode find(JsonNode communications, String step) {
        for (JsonNode communication : communications) {
            if (step.equals(communication.path("step").asText())) {
                return communication;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static int countStatus(JsonNode communications, String status) {
        int count = 0;
        for (JsonNode communication : communications) {
            if (status.equals(communication.path("status").asText())) {
                count++;
            }
        }
        return count;
    }

    private static List<String> imapSubjects(String address) {
        Properties properties = new Properties();
        properties.put("mail.store.protocol", "imap");
        properties.put("mail.imap.host", "localhost");
        properties.put("mail.imap.port", Integer.toString(config.port(StackConfig.Port.IMAP)));
        try {
            Store store = Session.getInstance(properties).getStore("imap");
            store.connect("localhost", config.port(StackConfig.Port.IMAP), address, address);
            try {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                List<String> subjects = new ArrayList<>();
                for (Message message : inbox.getMessages()) {
                    subjects.add(message.getSubject());
                }
                inbox.close(false);
                return subjects;
            } finally {
                store.close();
            }
        } catch (jakarta.mail.MessagingException e) {
            return List.of(); // no mailbox yet: nothing was delivered to this address
        }
    }

    private static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            DetachedProcess.pause(Duration.ofMillis(250));
        }
    }
}
