package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.ConsentChannel;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentPurpose;
import org.guestcrm.events.ConsentSource;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.events.MergeDecision;
import org.guestcrm.events.Money;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.events.SurveyAnswered;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterEach;
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
import jakarta.inject.Inject;

/**
 * "The KPI page shows true numbers for the demo data in a real browser": a realistic hotel group's data set (three
 * hotels with their own feeds; bookings, changes, cancellations, requests, history imports; an inquiry answered by a
 * quote that converts; communications with their outcomes, SMS with and without segment counts; consents; post-stay
 * survey answers; golden guests with a merge and a split; campaign mails, a click and bookings within 30 days) is
 * published to the real topics (and the inquiry and quote through the API). Every figure the page shows is then
 * checked in headless Chromium against values this test computes from the data set itself (the model below, never
 * read back from the service), and the CSV export against the same expectations.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class DemoDataKpiPageTest {

    static final Duration WAIT = Duration.ofSeconds(120);
    static final String GROUP = "group";
    static final Set<String> BOOKED = Set.of("CONFIRMED", "CHECKED_IN", "CHECKED_OUT");
    static final Set<String> RATES = Set.of("conversionRate", "consentRate", "surveyResponseRate");

    @TestHTTPResource("/")
    URI base;
    @Inject
    DeskClock clock;

    /** A reservation as its PMS lived it: statuses in order (sequence 1..n), one second apart from {@code at}. */
    record Res(String hotel, String id, String who, List<String> statuses, boolean history, Instant at,
               Instant createdAt, String amount, String currency) {
        String last() {
            return statuses.getLast();
        }

        boolean request() {
            return !history && (statuses.getFirst().equals("TENTATIVE") || statuses.getFirst().equals("WAITLISTED"));
        }
    }

    /** A communication outcome as the journey reports it. */
    record Comm(String hotel, String reservation, String guestId, String step, CommunicationChannel channel,
                CommunicationStatus status, Integer segments, Instant at, UUID communicationId) {
    }

    /** A marketing e-mail consent record of the ledger ({@code hotel} null: tenant-wide). */
    record Consent(String who, String hotel, ConsentStatus status, Instant effective) {
    }

    /** A post-stay survey answer. */
    record Answer(String hotel, String reservation, int score, Map<String, Integer> ratings, String comment, Instant at) {
    }

    String tenant;
    Instant now;
    LocalDate fromDay;
    LocalDate toDay;
    Instant from;
    Instant to;
    final List<Res> reservations = new ArrayList<>();
    final List<Comm> comms = new ArrayList<>();
    final List<Consent> consents = new ArrayList<>();
    final List<Answer> answers = new ArrayList<>();
    /** Golden guests listed on crm.guests: guestId -> PMS profile ids. */
    final Map<String, List<String>> goldenGuests = new LinkedHashMap<>();
    final List<String> mergedAway = new ArrayList<>();
    int merges;
    int splits;
    /** The inquiry posted through the API, answered by a quote after {@code answerMinutes}. */
    Instant inquiryAt;
    long answerMinutes = 45;
    String inquiryHotel = "BERLIN";

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void theKpiPageAndCsvShowTheTrueNumbersOfADemoHotelGroup() throws Exception {
        tenant = "demo-" + UUID.randomUUID().toString().substring(0, 8);
        now = Instant.now();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        fromDay = today.minusDays(7);
        toDay = today.plusDays(2);
        from = fromDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        to = toDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        LocalDate arrival = today.plusDays(40);

        // 1. The inquiry (a web-form request entered by staff) 50 minutes ago, its quote 45 minutes later (the desk's
        // clock stopped at those instants so that the time to answer is exact), valid 20 days.
        inquiryAt = now.minus(Duration.ofMinutes(50));
        clock.setNow(inquiryAt);
        String quinn = "quinn-" + tenant + "@example.com";
        String leadId = Staff.agent(tenant).body(Map.of("hotelCode", inquiryHotel,
                        "guest", Map.of("name", "Quinn Harbour", "email", quinn, "language", "en"),
                        "arrival", arrival.toString(), "departure", arrival.plusDays(3).toString(),
                        "adults", 2, "rooms", 1, "roomType", "DBL", "message", "Anniversary", "channel", "WEB_FORM"))
                .post("/api/v1/inquiries?tenant=" + tenant).then().statusCode(201).extract().path("id");
        clock.setNow(inquiryAt.plus(Duration.ofMinutes(answerMinutes)));
        Staff.agent(tenant).body(Map.of("roomType", "DBL", "rooms", 1, "arrival", arrival.toString(),
                        "departure", arrival.plusDays(3).toString(), "price", Map.of("amount", 780.00, "currency", "EUR"),
                        "validUntil", inquiryAt.plus(Duration.ofDays(20)).toString()))
                .post("/api/v1/leads/" + leadId + "/quotes").then().statusCode(201);
        clock.reset();

        // 2. The reservations of three hotels (each hotel its own feed).
        Instant booked = now.minus(Duration.ofHours(1));
        Instant recent = now.minus(Duration.ofMinutes(10));
        Instant fourDaysAgo = now.minus(Duration.ofDays(4));
        Instant longAgo = now.minus(Duration.ofDays(60));
        reservations.addAll(List.of(
                new Res("BERLIN", "B1", "anna", List.of("CONFIRMED"), false, booked, booked, "1200.00", "EUR"),
                new Res("BERLIN", "B2", "bert", List.of("CONFIRMED", "CONFIRMED"), false, booked, booked, "300.00", "EUR"),
                new Res("BERLIN", "B3", "carl", List.of("CONFIRMED", "CANCELLED"), false, booked, booked, "410.00", "EUR"),
                new Res("BERLIN", "B4", "dora", List.of("TENTATIVE"), false, recent, recent, null, null),
                new Res("BERLIN", "B5", "quinn", List.of("CONFIRMED"), false, recent, recent, "780.00", "EUR"),
                new Res("BERLIN", "B6", "kurt", List.of("CHECKED_OUT"), true, now, longAgo, "520.00", "EUR"),
                new Res("MUNICH", "M1", "erin", List.of("CONFIRMED"), false, booked, booked, "250.50", "CHF"),
                new Res("MUNICH", "M2", "fritz", List.of("TENTATIVE"), false, fourDaysAgo, fourDaysAgo, null, null),
                new Res("MUNICH", "M3", "gina", List.of("CHECKED_OUT"), true, now, longAgo, "610.00", "EUR"),
                new Res("HAMBURG", "H1", "hans", List.of("WAITLISTED", "CANCELLED"), false, recent, recent, null, null),
                new Res("HAMBURG", "H2", "ida", List.of("CONFIRMED"), false, booked, booked, "199.00", "EUR")));
        for (Res r : reservations) {
            Stay stay = stay(r, arrival);
            for (int i = 0; i < r.statuses().size(); i++) {
                ReservationChanged snapshot = stay.snapshot(i + 1, ReservationStatus.valueOf(r.statuses().get(i)),
                        r.at().plusSeconds(i), r.history());
                ReservationChanged.Builder b = ReservationChanged.newBuilder(snapshot).setCreatedAt(r.createdAt())
                        .setPmsSystem("test-pms")
                        .setMetadata(EventMetadata.newBuilder(snapshot.getMetadata()).setSource(feedOf(r.hotel())).build());
                if (r.amount() != null) {
                    b.setTotalAmount(Money.newBuilder().setAmount(new BigDecimal(r.amount())).setCurrency(r.currency()).build());
                }
                KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(), b.build());
            }
        }

        // 3. Golden guests (crm.guests) listing the bookings' PMS profiles; bert's duplicate merged into him, a profile
        // split off carl's record into a new guest (crm.guest-merges).
        goldenGuests.put(g("anna"), List.of(profile("B1")));
        goldenGuests.put(g("bert"), List.of(profile("B2")));
        goldenGuests.put(g("bert2"), List.of("P-bert-old-" + tenant));
        goldenGuests.put(g("carl"), List.of(profile("B3"), "P-carl-old-" + tenant));
        goldenGuests.put(g("erin"), List.of(profile("M1")));
        goldenGuests.put(g("carl2"), List.of("P-carl-old-" + tenant));
        goldenGuests.forEach((id, profiles) -> KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), id,
                GuestLinkTest.guest(tenant, id, 1, profiles.toArray(String[]::new))));
        KafkaTestClients.sendAvro(Topic.CRM_GUEST_MERGES.topicName(), g("bert"), GuestMerged.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "GuestMerged")).setSurvivingGuestId(g("bert"))
                .setMergedGuestIds(List.of(g("bert2"))).setDecidedBy(MergeDecision.REVIEWER).build());
        KafkaTestClients.sendRaw(Topic.CRM_GUESTS.topicName(), g("bert2"), null);
        mergedAway.add(g("bert2"));
        merges++;
        KafkaTestClients.sendAvro(Topic.CRM_GUEST_MERGES.topicName(), g("carl"), GuestSplit.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "GuestSplit")).setOriginalGuestId(g("carl"))
                .setNewGuestId(g("carl2")).setMovedSourceProfiles(List.of(GuestLinkTest.profile("P-carl-old-" + tenant)))
                .setDecidedBy(MergeDecision.REVIEWER).build());
        splits++;

        // The communications refer to reservations: they go out once the desk holds all of them.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> csvRow(csv(), GROUP).get("reservationsKnown").equals(String.valueOf(reservations.size())));

        // 4. Communications with their outcomes: confirmations (one opened, one bounced), a pre-check-in SMS of two
        // segments, an in-stay SMS without a segment count, post-stay surveys, campaign mails (spring to anna 10 days
        // ago, clicked 5 days ago; summer to erin 3 days ago).
        UUID spring = UUID.randomUUID();
        comm("BERLIN", "B1", "CONFIRMATION", CommunicationChannel.EMAIL, CommunicationStatus.SENT, null, now);
        comm("BERLIN", "B1", "CONFIRMATION", CommunicationChannel.EMAIL, CommunicationStatus.OPENED, null, now.plusSeconds(1));
        comm("BERLIN", "B2", "CONFIRMATION", CommunicationChannel.EMAIL, CommunicationStatus.SENT, null, now);
        comm("BERLIN", "B5", "CONFIRMATION", CommunicationChannel.EMAIL, CommunicationStatus.SENT, null, now);
        comm("BERLIN", "B6", "POST_STAY_SURVEY", CommunicationChannel.EMAIL, CommunicationStatus.SENT, null, now);
        comm("MUNICH", "M1", "CONFIRMATION", CommunicationChannel.EMAIL, CommunicationStatus.SENT, null, now);
        comm("MUNICH", "M1", "PRE_CHECK_IN", CommunicationChannel.SMS, CommunicationStatus.SENT, 2, now);
        comm("MUNICH", "M3", "POST_STAY_SURVEY", CommunicationChannel.EMAIL, CommunicationStatus.SENT, null, now);
        comm("HAMBURG", "H2", "CONFIRMATION", CommunicationChannel.EMAIL, CommunicationStatus.BOUNCED, null, now);
        comm("HAMBURG", "H2", "IN_STAY", CommunicationChannel.SMS, CommunicationStatus.SENT, null, now);
        comms.add(new Comm("BERLIN", null, g("anna"), "CAMPAIGN:spring", CommunicationChannel.EMAIL, CommunicationStatus.SENT,
                        null, now.minus(Duration.ofDays(10)), spring));
        comms.add(new Comm("BERLIN", null, g("anna"), "CAMPAIGN:spring", CommunicationChannel.EMAIL, CommunicationStatus.CLICKED,
                        null, now.minus(Duration.ofDays(5)), spring));
        comms.add(new Comm("MUNICH", null, g("erin"), "CAMPAIGN:summer", CommunicationChannel.EMAIL, CommunicationStatus.SENT,
                        null, now.minus(Duration.ofDays(3)), UUID.randomUUID()));
        for (Comm c : comms) {
            CommunicationEvent event = CommunicationEvent.newBuilder()
                    .setMetadata(EventMetadata.newBuilder(GuestLinkTest.metadata(tenant, "CommunicationEvent"))
                            .setSource("journey-service").setOccurredAt(c.at()).build())
                    .setCommunicationId(c.communicationId()).setHotelCode(c.hotel())
                    .setPmsReservationId(c.reservation() == null ? null : id(c.reservation()))
                    .setGuestId(c.guestId()).setStep(c.step()).setChannel(c.channel()).setStatus(c.status())
                    .setSegments(c.segments()).setReason(c.status() == CommunicationStatus.BOUNCED ? "mailbox unknown" : null)
                    .setTenantId(tenant).build();
            String key = c.reservation() != null ? tenant + ":" + c.hotel() + ":" + id(c.reservation()) : c.guestId();
            KafkaTestClients.sendAvro(Topic.CRM_COMMUNICATIONS.topicName(), key, event);
        }

        // 5. Marketing consents (bert withdrew his; ida said no at the PMS; one tenant-wide).
        consents.addAll(List.of(
                new Consent("anna", "BERLIN", ConsentStatus.GRANTED, now.minus(Duration.ofDays(2))),
                new Consent("bert", "BERLIN", ConsentStatus.GRANTED, now.minus(Duration.ofDays(3))),
                new Consent("bert", "BERLIN", ConsentStatus.WITHDRAWN, now.minus(Duration.ofDays(1))),
                new Consent("erin", "MUNICH", ConsentStatus.GRANTED, now.minus(Duration.ofDays(2))),
                new Consent("ida", "HAMBURG", ConsentStatus.WITHDRAWN, now.minus(Duration.ofDays(1))),
                new Consent("news", null, ConsentStatus.GRANTED, now.minus(Duration.ofDays(2)))));
        for (Consent c : consents) {
            String address = c.who() + "-" + tenant + "@example.org";
            KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(), tenant + ":EMAIL:MARKETING:" + address,
                    ConsentChanged.newBuilder().setMetadata(GuestLinkTest.metadata(tenant, "ConsentChanged"))
                            .setContactPoint(address).setChannel(ConsentChannel.EMAIL).setPurpose(ConsentPurpose.MARKETING)
                            .setStatus(c.status()).setSource(ConsentSource.PMS).setEffectiveAt(c.effective())
                            .setHotelCode(c.hotel()).build());
        }

        // 6. Post-stay survey answers: kurt a promoter, gina a detractor with a comment (a service-recovery call).
        answers.add(new Answer("BERLIN", "B6", 10, Map.of("room", 5, "staff", 4), null, now.minus(Duration.ofHours(2))));
        answers.add(new Answer("MUNICH", "M3", 4, Map.of("room", 2, "staff", 1), "The room was cold.",
                now.minus(Duration.ofHours(2))));
        for (Answer a : answers) {
            UUID communication = comms.stream().filter(c -> a.reservation().equals(c.reservation())
                    && c.step().equals("POST_STAY_SURVEY")).findFirst().orElseThrow().communicationId();
            SurveyAnswered answer = SurveyAnswered.newBuilder()
                    .setMetadata(EventMetadata.newBuilder(GuestLinkTest.metadata(tenant, "SurveyAnswered"))
                            .setSource("journey-service").build())
                    .setResponseId(UUID.randomUUID()).setRevision(1).setCommunicationId(communication).setTenantId(tenant)
                    .setHotelCode(a.hotel()).setPmsReservationId(id(a.reservation())).setScore(a.score())
                    .setRatings(a.ratings()).setComment(a.comment()).setLanguage("en").setAnsweredAt(a.at()).build();
            KafkaTestClients.sendAvro(Topic.CRM_SURVEY_RESPONSES.topicName(), communication.toString(), answer);
        }

        // What the page and the CSV must show, computed from the data set above.
        Map<String, Map<String, Object>> expected = expectedFigures();
        List<String> scopes = new ArrayList<>(expected.keySet());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            String csv = csv();
            return scopes.stream().allMatch(scope -> csvMatches(expected.get(scope), csvRow(csv, scope)));
        });

        // The CSV: every figure of every row, and the columns per channel, status, currency and aspect.
        String csv = csv();
        for (String scope : scopes) {
            Map<String, String> row = csvRow(csv, scope);
            Map<String, String> want = new TreeMap<>();
            expected.get(scope).forEach((key, value) -> want.put(key, csvText(key, value)));
            want.putAll(csvExtras(scope));
            Map<String, String> got = new TreeMap<>();
            want.keySet().forEach(key -> got.put(key, row.get(key)));
            assertEquals(want, got, "CSV row " + scope);
        }
        assertEquals(1 + scopes.size(), csv.split("\r\n").length, "a header, the group and one row per hotel");

        // The page in headless Chromium, the form filled in as staff would.
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1400", "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(base.resolve("/desk/kpis").toString());
            for (String[] field : new String[][] {{"token", Staff.token(Set.of(tenant), "manager-mia", Roles.VIEWER)},
                    {"tenant", tenant}, {"from", fromDay.toString()}, {"to", toDay.toString()}}) {
                WebElement input = browser.findElement(By.id(field[0]));
                input.clear();
                input.sendKeys(field[1]);
            }
            browser.findElement(By.id("show")).click();
            new WebDriverWait(browser, Duration.ofSeconds(60))
                    .until(ExpectedConditions.presenceOfElementLocated(By.id("figures")));

            // Every cell of the figures table, every row (the group, then each hotel).
            Map<String, Map<String, String>> shown = new LinkedHashMap<>();
            for (WebElement tr : browser.findElements(By.cssSelector("#figures tbody tr"))) {
                String scope = tr.getAttribute("data-scope").equals(GROUP) ? GROUP : tr.getAttribute("data-hotel");
                Map<String, String> cells = new TreeMap<>();
                for (WebElement td : tr.findElements(By.cssSelector("td[data-figure]"))) {
                    cells.put(td.getAttribute("data-figure"), td.getText());
                }
                shown.put(scope, cells);
            }
            Map<String, Map<String, String>> want = new LinkedHashMap<>();
            expected.forEach((scope, figures) -> {
                Map<String, String> cells = new TreeMap<>();
                figures.forEach((key, value) -> {
                    if (!key.equals("feeds")) {
                        cells.put(key, pageText(key, value, figures));
                    }
                });
                want.put(scope, cells);
            });
            assertEquals(want, shown, "the figures table");

            // The other tables and the charts.
            assertEquals(channelRows(), rows(browser, "#channels tbody tr"), "messages by channel");
            assertEquals(aspectRows(), rows(browser, "#aspects tbody tr"), "survey ratings by aspect");
            assertEquals(revenueRows(false), rows(browser, "#revenue tbody tr"), "revenue by campaign mail");
            assertEquals(revenueRows(true), rows(browser, "#revenue-by-click tbody tr"), "revenue by campaign click");
            assertEquals(statusRows(), rows(browser, "#reservation-statuses tbody tr"), "reservations by status");
            assertEquals(List.of(String.join(" | ", guestFigures().values().stream().map(String::valueOf).toList())),
                    rows(browser, "#merges tbody tr"), "golden guests, merges, splits");
            long withoutSegments = sent(c -> c.channel() == CommunicationChannel.SMS && c.segments() == null);
            assertTrue(browser.findElement(By.id("notes")).getText()
                    .startsWith(withoutSegments + " SMS sent without a segment count"), browser.findElement(By.id("notes")).getText());
            List<String> hotelBars = new ArrayList<>();
            for (String hotel : hotels()) {
                hotelBars.add(hotel + ": " + expected.get(hotel).get("leadsReceived") + " leads received");
                hotelBars.add(hotel + ": " + expected.get(hotel).get("leadsBooked") + " booked");
            }
            assertEquals(hotelBars, browser.findElements(By.cssSelector("#chart-hotels rect")).stream()
                    .map(b -> b.getAttribute("aria-label")).toList(), "the hotels chart");
            assertEquals(dayBars(), browser.findElements(By.cssSelector("#chart-days rect")).stream()
                    .map(b -> b.getAttribute("aria-label")).toList(), "the days chart");
            assertTrue(!browser.getPageSource().contains("The room was cold"), "no survey comment on the page");
            assertTrue(!browser.getPageSource().contains("@example."), "no address on the page");
            Path docs = Path.of("docs");
            Files.createDirectories(docs);
            Files.write(docs.resolve("desk-kpis-demo.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }

    // ---- the expectations, from the data set ------------------------------------------------------------------

    private List<String> hotels() {
        TreeSet<String> hotels = new TreeSet<>();
        reservations.forEach(r -> hotels.add(r.hotel()));
        comms.forEach(c -> hotels.add(c.hotel()));
        consents.stream().filter(c -> c.hotel() != null).forEach(c -> hotels.add(c.hotel()));
        return new ArrayList<>(hotels);
    }

    private boolean inPeriod(Instant at) {
        return !at.isBefore(from) && at.isBefore(to);
    }

    private boolean onPeriodDays(Instant at) {
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        return !day.isBefore(fromDay) && day.isBefore(toDay);
    }

    private Predicate<String> scope(String scope) {
        return hotel -> scope.equals(GROUP) || scope.equals(hotel);
    }

    /** Per scope (the group, then the hotels in order) the figure keys of the page's table and their values. */
    private Map<String, Map<String, Object>> expectedFigures() {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        all.put(GROUP, figuresOf(GROUP));
        hotels().forEach(h -> all.put(h, figuresOf(h)));
        return all;
    }

    private Map<String, Object> figuresOf(String scope) {
        Predicate<String> in = scope(scope);
        Map<String, Object> f = new LinkedHashMap<>();
        // Leads: the PMS requests (not history imports) and the inquiry; booked when a later snapshot (or, for the
        // inquiry, the booking of the same guest and stay) confirmed it, lost when cancelled.
        List<Res> requests = reservations.stream().filter(r -> in.test(r.hotel()) && r.request()
                && inPeriod(r.createdAt())).toList();
        boolean inquiry = in.test(inquiryHotel) && inPeriod(inquiryAt);
        boolean inquiryBooked = inquiry && reservations.stream().anyMatch(r -> r.who().equals("quinn")
                && BOOKED.contains(r.last()));
        long received = requests.size() + (inquiry ? 1 : 0);
        long bookedLeads = requests.stream().filter(r -> BOOKED.contains(r.last())).count() + (inquiryBooked ? 1 : 0);
        long lost = requests.stream().filter(r -> r.last().equals("CANCELLED")).count();
        long open = received - bookedLeads - lost;
        f.put("leadsReceived", received);
        f.put("leadsBooked", bookedLeads);
        f.put("leadsLost", lost);
        f.put("leadsNoAnswer", 0L);
        f.put("leadsOpen", open);
        f.put("conversionRate", ratio(bookedLeads, received));
        f.put("medianMinutesToAnswer", inquiry ? (Object) (double) answerMinutes : null);
        // Open requests received four days ago are overdue (at most 2 working hours of any week lie in 4 days), the
        // ones of the last hour are not (at least 2 hours ahead).
        List<Res> openRequests = requests.stream().filter(r -> r.statuses().size() == 1).toList();
        long overdue = openRequests.stream().filter(r -> r.createdAt().isBefore(now.minus(Duration.ofDays(3)))).count();
        f.put("callBacksAnsweredLate", overdue);
        f.put("quotesSent", inquiry ? 1L : 0L);
        f.put("quotesBooked", inquiryBooked ? 1L : 0L);
        // Tasks now: open call-backs, a late-document task per bounced confirmation, a service-recovery call per
        // detractor with a comment.
        long bounced = comms.stream().filter(c -> in.test(c.hotel()) && c.status() == CommunicationStatus.BOUNCED
                && c.step().equals("CONFIRMATION")).count();
        long recovery = answers.stream().filter(a -> in.test(a.hotel()) && a.score() <= 6 && a.comment() != null).count();
        f.put("tasksOpenNow", openRequests.size() - overdue + bounced + recovery);
        f.put("tasksOverdueNow", overdue);
        // Documents due in the period: the confirmation (due 1 h after the booking is seen) of each live booking not
        // cancelled since; the pre-arrival ones are due weeks later.
        List<Res> owing = reservations.stream().filter(r -> in.test(r.hotel()) && !r.history()
                && r.statuses().stream().anyMatch(BOOKED::contains) && !r.last().equals("CANCELLED")).toList();
        Set<String> confirmed = comms.stream().filter(c -> c.step().equals("CONFIRMATION")
                && c.status() == CommunicationStatus.SENT).map(Comm::reservation).collect(Collectors.toSet());
        Set<String> bouncedIds = comms.stream().filter(c -> c.step().equals("CONFIRMATION")
                && c.status() == CommunicationStatus.BOUNCED).map(Comm::reservation).collect(Collectors.toSet());
        f.put("documentsDue", (long) owing.size());
        f.put("documentsSent", owing.stream().filter(r -> confirmed.contains(r.id())).count());
        f.put("documentsMissing", owing.stream().filter(r -> bouncedIds.contains(r.id())).count());
        f.put("documentsSentLate", 0L);
        // Reservations mirrored: held now; first seen, changed and cancelled in the period (every snapshot's day).
        List<Res> mirrored = reservations.stream().filter(r -> in.test(r.hotel())).toList();
        f.put("reservationsKnown", (long) mirrored.size());
        f.put("reservationsCreated", mirrored.stream().filter(r -> onPeriodDays(r.at())).count());
        long changed = 0;
        long cancelled = 0;
        for (Res r : mirrored) {
            for (int i = 1; i < r.statuses().size(); i++) {
                if (onPeriodDays(r.at().plusSeconds(i))) {
                    changed++;
                    if (r.statuses().get(i).equals("CANCELLED") && !r.statuses().get(i - 1).equals("CANCELLED")) {
                        cancelled++;
                    }
                }
            }
        }
        f.put("reservationsChanged", changed);
        f.put("reservationsCancelled", cancelled);
        f.put("communicationsSent", sent(c -> in.test(c.hotel())));
        f.put("communicationsBounced", comms.stream().filter(c -> in.test(c.hotel()) && onPeriodDays(c.at())
                && c.status() == CommunicationStatus.BOUNCED).count());
        // Consents: the latest state of each point (tenant-wide ones in the group only); opt-outs and opt-ins are the
        // records that changed a point's state on the period's days.
        Map<String, Consent> latest = new HashMap<>();
        long optOuts = 0;
        long optIns = 0;
        List<Consent> ordered = consents.stream().sorted(Comparator.comparing(Consent::effective)).toList();
        for (Consent c : ordered) {
            Consent before = latest.put(c.who(), c);
            boolean counts = scope.equals(GROUP) ? true : scope.equals(c.hotel());
            if (counts && (before == null || before.status() != c.status()) && onPeriodDays(c.effective())) {
                if (c.status() == ConsentStatus.WITHDRAWN) {
                    optOuts++;
                } else {
                    optIns++;
                }
            }
        }
        List<Consent> points = latest.values().stream().filter(c -> scope.equals(GROUP) || scope.equals(c.hotel())).toList();
        long granted = points.stream().filter(c -> c.status() == ConsentStatus.GRANTED).count();
        long withdrawn = points.stream().filter(c -> c.status() == ConsentStatus.WITHDRAWN).count();
        f.put("consentMarketingContactPoints", (long) points.size());
        f.put("consentRate", ratio(granted, granted + withdrawn));
        f.put("consentOptOuts", optOuts);
        f.put("consentOptIns", optIns);
        // Surveys: answers given in the period; NPS = % promoters (9-10) - % detractors (0-6).
        List<Answer> given = answers.stream().filter(a -> in.test(a.hotel()) && inPeriod(a.at())).toList();
        long promoters = given.stream().filter(a -> a.score() >= 9).count();
        long detractors = given.stream().filter(a -> a.score() <= 6).count();
        long surveysSent = sent(c -> in.test(c.hotel()) && c.step().equals("POST_STAY_SURVEY"));
        f.put("surveyResponses", (long) given.size());
        f.put("nps", given.isEmpty() ? null : Math.round(1000.0 * (promoters - detractors) / given.size()) / 10.0);
        f.put("surveyAverageScore", given.isEmpty() ? null
                : Math.round(100.0 * given.stream().mapToInt(Answer::score).average().orElseThrow()) / 100.0);
        f.put("surveyDetractors", detractors);
        f.put("surveysSent", surveysSent);
        f.put("surveyResponseRate", surveysSent == 0 ? null : ratio(given.size(), surveysSent));
        f.put("campaignBookings", (long) attributed(scope, false).size());
        f.put("clickBookings", (long) attributed(scope, true).size());
        // Feeds: one per hotel, each heard from just now.
        long feeds = reservations.stream().filter(r -> in.test(r.hotel())).map(r -> feedOf(r.hotel())).distinct().count();
        f.put("feedsHealthy", feeds);
        f.put("feeds", feeds);
        f.put("smsSent", sent(c -> in.test(c.hotel()) && c.channel() == CommunicationChannel.SMS));
        f.put("smsSegments", comms.stream().filter(c -> in.test(c.hotel()) && onPeriodDays(c.at())
                && c.channel() == CommunicationChannel.SMS && c.status() == CommunicationStatus.SENT && c.segments() != null)
                .mapToLong(Comm::segments).sum());
        f.put("smsWithoutSegmentCount", sent(c -> in.test(c.hotel()) && c.channel() == CommunicationChannel.SMS
                && c.segments() == null));
        return f;
    }

    /** Communications SENT on the period's days matching {@code which}. */
    private long sent(Predicate<Comm> which) {
        return comms.stream().filter(c -> c.status() == CommunicationStatus.SENT && onPeriodDays(c.at()) && which.test(c))
                .count();
    }

    /**
     * Bookings made in the period (confirmed or checked out now) by a golden guest mailed (or, by click, who clicked)
     * a campaign at most 30 days before: booking -> campaign of the latest such touch.
     */
    private Map<Res, String> attributed(String scope, boolean byClick) {
        Map<Res, String> found = new LinkedHashMap<>();
        CommunicationStatus touch = byClick ? CommunicationStatus.CLICKED : CommunicationStatus.SENT;
        for (Res r : reservations) {
            if (!scope(scope).test(r.hotel()) || !BOOKED.contains(r.last()) || !inPeriod(r.createdAt())) {
                continue;
            }
            String guest = goldenGuests.entrySet().stream().filter(e -> !mergedAway.contains(e.getKey())
                    && e.getValue().contains(profile(r.id()))).map(Map.Entry::getKey).findFirst().orElse(null);
            comms.stream().filter(c -> c.step().startsWith("CAMPAIGN:") && c.status() == touch && c.guestId() != null
                            && c.guestId().equals(guest) && !c.at().isAfter(r.createdAt())
                            && c.at().isAfter(r.createdAt().minus(Duration.ofDays(30))))
                    .max(Comparator.comparing(Comm::at))
                    .ifPresent(c -> found.put(r, c.step().substring("CAMPAIGN:".length())));
        }
        return found;
    }

    private Map<String, Object> guestFigures() {
        Map<String, Object> g = new LinkedHashMap<>();
        long known = goldenGuests.keySet().stream().filter(id -> !mergedAway.contains(id)).count();
        g.put("goldenGuests", known);
        g.put("goldenGuestsNew", known);
        g.put("guestMerges", (long) merges);
        g.put("guestsMerged", (long) mergedAway.size());
        g.put("guestSplits", (long) splits);
        return g;
    }

    private List<String> channelRows() {
        List<String> rows = new ArrayList<>();
        for (String scope : expectedFigures().keySet()) {
            Map<String, Long> byChannel = new TreeMap<>();
            comms.stream().filter(c -> scope(scope).test(c.hotel()) && c.status() == CommunicationStatus.SENT
                    && onPeriodDays(c.at())).forEach(c -> byChannel.merge(c.channel().name(), 1L, Long::sum));
            byChannel.forEach((channel, n) -> rows.add(scope + " | " + channel + " | " + n));
        }
        return rows;
    }

    private List<String> aspectRows() {
        List<String> rows = new ArrayList<>();
        for (String scope : expectedFigures().keySet()) {
            Map<String, List<Integer>> ratings = new TreeMap<>();
            answers.stream().filter(a -> scope(scope).test(a.hotel()) && inPeriod(a.at()))
                    .forEach(a -> a.ratings().forEach((aspect, v) -> ratings.computeIfAbsent(aspect, k -> new ArrayList<>()).add(v)));
            ratings.forEach((aspect, list) -> rows.add(scope + " | " + aspect + " | " + list.size() + " | "
                    + String.format(Locale.ROOT, "%.2f", list.stream().mapToInt(Integer::intValue).average().orElseThrow())));
        }
        return rows;
    }

    private List<String> revenueRows(boolean byClick) {
        List<String> rows = new ArrayList<>();
        for (String scope : expectedFigures().keySet()) {
            Map<String, Map<String, BigDecimal>> byCampaign = new TreeMap<>();
            Map<String, Integer> bookings = new TreeMap<>();
            attributed(scope, byClick).forEach((r, campaign) -> {
                bookings.merge(campaign, 1, Integer::sum);
                byCampaign.computeIfAbsent(campaign, k -> new TreeMap<>()).merge(r.currency(), new BigDecimal(r.amount()),
                        BigDecimal::add);
            });
            // A campaign's bookings are shown on each of its currency rows (all of these bookings have an amount).
            byCampaign.forEach((campaign, amounts) -> amounts.forEach((currency, amount) -> rows.add(scope + " | "
                    + campaign + " | " + bookings.get(campaign) + " | " + currency + " | " + amount.setScale(2).toPlainString())));
        }
        return rows;
    }

    private List<String> statusRows() {
        List<String> rows = new ArrayList<>();
        for (String scope : expectedFigures().keySet()) {
            Map<String, Long> byStatus = new TreeMap<>();
            reservations.stream().filter(r -> scope(scope).test(r.hotel())).forEach(r -> byStatus.merge(r.last(), 1L, Long::sum));
            byStatus.forEach((status, n) -> rows.add(scope + " | " + status + " | " + n));
        }
        return rows;
    }

    private List<String> dayBars() {
        List<String> bars = new ArrayList<>();
        for (LocalDate day = fromDay; day.isBefore(toDay); day = day.plusDays(1)) {
            LocalDate d = day;
            long leads = reservations.stream().filter(r -> r.request() && day(r.createdAt()).equals(d)).count()
                    + (day(inquiryAt).equals(d) ? 1 : 0);
            long sent = comms.stream().filter(c -> c.status() == CommunicationStatus.SENT && day(c.at()).equals(d)).count();
            bars.add(d + ": " + leads + " leads received");
            bars.add(d + ": " + sent + " messages sent");
        }
        return bars;
    }

    /** The CSV columns beyond the page's figures: per channel, status, currency and aspect; golden guests (group). */
    private Map<String, String> csvExtras(String scope) {
        Map<String, String> extra = new TreeMap<>();
        for (String row : channelRows()) {
            String[] p = row.split(" \\| ");
            if (p[0].equals(scope)) {
                extra.put("messagesSent" + p[1], p[2]);
            }
        }
        for (String row : statusRows()) {
            String[] p = row.split(" \\| ");
            if (p[0].equals(scope)) {
                extra.put("reservations:" + p[1], p[2]);
            }
        }
        for (boolean byClick : new boolean[] {false, true}) {
            Map<String, BigDecimal> totals = new TreeMap<>();
            attributed(scope, byClick).keySet().forEach(r -> totals.merge(r.currency(), new BigDecimal(r.amount()), BigDecimal::add));
            totals.forEach((currency, amount) -> extra.put((byClick ? "clickRevenue:" : "campaignRevenue:") + currency,
                    amount.setScale(2).toPlainString()));
        }
        for (String row : aspectRows()) {
            String[] p = row.split(" \\| ");
            if (p[0].equals(scope)) {
                extra.put("surveyRating:" + p[1], String.valueOf(Double.parseDouble(p[3])));
            }
        }
        guestFigures().forEach((key, value) -> extra.put(key, scope.equals(GROUP) ? String.valueOf(value) : ""));
        return extra;
    }

    // ---- formatting and reading -------------------------------------------------------------------------------

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : Math.round(1000.0 * part / whole) / 1000.0;
    }

    private static String pageText(String key, Object value, Map<String, Object> figures) {
        if (key.equals("feedsHealthy")) {
            return value + " of " + figures.get("feeds");
        }
        if (value == null) {
            return "–";
        }
        if (RATES.contains(key)) {
            return String.format(Locale.ROOT, "%.1f %%", (Double) value * 100);
        }
        return value.toString();
    }

    private static String csvText(String key, Object value) {
        return value == null ? "" : value.toString();
    }

    private static boolean csvMatches(Map<String, Object> expected, Map<String, String> row) {
        return row != null && expected.entrySet().stream()
                .allMatch(e -> csvText(e.getKey(), e.getValue()).equals(row.get(e.getKey())));
    }

    private String csv() {
        return Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + "&from=" + fromDay + "&to="
                + toDay + "&format=csv").then().statusCode(200).extract().asString();
    }

    /** The CSV row of a scope (the group, or a hotel) as column -> cell; null when the scope has no row. */
    private static Map<String, String> csvRow(String csv, String scope) {
        String[] lines = csv.split("\r\n");
        List<String> header = Arrays.asList(lines[0].split(",", -1));
        for (int i = 1; i < lines.length; i++) {
            List<String> cells = Arrays.asList(lines[i].split(",", -1));
            if (scope.equals(GROUP) ? cells.get(0).equals(GROUP) : cells.get(1).equals(scope)) {
                Map<String, String> row = new HashMap<>();
                for (int c = 0; c < header.size(); c++) {
                    row.put(header.get(c), cells.get(c));
                }
                return row;
            }
        }
        return null;
    }

    /** A table's body rows as "cell | cell | ..." (header cells and data cells alike). */
    private static List<String> rows(WebDriver browser, String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(tr -> tr.findElements(By.cssSelector("th, td"))
                .stream().map(WebElement::getText).collect(Collectors.joining(" | "))).toList();
    }

    private static LocalDate day(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }

    private Stay stay(Res r, LocalDate arrival) {
        return new Stay(tenant, r.hotel(), id(r.id()), r.who() + "-" + tenant + "@example.com", arrival, arrival.plusDays(3));
    }

    private Comm comm(String hotel, String reservation, String step, CommunicationChannel channel,
                      CommunicationStatus status, Integer segments, Instant at) {
        UUID id = comms.stream().filter(c -> reservation.equals(c.reservation()) && c.step().equals(step)).findFirst()
                .map(Comm::communicationId).orElse(UUID.randomUUID());
        Comm comm = new Comm(hotel, reservation, null, step, channel, status, segments, at, id);
        comms.add(comm);
        return comm;
    }

    private String id(String reservation) {
        return reservation + "-" + tenant;
    }

    private String profile(String reservation) {
        return "P-" + id(reservation);
    }

    private String g(String who) {
        return "g-" + who + "-" + tenant;
    }

    private static String feedOf(String hotel) {
        return hotel.toLowerCase(Locale.ROOT) + "-pms";
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
