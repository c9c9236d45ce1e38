package org.guestcrm.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.guestcrm.simulator.PmsSimulator;
import org.guestcrm.simulator.SimulatedCustomer;
import org.guestcrm.simulator.SimulatedReservation;

/**
 * {@code ./crm scenario}: a small hotel group lived through the real stack, then checked against what its PMSs know.
 *
 * <p>The group (tenant {@code demo}) runs six hotels on five PMS feeds: an OpenTravel push (hotel {@code SCN-ALPS}),
 * a canonical JSON push (hotels {@code SCN-LISBON} and {@code SCN-AZORES}), the stack's simulated apaleo (hotel
 * {@code MUC}, Europe/Berlin: thin webhooks, the connector fetches each reservation from the simulator's API) and a
 * PMS that only exports (hotel {@code SCN-PORTO}: two daily arrivals files, the second moving some stays) and a PMS
 * without webhooks that the connector polls (hotel {@code SCN-MADEIRA}: a changes-since API, where stays are booked,
 * moved and cancelled). Every
 * person of the run books once; the mix repeats every ten people: plain bookings on each feed, a modification that keeps the dates, a stay moved
 * by three weeks, a cancellation, a no-show, a guest who tells the front desk to stop marketing mail (the PMS profile's
 * e-mail opt-in turns false, then a stay soon), a modification that arrives before its creation, and a booking soon
 * (the control group of the opt-out); the tenth and the fifteenth of every twenty are at the export-only hotel instead
 * (the fifteenth moved by the second file), and the fifth, eleventh and sixteenth at the polled hotel (moved, plain,
 * cancelled). Every third person comes back on the other feed with a variant of their details
 * (the e-mail in other case, or another e-mail with the same phone and birth date), and every fifth had a stay last
 * year that arrives first, as a history import.
 *
 * <p>Checked once the pipeline has settled (lag zero, nothing changing): for every reservation, the journey-service's
 * mirror holds the PMS's last status and dates, and what it planned agrees with them: a cancelled or no-show stay has nothing pending and nothing
 * sent after it was cancelled (other than its confirmation); a moved stay has every dated step inside its new dates,
 * none at the old ones; an opted-out guest gets no message that serves a marketing-like purpose after the opt-out;
 * nothing from the history import is mailed; at most one communication per reservation and step, at most one mail per
 * Message-ID at the mail catcher. The golden records are compared with the generator's truth: pairwise precision,
 * recall and F1 over the source profiles, and every pair with the same e-mail (any case) must be one guest.
 * It prints one line of figures and says PASS or FAIL.
 */
final class ScenarioRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "demo";
    private static final String OTA_FEED = "demo-ota";
    private static final String JSON_FEED = "demo-json";
    static final String OTA_HOTEL = "SCN-ALPS";
    static final String JSON_HOTEL = "SCN-LISBON";
    static final String JSON_HOTEL_2 = "SCN-AZORES";
    /** The simulated apaleo of the local stack: thin webhooks, the connector fetches each reservation (DemoPms). */
    private static final String WEBHOOK_FEED = DemoPms.FEEDS.get(0).feedId();
    static final String WEBHOOK_HOTEL = DemoPms.FEEDS.get(0).hotelCode();
    /** A PMS that can only export: a daily arrivals file (CSV) uploaded to its feed, created by the scenario. */
    static final String EXPORT_FEED = "demo-export";
    static final String EXPORT_HOTEL = "SCN-PORTO";
    /**
     * A PMS without webhooks that lists its changes after a cursor (the pms-simulator's generic JSON changes-since
     * API, run in this JVM for the length of the run): feed {@code demo-poll-<run>} of delivery mode JSON_POLLING,
     * polled by the connector every second. A feed of its own per run, because a feed keeps its cursor and this PMS's
     * change sequence starts again at 1; it is deleted when the run ends.
     */
    static final String POLLED_HOTEL = "SCN-MADEIRA";
    /** Steps that serve the stay itself; every other step serves a purpose a guest can withdraw. */
    private static final Set<String> TRANSACTIONAL = Set.of("CONFIRMATION", "PRE_CHECK_IN", "MODIFICATION",
            "CANCELLATION", "BOOKING_MODIFIED", "BOOKING_CANCELLED");
    /** Steps meant for a stay that ended: the no-show follow-up may go after the no-show. */
    private static final Set<String> AFTER_THE_END = Set.of("NO_SHOW", "CANCELLATION", "BOOKING_CANCELLED");
    private static final Set<String> PENDING = Set.of("SCHEDULED", "RESCHEDULED", "HELD");
    private static final String[] FIRST = {"Anna", "Bruno", "Chiara", "Daniel", "Elif", "Farid", "Greta", "Hugo",
            "Ines", "Jonas", "Katja", "Luca", "Mira", "Noah", "Olga", "Paul", "Rosa", "Samir", "Tina", "Yusuf"};
    private static final String[] LAST = {"Keller", "Moreau", "Rossi", "Silva", "Novak", "Yilmaz", "Berg", "Costa",
            "Dubois", "Fischer", "Garcia", "Huber", "Ivanova", "Jensen", "Kowalski", "Lopes", "Meyer", "Nielsen"};

    /** What the PMS did to a reservation. */
    enum Kind {
        PLAIN, PLAIN_OTA, PLAIN_WEBHOOK, MODIFIED, MOVED, CANCELLED, NO_SHOW, OPTED_OUT_SOON, MODIFICATION_FIRST, CONTROL_SOON,
        RETURNING, HISTORY,
        /** Booked in the polled PMS; the connector reads it from the changes-since API. */
        PLAIN_POLLED,
        /** Booked in the polled PMS, then moved by three weeks there. */
        MOVED_POLLED,
        /** Booked in the polled PMS, then cancelled there. */
        CANCELLED_POLLED,
        /** In both daily export files, unchanged. */
        PLAIN_EXPORT,
        /** In both daily export files; the second moves the stay by three weeks. */
        MOVED_EXPORT;

        boolean exported() {
            return this == PLAIN_EXPORT || this == MOVED_EXPORT;
        }

        boolean polled() {
            return this == PLAIN_POLLED || this == MOVED_POLLED || this == CANCELLED_POLLED;
        }

        /**
         * Whether the journey must have planned something for it: not for history, and not for a polled booking
         * cancelled at the PMS before the connector's next poll (the CRM first sees it cancelled and rightly plans
         * nothing; the mirror rule still checks that it holds the cancellation).
         */
        boolean planned() {
            return this != HISTORY && this != CANCELLED_POLLED;
        }

        static Kind of(int person) {
            if (person % 20 == 10) {
                return PLAIN_EXPORT;
            }
            if (person % 20 == 15) {
                return MOVED_EXPORT;
            }
            if (person % 20 == 5) {
                return MOVED_POLLED;
            }
            if (person % 20 == 11) {
                return PLAIN_POLLED;
            }
            if (person % 20 == 16) {
                return CANCELLED_POLLED;
            }
            return switch (person % 10) {
                case 0 -> PLAIN;
                case 1 -> PLAIN_WEBHOOK;
                case 2 -> CONTROL_SOON;
                case 3 -> PLAIN_OTA;
                case 4 -> MODIFIED;
                case 5 -> MOVED;
                case 6 -> CANCELLED;
                case 7 -> NO_SHOW;
                case 8 -> OPTED_OUT_SOON;
                default -> MODIFICATION_FIRST;
            };
        }
    }

    /** One person of the generator's truth. */
    record Person(int index, String firstName, String lastName, String email, String phone, LocalDate birthDate) {
    }

    /** One reservation as its PMS last described it, and when the connector accepted each change. */
    static final class Reservation {
        final Person person;
        final Kind kind;
        final String feed;
        final String hotel;
        final String id;
        final String profileId;
        final String email;
        String phone;
        LocalDate arrival;
        LocalDate departure;
        LocalDate oldArrival;
        String status = "CONFIRMED";
        boolean accepted = true;
        Instant endedAt;        // cancellation or no-show accepted
        Instant optedOutAt;     // the opt-out profile change accepted
        String editedPhone;     // a later profile-only change at the PMS (no booking) gave the guest this phone

        Reservation(Person person, Kind kind, String feed, String hotel, String id, String profileId, String email) {
            this.person = person;
            this.kind = kind;
            this.feed = feed;
            this.hotel = hotel;
            this.id = id;
            this.profileId = profileId;
            this.email = email;
        }

        /**
         * The guest's source profile id as the CRM knows it: apaleo's guests have no id of their own, so the connector
         * names the primary guest of reservation X {@code X-G1}; every other PMS here sends the profile's own id.
         */
        String crmProfileId() {
            return kind == Kind.PLAIN_WEBHOOK ? id + "-G1" : profileId;
        }
    }

    /** The figures of one run. */
    record Result(int people, int reservations, int accepted, int checked, Map<String, Integer> violations,
                  List<String> examples, int mails, int duplicateMails, double precision, double recall, double f1,
                  int sameEmailPairs, int sameEmailPairsSplit, int optOutControlMarketingSent, Campaign campaign,
                  boolean settled, double seconds) {

        boolean passed() {
            return settled && accepted == reservations && violations.values().stream().allMatch(v -> v == 0)
                    && duplicateMails == 0 && sameEmailPairsSplit == 0 && campaign.launched()
                    && campaign.headerProblems().isEmpty();
        }

        String line() {
            return String.format(Locale.ROOT, "scenario: %d people, %d reservations (%d accepted), %d checked, violations %s,"
                            + " mails %d (duplicate %d), golden records precision %.3f recall %.3f F1 %.3f, same-e-mail pairs"
                            + " %d (split %d), opt-out control got %d marketing-like mails, %s, %s, %.0f s: %s%s",
                    people, reservations, accepted, checked, violations, mails, duplicateMails, precision, recall, f1,
                    sameEmailPairs, sameEmailPairsSplit, optOutControlMarketingSent, campaign.line(),
                    settled ? "settled" : "NOT settled",
                    seconds, passed() ? "PASS" : "FAIL", examples.isEmpty() ? "" : " e.g. " + String.join("; ", examples));
        }
    }

    /**
     * The campaign launched once the group settled: to every guest of the group's hotels, planned (scheduled or sent)
     * for those with marketing consent; the opted-out (who did not opt in again later) must be among the skipped, and
     * no mail of the campaign may reach them.
     */
    record Campaign(boolean launched, String problem, int planned, int skipped, int optedOut, int optedOutPlanned,
                    int optedOutMailed, int mailsRead, List<String> headerProblems) {

        static Campaign failed(String problem) {
            return new Campaign(false, problem, 0, 0, 0, 0, 0, 0, List.of());
        }

        String line() {
            return launched
                    ? String.format(Locale.ROOT, "campaign planned %d skipped %d (opted-out guests %d: planned %d, mailed %d;"
                                    + " RFC 8058 headers on %d of %d campaign mails read over IMAP%s)",
                            planned, skipped, optedOut, optedOutPlanned, optedOutMailed, mailsRead - headerProblems.size(),
                            mailsRead, headerProblems.isEmpty() ? "" : ": " + String.join("; ", headerProblems))
                    : "campaign NOT launched (" + problem + ")";
        }
    }

    private static final String NOT_READABLE = "not readable over IMAP (no such mailbox)";
    private static final String NOT_IN_INBOX = "is in the journal but not in its recipient's inbox";

    /** Campaign mails read back over IMAP (at most this many) to check their unsubscribe headers. */
    static final int CAMPAIGN_MAILS_READ = 3;

    private final LocalStack stack;
    private final StackConfig config;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final String pollFeed = "demo-poll-" + run;
    private String token;
    /** The polled PMS of this run; null when it could not be started or its feed not set up. */
    private PmsSimulator polledPms;

    ScenarioRun(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.config = stack.config();
        this.out = out;
    }

    Result run(int people, Duration settleTimeout) {
        List<String> unhealthy = stack.unhealthyParts();
        if (!unhealthy.isEmpty()) {
            throw new StackException("The stack is not up (" + String.join(", ", unhealthy) + " not healthy): run ./crm up first");
        }
        long started = System.nanoTime();
        token = stack.adminToken(Duration.ofHours(1));
        List<Person> persons = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            persons.add(person(i));
        }
        out.printf("scenario %s: %d people, hotels %s (OTA feed), %s and %s (JSON feed), %s (simulated apaleo, webhooks),"
                + " %s (daily export files), %s (polled changes-since API)%n", run, people, OTA_HOTEL, JSON_HOTEL,
                JSON_HOTEL_2, WEBHOOK_HOTEL, EXPORT_HOTEL, POLLED_HOTEL);
        // The JSON feed's hotel is set up, through the journeys API, as a hotel whose PMS reports check-ins: a guest not
        // checked in by 23:00 on the arrival day is a no-show. The scenario's no-shows arrived yesterday: without the
        // cut-off the in-stay mail (due today) went out as soon as the booking arrived, and whether the PMS's NO_SHOW
        // five seconds later overtook it was a race of the machine's load (lost once in a loaded run of 2026-12-03).
        if (send("PUT", "/api/v1/journeys/" + TENANT + "/hotels/" + JSON_HOTEL,
                JSON.createObjectNode().put("noShowCutoff", "23:00"), 200) == null) {
            out.printf("scenario %s: the no-show cut-off of %s could not be set; its no-shows race their in-stay mail%n", run,
                    JSON_HOTEL);
        }
        try {
            startPolledPms();
            return live(persons, settleTimeout, started);
        } finally {
            stopPolledPms();
        }
    }

    private Result live(List<Person> persons, Duration settleTimeout, long started) {
        List<Reservation> reservations = new ArrayList<>();
        // History first, as a group migrating to the CRM would: last year's stays of every fifth person.
        List<Reservation> history = new ArrayList<>();
        for (Person person : persons) {
            if (person.index() % 5 == 0) {
                Reservation past = new Reservation(person, Kind.HISTORY, JSON_FEED, JSON_HOTEL_2, "SCN-" + run + "-H" + person.index(),
                        "SCN-" + run + "-HP" + person.index(), person.email());
                past.arrival = LocalDate.now(ZoneOffset.UTC).minusDays(400);
                past.departure = past.arrival.plusDays(3);
                past.status = "CHECKED_OUT";
                history.add(past);
            }
        }
        importHistory(history);
        reservations.addAll(history);
        for (Person person : persons) {
            Reservation first = play(person, Kind.of(person.index()));
            reservations.add(first);
            if (person.index() % 3 == 0) {
                reservations.add(playReturning(person, first));
            }
        }
        exportFiles(reservations.stream().filter(r -> r.kind.exported()).toList());
        out.printf("scenario %s: %d reservations sent; waiting for the pipeline to settle%n", run, reservations.size());
        Map<Reservation, JsonNode> seen = settle(reservations, settleTimeout);
        boolean settled = seen != null;
        if (seen == null) {
            seen = observeAll(reservations);
        }
        Campaign campaign = settled ? campaign(reservations) : Campaign.failed("the pipeline did not settle");
        return check(persons, reservations, seen, settled, campaign, (System.nanoTime() - started) / 1e9);
    }

    // ---- the campaign --------------------------------------------------------------------------------------------

    private Campaign campaign(List<Reservation> reservations) {
        // Opted out at the desk and not opted in again by a later booking of the same person.
        Set<Integer> optedInAgain = reservations.stream().filter(r -> r.kind == Kind.RETURNING).map(r -> r.person.index())
                .collect(Collectors.toSet());
        List<Reservation> optedOut = reservations.stream().filter(r -> r.kind == Kind.OPTED_OUT_SOON && r.accepted
                && r.optedOutAt != null && !optedInAgain.contains(r.person.index())).toList();
        Map<String, Reservation> optedOutByGuest = new HashMap<>();
        for (Reservation r : optedOut) {
            JsonNode guest = get(StackConfig.Port.PROFILE, "/api/v1/guests?tenant=" + TENANT + "&sourceSystem="
                    + enc(r.feed) + "&sourceProfileId=" + enc(r.profileId));
            if (guest == null || guest.path("guestId").asText("").isEmpty()) {
                return Campaign.failed("no golden guest for the opted-out " + r.id);
            }
            optedOutByGuest.put(guest.path("guestId").asText(), r);
        }
        ObjectNode body = JSON.createObjectNode().put("name", "Scenario " + run + " spring offer").put("channel", "EMAIL")
                .put("schedule", "now").put("tenant", TENANT);
        body.putObject("segment").putArray("hotelCodes").add(OTA_HOTEL).add(JSON_HOTEL).add(JSON_HOTEL_2).add(WEBHOOK_HOTEL)
                .add(EXPORT_HOTEL).add(POLLED_HOTEL);
        JsonNode created = send("POST", "/api/v1/campaigns", body, 201);
        if (created == null) {
            return Campaign.failed("POST /api/v1/campaigns refused");
        }
        String id = created.path("id").asText();
        JsonNode preview = send("POST", "/api/v1/campaigns/" + id + "/preview", JSON.createObjectNode(), 200);
        if (preview == null) {
            return Campaign.failed("preview refused");
        }
        int optedOutPlanned = 0;
        Set<String> previewed = new java.util.HashSet<>();
        for (JsonNode g : preview.path("guests")) {
            previewed.add(g.path("guestId").asText());
            if (optedOutByGuest.containsKey(g.path("guestId").asText()) && g.path("receives").asBoolean()) {
                optedOutPlanned++;
            }
        }
        Instant launchedAt = Instant.now();
        if (send("POST", "/api/v1/campaigns/" + id + "/launch", JSON.createObjectNode(), 200) == null) {
            return Campaign.failed("launch refused");
        }
        // Settled when nothing is due now any more (SCHEDULED may stay for later when it is the hotels' quiet hours).
        JsonNode state = null;
        Instant deadline = Instant.now().plusSeconds(60);
        JsonNode previous = null;
        while (Instant.now().isBefore(deadline)) {
            state = get(StackConfig.Port.JOURNEY, "/api/v1/campaigns/" + id);
            if (state != null && state.path("counts").equals(previous != null ? previous.path("counts") : null)) {
                break;
            }
            previous = state;
            DetachedProcess.pause(Duration.ofSeconds(3));
        }
        if (state == null) {
            return Campaign.failed("GET /api/v1/campaigns/" + id + " failed");
        }
        JsonNode counts = state.path("counts");
        int planned = counts.path("SENT").asInt() + counts.path("SCHEDULED").asInt();
        int skipped = counts.path("SKIPPED").asInt();
        // No campaign mail may reach an opted-out guest: a mail to them after the launch that is none of their
        // reservations' communications is the campaign's.
        Set<String> theirSteps = new java.util.HashSet<>();
        for (Reservation r : optedOut) {
            JsonNode list = get(StackConfig.Port.JOURNEY, "/api/v1/reservations/" + TENANT + "/" + r.hotel + "/" + r.id
                    + "/communications");
            if (list != null) {
                list.forEach(c -> theirSteps.add(c.path("id").asText(c.path("communicationId").asText())));
            }
        }
        Set<String> optedOutRecipients = optedOut.stream().map(r -> MailJournal.recipientHash(r.email))
                .collect(Collectors.toSet());
        int optedOutMailed = (int) MailJournal.read(stack.mailJournal()).stream()
                .filter(e -> optedOutRecipients.contains(e.recipientHash()) && e.receivedAtMillis() >= launchedAt.toEpochMilli())
                .filter(e -> !theirSteps.contains(e.communicationId())).count();
        if (!optedOut.isEmpty() && !optedOutByGuest.keySet().stream().allMatch(previewed::contains)) {
            return new Campaign(false, "the preview does not list every opted-out guest of the segment", planned, skipped,
                    optedOut.size(), optedOutPlanned, optedOutMailed, 0, List.of());
        }
        List<String> headerProblems = new ArrayList<>();
        int read = readCampaignMails(reservations, optedOut, launchedAt, headerProblems);
        if (counts.path("SENT").asInt() > 0 && read == 0) {
            headerProblems.add(counts.path("SENT").asInt() + " campaign mails SENT, none found in the mail catcher");
        }
        return new Campaign(true, null, planned, skipped, optedOut.size(), optedOutPlanned, optedOutMailed, read,
                headerProblems);
    }

    /**
     * A campaign mail is a marketing mail: RFC 8058 asks for {@code List-Unsubscribe: <https://...>} and
     * {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click}. Up to {@link #CAMPAIGN_MAILS_READ} of them are read back
     * over IMAP: a mail the journal shows after the launch to a guest of the group, whose communication is none of that
     * guest's reservation steps, is the campaign's. Returns how many were read; what is wrong goes to {@code problems}.
     */
    private int readCampaignMails(List<Reservation> reservations, List<Reservation> optedOut, Instant launchedAt,
                                  List<String> problems) {
        Map<String, Reservation> byRecipient = new HashMap<>();
        for (Reservation r : reservations) {
            if (r.accepted && r.email != null && !optedOut.contains(r)) {
                byRecipient.putIfAbsent(MailJournal.recipientHash(r.email), r);
            }
        }
        Map<String, Set<String>> stepsOf = new HashMap<>();
        int read = 0;
        for (MailJournal.Entry entry : MailJournal.read(stack.mailJournal())) {
            Reservation r = byRecipient.get(entry.recipientHash());
            if (read >= CAMPAIGN_MAILS_READ || r == null || entry.receivedAtMillis() < launchedAt.toEpochMilli()
                    || entry.communicationId().equals("-")) {
                continue;
            }
            Set<String> steps = stepsOf.computeIfAbsent(r.email.toLowerCase(Locale.ROOT), k -> {
                Set<String> ids = new java.util.HashSet<>();
                reservations.stream().filter(o -> o.email != null && o.email.equalsIgnoreCase(r.email)).forEach(o -> {
                    JsonNode list = get(StackConfig.Port.JOURNEY, "/api/v1/reservations/" + TENANT + "/" + o.hotel + "/"
                            + o.id + "/communications");
                    if (list != null) {
                        list.forEach(c -> ids.add(c.path("id").asText(c.path("communicationId").asText())));
                    }
                });
                return ids;
            });
            if (steps.contains(entry.communicationId())) {
                continue;
            }
            read++;
            // The catcher keeps a mailbox per address as the journey wrote it, and the journal hashes it lower-cased:
            // the scenario spells a person's address in lower or upper case, so both are tried. A mailbox that cannot
            // be opened is no finding about the mail; the next campaign mail is read instead.
            String problem = null;
            boolean opened = false;
            for (String address : new java.util.LinkedHashSet<>(List.of(r.email.toLowerCase(Locale.ROOT), r.email,
                    r.email.toUpperCase(Locale.ROOT)))) {
                String found = unsubscribeHeaderProblem(address, entry.communicationId());
                if (found != null && found.endsWith(NOT_READABLE)) {
                    continue;
                }
                opened = true;
                problem = found;
                if (found == null || !found.endsWith(NOT_IN_INBOX)) {
                    break;
                }
            }
            if (!opened) {
                read--;
                continue;
            }
            if (problem != null) {
                problems.add(problem);
            }
        }
        return read;
    }

    /** Null when the mail of {@code communicationId} in {@code address}'s IMAP inbox carries both RFC 8058 headers. */
    private String unsubscribeHeaderProblem(String address, String communicationId) {
        java.util.Properties properties = new java.util.Properties();
        properties.put("mail.store.protocol", "imap");
        properties.put("mail.imap.host", "localhost");
        properties.put("mail.imap.port", Integer.toString(config.port(StackConfig.Port.IMAP)));
        try {
            jakarta.mail.Store store = jakarta.mail.Session.getInstance(properties).getStore("imap");
            store.connect("localhost", config.port(StackConfig.Port.IMAP), address, address);
            try {
                jakarta.mail.Folder inbox = store.getFolder("INBOX");
                inbox.open(jakarta.mail.Folder.READ_ONLY);
                try {
                    for (jakarta.mail.Message message : inbox.getMessages()) {
                        String[] id = message.getHeader("X-GuestCRM-Communication-Id");
                        if (id == null || !communicationId.equals(id[0].trim())) {
                            continue;
                        }
                        String[] unsubscribe = message.getHeader("List-Unsubscribe");
                        String[] post = message.getHeader("List-Unsubscribe-Post");
                        if (unsubscribe == null || !unsubscribe[0].trim().matches("(?s).*<https?://[^>]+>.*")) {
                            return "campaign mail " + communicationId + " without a List-Unsubscribe <http(s) URL>";
                        }
                        if (post == null || !post[0].trim().equals("List-Unsubscribe=One-Click")) {
                            return "campaign mail " + communicationId + " without List-Unsubscribe-Post: List-Unsubscribe=One-Click";
                        }
                        return null;
                    }
                    return "campaign mail " + communicationId + " " + NOT_IN_INBOX;
                } finally {
                    inbox.close(false);
                }
            } finally {
                store.close();
            }
        } catch (jakarta.mail.MessagingException e) {
            return "campaign mail " + communicationId + " " + NOT_READABLE;
        }
    }

    private JsonNode send(String method, String path, ObjectNode body, int expected) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(StackConfig.Port.JOURNEY, path)))
                            .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                            .method(method, HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                out.printf("scenario %s: %s %s answered %d: %s%n", run, method, path, response.statusCode(),
                        response.body().length() > 300 ? response.body().substring(0, 300) : response.body());
                return null;
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ---- the generator -------------------------------------------------------------------------------------------

    private Person person(int i) {
        String first = FIRST[i % FIRST.length];
        String last = LAST[(i / FIRST.length + i) % LAST.length] + "-" + letters(i);
        String email = (first + "." + last + "." + run + "@example.com").toLowerCase(Locale.ROOT);
        String phone = String.format(Locale.ROOT, "+4179%02d%05d", 10 + Math.floorMod(run.hashCode(), 90), i);
        LocalDate birth = LocalDate.of(1950 + i % 50, 1 + i % 12, 1 + i % 28);
        return new Person(i, first, last, email, phone, birth);
    }

    /** Letters only (names have no digits): 0 → "a", 25 → "z", 26 → "ab", ... */
    static String letters(int n) {
        StringBuilder s = new StringBuilder();
        int v = n;
        do {
            s.append((char) ('a' + v % 26));
            v /= 26;
        } while (v > 0);
        return s.toString();
    }

    private Reservation play(Person person, Kind kind) {
        boolean ota = kind == Kind.PLAIN_OTA || kind == Kind.CANCELLED;
        boolean webhook = kind == Kind.PLAIN_WEBHOOK;
        String id = "SCN-" + run + "-" + person.index();
        Reservation r = new Reservation(person, kind,
                kind.polled() ? pollFeed : kind.exported() ? EXPORT_FEED : webhook ? WEBHOOK_FEED : ota ? OTA_FEED : JSON_FEED,
                kind.polled() ? POLLED_HOTEL : kind.exported() ? EXPORT_HOTEL : webhook ? WEBHOOK_HOTEL : ota ? OTA_HOTEL : JSON_HOTEL, id,
                "SCN-" + run + "-P" + person.index(), person.email());
        r.phone = person.phone();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        r.arrival = today.plusDays(30 + person.index() % 20);
        r.departure = r.arrival.plusDays(3);
        Instant t0 = Instant.now().minusSeconds(60);
        switch (kind) {
            case PLAIN -> post(r, "CREATED", 1, t0, true);
            case PLAIN_OTA -> {
                // Booked, then the front desk corrects the guest's phone in the PMS: a profile change, no booking.
                if (post(r, "CREATED", 1, t0, true)) {
                    editProfile(r, t0.plusSeconds(5));
                }
            }
            case PLAIN_WEBHOOK -> bookInSimulator(r);
            case PLAIN_POLLED -> putPolled(r);
            case MOVED_POLLED -> {
                if (putPolled(r)) {
                    r.oldArrival = r.arrival;
                    r.arrival = r.arrival.plusDays(21);
                    r.departure = r.arrival.plusDays(3);
                    putPolled(r);
                }
            }
            case CANCELLED_POLLED -> {
                if (putPolled(r)) {
                    r.status = "CANCELLED";
                    if (putPolled(r)) {
                        r.endedAt = Instant.now();
                    }
                }
            }
            case PLAIN_EXPORT, MOVED_EXPORT -> {
                // Delivered by the daily export files after every person has booked (exportFiles).
            }
            case CONTROL_SOON -> {
                r.arrival = today.plusDays(3);
                r.departure = r.arrival.plusDays(3);
                post(r, "CREATED", 1, t0, true);
            }
            case MODIFIED -> {
                post(r, "CREATED", 1, t0, true);
                post(r, "MODIFIED", 2, t0.plusSeconds(5), true); // two more adults, same dates (see jsonBody)
            }
            case MOVED -> {
                post(r, "CREATED", 1, t0, true);
                r.oldArrival = r.arrival;
                r.arrival = r.arrival.plusDays(21);
                r.departure = r.arrival.plusDays(3);
                post(r, "MODIFIED", 2, t0.plusSeconds(5), true);
            }
            case CANCELLED -> {
                post(r, "CREATED", 1, t0, true);
                r.status = "CANCELLED";
                if (post(r, "CANCELLED", 2, t0.plusSeconds(5), true)) {
                    r.endedAt = Instant.now();
                }
            }
            case NO_SHOW -> {
                r.arrival = today.minusDays(1);
                r.departure = today.plusDays(2);
                post(r, "CREATED", 1, t0, true);
                r.status = "NO_SHOW";
                if (post(r, "NO_SHOW", 2, t0.plusSeconds(5), true)) {
                    r.endedAt = Instant.now();
                }
            }
            case OPTED_OUT_SOON -> {
                // Said at the desk: the PMS profile's e-mail opt-in turns false; then the stay is soon.
                r.arrival = today.plusDays(3);
                r.departure = r.arrival.plusDays(3);
                post(r, "CREATED", 1, t0, true);
                if (post(r, "MODIFIED", 2, t0.plusSeconds(5), false)) {
                    r.optedOutAt = Instant.now();
                }
            }
            case MODIFICATION_FIRST -> {
                LocalDate booked = r.arrival;
                r.arrival = booked.plusDays(1);
                r.departure = r.arrival.plusDays(3);
                post(r, "MODIFIED", 2, t0.plusSeconds(5), true);
                LocalDate latest = r.arrival;
                r.arrival = booked;
                r.departure = booked.plusDays(3);
                post(r, "CREATED", 1, t0, true);
                r.arrival = latest;             // the PMS's truth is the newer (sequence 2) state
                r.departure = latest.plusDays(3);
            }
            default -> throw new IllegalStateException("not a first booking: " + kind);
        }
        return r;
    }

    /** The person comes back on the other feed with a variant of their details. */
    private Reservation playReturning(Person person, Reservation first) {
        boolean ota = !first.feed.equals(OTA_FEED);
        String email = person.index() % 2 == 0 ? person.email().toUpperCase(Locale.ROOT)
                : ("work." + person.email());
        Reservation r = new Reservation(person, Kind.RETURNING, ota ? OTA_FEED : JSON_FEED, ota ? OTA_HOTEL : JSON_HOTEL_2,
                "SCN-" + run + "-R" + person.index(), "SCN-" + run + "-RP" + person.index(), email);
        r.phone = person.phone();
        r.arrival = LocalDate.now(ZoneOffset.UTC).plusDays(60 + person.index() % 20);
        r.departure = r.arrival.plusDays(2);
        post(r, "CREATED", 1, Instant.now().minusSeconds(30), true);
        return r;
    }

    /**
     * A booking made in the simulated apaleo: the guest and the reservation are put into the simulator, which calls
     * the feed's webhook; the connector then fetches the reservation from the simulator's apaleo API.
     */
    private boolean bookInSimulator(Reservation r) {
        ObjectNode customer = JSON.createObjectNode().put("firstName", r.person.firstName())
                .put("lastName", r.person.lastName()).put("email", r.email).put("phone", r.phone)
                .put("birthDate", r.person.birthDate().toString()).put("languageCode", "de");
        ObjectNode reservation = JSON.createObjectNode().put("propertyId", r.hotel).put("customerId", r.profileId)
                .put("arrival", r.arrival.toString()).put("departure", r.departure.toString()).put("adults", 2)
                .put("totalGrossAmount", 420.00).put("currency", "EUR");
        boolean ok = putSimulator("/simulator/customers/" + r.profileId, customer)
                && putSimulator("/simulator/reservations/" + r.id, reservation);
        if (!ok) {
            out.printf("scenario %s: %s refused by the simulated PMS%n", run, r.id);
            r.accepted = false;
        }
        return ok;
    }

    private boolean putSimulator(String path, ObjectNode body) {
        return DemoPms.put(http, config, path, body);
    }

    private boolean post(Reservation r, String changeType, int sequence, Instant at, boolean emailOptIn) {
        boolean ota = r.feed.equals(OTA_FEED);
        String body = ota ? otaBody(r, changeType, at) : jsonBody(r, changeType, sequence, at, emailOptIn);
        if (deliver(ota, body, r.id + " " + changeType)) {
            return true;
        }
        r.accepted = false;
        return false;
    }

    /**
     * The guest's phone corrected at the PMS's front desk: an {@code OTA_ProfileModifyRQ} for the profile the booking
     * carried (same UniqueID), later than the booking, with nothing else changed. The CRM must show the new phone on
     * the golden record and send nothing for it.
     */
    private void editProfile(Reservation r, Instant at) {
        Person p = r.person;
        String phone = String.format(Locale.ROOT, "+4178%02d%05d", 10 + Math.floorMod(run.hashCode(), 90), p.index());
        String body = """
                <?xml version="1.0" encoding="UTF-8"?>
                <OTA_ProfileModifyRQ xmlns="http://www.opentravel.org/OTA/2003/05" EchoToken="%1$s-profile" TimeStamp="%2$s" Version="1.000" SequenceNmbr="2">
                  <UniqueID Type="1" ID="%1$s"/>
                  <Profile ProfileType="1" LastModifyDateTime="%2$s">
                    <Customer BirthDate="%3$s">
                      <PersonName><GivenName>%4$s</GivenName><Surname>%5$s</Surname></PersonName>
                      <Telephone PhoneTechType="5" PhoneNumber="%6$s"/>
                      <Email EmailType="1" DefaultInd="true">%7$s</Email>
                    </Customer>
                  </Profile>
                </OTA_ProfileModifyRQ>
                """.formatted(r.profileId, at, p.birthDate(), p.firstName(), p.lastName(), phone, r.email);
        if (deliver(true, body, r.id + " profile edit")) {
            r.editedPhone = phone;
        }
    }

    /** POSTs one message to the OTA or the JSON feed, retried as a PMS does; true once the connector accepted it. */
    private boolean deliver(boolean ota, String body, String what) {
        String path = ota ? "/api/v1/feeds/" + OTA_FEED + "/ota" : "/api/v1/feeds/" + JSON_FEED + "/reservations";
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(StackConfig.Port.CONNECTOR, path)))
                                .header("Content-Type", ota ? "application/xml" : "application/json")
                                .header("Authorization", "Bearer demo").timeout(Duration.ofSeconds(15))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (ota ? status == 200 && response.body().contains("<Success") : status == 202) {
                    return true;
                }
                if (status < 500 && status != 429 && status != 200) {
                    out.printf("scenario %s: %s refused with %d%n", run, what, status);
                    return false;
                }
            } catch (IOException e) {
                // the connector is restarting: retry, as a PMS does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            DetachedProcess.pause(Duration.ofMillis(500));
        }
        return false;
    }

    private String jsonBody(Reservation r, String changeType, int sequence, Instant at, boolean emailOptIn) {
        ObjectNode root = reservationNode(r, changeType, sequence, at);
        root.put("adults", r.kind == Kind.MODIFIED && sequence > 1 ? 4 : 2);
        ObjectNode guest = (ObjectNode) root.path("guests").get(0);
        guest.put("emailOptIn", emailOptIn);
        return root.toString();
    }

    private static ObjectNode reservationNode(Reservation r, String changeType, int sequence, Instant at) {
        ObjectNode root = JSON.createObjectNode();
        root.put("hotelCode", r.hotel).put("hotelName", "Scenario " + r.hotel).put("pmsReservationId", r.id);
        root.put("status", switch (changeType) {
            case "CANCELLED" -> "CANCELLED";
            case "NO_SHOW" -> "NO_SHOW";
            default -> r.kind == Kind.HISTORY ? "CHECKED_OUT" : "CONFIRMED";
        });
        root.put("changeType", changeType);
        root.put("arrival", r.arrival.toString()).put("departure", r.departure.toString());
        root.put("pmsSequence", sequence).put("pmsModifiedAt", at.toString());
        if ("CANCELLED".equals(changeType)) {
            root.put("cancelledAt", at.toString());
        }
        root.putObject("totalAmount").put("amount", 380.00).put("currency", "EUR");
        ArrayNode guests = root.putArray("guests");
        ObjectNode guest = guests.addObject();
        Person p = r.person;
        guest.put("pmsProfileId", r.profileId).put("primary", true).put("firstName", p.firstName())
                .put("lastName", p.lastName()).put("birthDate", p.birthDate().toString()).put("language", "en");
        guest.putArray("emails").add(r.email);
        guest.putArray("phones").add(p.phone());
        return root;
    }

    private static String otaBody(Reservation r, String changeType, Instant at) {
        String resStatus = switch (changeType) {
            case "CANCELLED" -> "Cancel";
            case "MODIFIED" -> "Modify";
            default -> "Commit";
        };
        Person p = r.person;
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <OTA_HotelResNotifRQ xmlns="http://www.opentravel.org/OTA/2003/05" EchoToken="%1$s-%2$s" TimeStamp="%3$s" Version="1.003" ResStatus="%2$s">
                  <HotelReservations>
                    <HotelReservation CreateDateTime="%3$s">
                      <RoomStays>
                        <RoomStay>
                          <RoomTypes><RoomType RoomTypeCode="DBL"/></RoomTypes>
                          <GuestCounts><GuestCount AgeQualifyingCode="10" Count="2"/></GuestCounts>
                          <TimeSpan Start="%4$s" End="%5$s"/>
                          <Total AmountAfterTax="380.00" CurrencyCode="EUR"/>
                          <BasicPropertyInfo HotelCode="%6$s" HotelName="Scenario Alps"/>
                        </RoomStay>
                      </RoomStays>
                      <ResGuests>
                        <ResGuest>
                          <Profiles><ProfileInfo><UniqueID Type="1" ID="%7$s"/><Profile ProfileType="1"><Customer BirthDate="%8$s">
                            <PersonName><GivenName>%9$s</GivenName><Surname>%10$s</Surname></PersonName>
                            <Telephone PhoneNumber="%11$s"/>
                            <Email>%12$s</Email>
                          </Customer></Profile></ProfileInfo></Profiles>
                        </ResGuest>
                      </ResGuests>
                      <ResGlobalInfo>
                        <HotelReservationIDs><HotelReservationID ResID_Type="14" ResID_Value="%1$s"/></HotelReservationIDs>
                      </ResGlobalInfo>
                    </HotelReservation>
                  </HotelReservations>
                </OTA_HotelResNotifRQ>
                """.formatted(r.id, resStatus, at, r.arrival, r.departure, r.hotel, r.profileId, p.birthDate(),
                p.firstName(), p.lastName(), p.phone(), r.email);
    }

    // ---- the polled PMS --------------------------------------------------------------------------------------------

    /**
     * Starts this run's polled PMS on a free port and sets up its feed through the admin API, as an administrator
     * would: the feed (JSON_POLLING, the hotel in Atlantic/Madeira), then its PMS API (the simulator's base URL, its
     * bearer token, a poll every second). On any refusal the run goes on without it and its bookings count as not
     * accepted.
     */
    private void startPolledPms() {
        ConnectorAdmin.PolledPms polled = admin().startPolledPms(TENANT, pollFeed, POLLED_HOTEL, "Atlantic/Madeira", "PT",
                "A PMS without webhooks, polled (scenario " + run + ")");
        if (polled.problem() != null) {
            out.printf("scenario %s: %s%n", run, polled.problem());
            return;
        }
        polledPms = polled.simulator();
    }

    /** Deletes the run's polled feed (its cursor and credentials go with it) and stops its PMS. */
    private void stopPolledPms() {
        if (polledPms == null) {
            return;
        }
        String problem = admin().stopPolledPms(pollFeed, polledPms);
        if (problem != null) {
            out.printf("scenario %s: %s%n", run, problem);
        }
        polledPms = null;
    }

    /**
     * The polled PMS's state of {@code r} after a change at the PMS (booked, moved or cancelled): its guest and the
     * reservation put into the simulator, which lists it on its changes-since API until the connector's next poll.
     */
    private boolean putPolled(Reservation r) {
        if (polledPms == null) {
            r.accepted = false;
            return false;
        }
        Person p = r.person;
        polledPms.putCustomer(new SimulatedCustomer(r.profileId, null, p.firstName(), p.lastName(),
                r.email, p.phone(), "pt", "PT", p.birthDate(), null, null, null, null, true, null, null));
        SimulatedReservation reservation = SimulatedReservation
                .confirmed(r.id, r.hotel, r.profileId, r.arrival, r.departure).withGuests(2, 0);
        if ("CANCELLED".equals(r.status)) {
            reservation = reservation.withState(SimulatedReservation.State.CANCELED);
        }
        polledPms.putReservation(reservation);
        return true;
    }

    // ---- the daily export files ---------------------------------------------------------------------------------

    private static final String EXPORT_HEADER = "hotelCode,pmsReservationId,status,arrival,departure,pmsModifiedAt,createdAt,"
            + "totalAmount,currency,adults,pmsProfileId,firstName,lastName,birthDate,language,email,phone";

    /**
     * A PMS that only exports: its arrivals list as a CSV file, twice, a day's change apart. The first file lists every
     * export reservation; the second lists them all again, the moved ones with their new dates, so the connector's diff
     * with the previous export emits only the moves. The feed is created (once per stack) through the admin API with a
     * window wide enough for the scenario's arrivals. A reservation of a file that was refused, or of a row the
     * connector rejected, counts as not accepted.
     */
    private void exportFiles(List<Reservation> exported) {
        if (exported.isEmpty()) {
            return;
        }
        if (!exportFeed()) {
            exported.forEach(r -> r.accepted = false);
            return;
        }
        Instant firstAt = Instant.now().minusSeconds(120);
        Instant secondAt = Instant.now().minusSeconds(60);
        StringBuilder first = new StringBuilder(EXPORT_HEADER).append('\n');
        exported.forEach(r -> first.append(exportRow(r, firstAt.minusSeconds(3600))).append('\n'));
        upload(first.toString(), firstAt, exported, "first");
        StringBuilder second = new StringBuilder(EXPORT_HEADER).append('\n');
        for (Reservation r : exported) {
            Instant modified = firstAt.minusSeconds(3600);
            if (r.kind == Kind.MOVED_EXPORT) {
                r.oldArrival = r.arrival;
                r.arrival = r.arrival.plusDays(21);
                r.departure = r.arrival.plusDays(3);
                modified = secondAt.minusSeconds(600);
            }
            second.append(exportRow(r, modified)).append('\n');
        }
        upload(second.toString(), secondAt, exported, "second");
    }

    private static String exportRow(Reservation r, Instant modified) {
        Person p = r.person;
        return String.join(",", r.hotel, r.id, "CONFIRMED", r.arrival.toString(), r.departure.toString(),
                modified.toString(), modified.minusSeconds(60).toString(), "380.00", "EUR", "2", r.profileId,
                p.firstName(), p.lastName(), p.birthDate().toString(), "en", r.email, p.phone());
    }

    /** The export feed exists with the scenario's hotel and a 120-day window; creates what is missing. */
    private boolean exportFeed() {
        HttpResponse<String> existing = connector("GET", "/api/v1/feeds/" + EXPORT_FEED, null, null);
        if (existing != null && existing.statusCode() == 404) {
            ObjectNode feed = JSON.createObjectNode().put("feedId", EXPORT_FEED).put("deliveryMode", "CANONICAL_JSON")
                    .put("pmsType", "export-only").put("description", "A PMS that only exports daily files (scenario)")
                    .put("defaultCurrency", "EUR");
            feed.putArray("hotels").addObject().put("hotelCode", EXPORT_HOTEL).put("timeZone", "Europe/Lisbon")
                    .put("countryCode", "PT");
            existing = connector("POST", "/api/v1/feeds?tenant=" + TENANT, feed.toString(), "application/json");
            if (existing == null || existing.statusCode() != 201) {
                out.printf("scenario %s: the export feed could not be created (%s)%n", run,
                        existing == null ? "no answer" : existing.statusCode() + " " + existing.body());
                return false;
            }
        } else if (existing == null || existing.statusCode() != 200) {
            out.printf("scenario %s: the export feed could not be read%n", run);
            return false;
        }
        ObjectNode mapping = JSON.createObjectNode().put("delimiter", ",").put("windowDays", 120);
        HttpResponse<String> mapped = connector("PUT", "/api/v1/feeds/" + EXPORT_FEED + "/export-mapping",
                mapping.toString(), "application/json");
        if (mapped == null || mapped.statusCode() != 200) {
            out.printf("scenario %s: the export mapping was refused (%s)%n", run,
                    mapped == null ? "no answer" : mapped.statusCode() + " " + mapped.body());
            return false;
        }
        return true;
    }

    private void upload(String csv, Instant exportedAt, List<Reservation> exported, String which) {
        HttpResponse<String> response = connector("POST", "/api/v1/feeds/" + EXPORT_FEED + "/files?exportedAt="
                + enc(exportedAt.toString()), csv, "text/csv");
        JsonNode answer = null;
        try {
            answer = response == null || response.statusCode() != 200 ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null) {
            out.printf("scenario %s: the %s export file was refused (%s)%n", run, which,
                    response == null ? "no answer" : response.statusCode() + " " + response.body());
            exported.forEach(r -> r.accepted = false);
            return;
        }
        for (JsonNode rejection : answer.path("rejections")) {
            int line = rejection.path("line").asInt();      // the header is line 1
            if (line >= 2 && line - 2 < exported.size()) {
                exported.get(line - 2).accepted = false;
            }
        }
        out.printf("scenario %s: %s export file: %d rows, %d accepted, %d unchanged, %d rejected, %d events%n", run,
                which, answer.path("rowsRead").asInt(), answer.path("rowsAccepted").asInt(),
                answer.path("rowsUnchanged").asInt(), answer.path("rowsRejected").asInt(),
                answer.path("eventsEmitted").asInt());
    }

    /** A call to the connector's admin API with the scenario's admin token; null when it cannot be reached. */
    private HttpResponse<String> connector(String method, String path, String body, String contentType) {
        return admin().call(method, path, body, contentType);
    }

    private ConnectorAdmin admin() {
        return new ConnectorAdmin(http, config, token, Duration.ofSeconds(30));
    }

    /** Last year's stays as one NDJSON history import on the JSON feed; waits until the job is done. */
    private void importHistory(List<Reservation> history) {
        if (history.isEmpty()) {
            return;
        }
        String ndjson = history.stream()
                .map(r -> reservationNode(r, "CHECKED_OUT", 1, r.departure.atStartOfDay().toInstant(ZoneOffset.UTC)).toString())
                .collect(Collectors.joining("\n", "", "\n"));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(StackConfig.Port.CONNECTOR,
                                    "/api/v1/feeds/" + JSON_FEED + "/imports")))
                            .header("Content-Type", "application/x-ndjson").header("Authorization", "Bearer " + token)
                            .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String location = response.headers().firstValue("Location").orElse(null);
            if (response.statusCode() != 202 || location == null) {
                out.printf("scenario %s: the history import was refused (%d)%n", run, response.statusCode());
                history.forEach(r -> r.accepted = false);
                return;
            }
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (Instant.now().isBefore(deadline)) {
                JsonNode job = get(StackConfig.Port.CONNECTOR, URI.create(location).getPath());
                String state = job == null ? "" : job.path("state").asText();
                if ("DONE".equals(state)) {
                    int rejected = job.path("rowsRejected").asInt();
                    out.printf("scenario %s: history import done: %d rows, %d rejected%n", run, job.path("rowsRead").asInt(), rejected);
                    if (rejected > 0) {
                        history.forEach(r -> r.accepted = false);
                    }
                    return;
                }
                if ("FAILED".equals(state)) {
                    break;
                }
                DetachedProcess.pause(Duration.ofMillis(500));
            }
            out.printf("scenario %s: the history import did not finish%n", run);
            history.forEach(r -> r.accepted = false);
        } catch (IOException e) {
            throw new StackException("Cannot post the history import: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }

    // ---- settling and observing ----------------------------------------------------------------------------------

    /** Waits until every reservation is known (history ones may have none) and two reads 3 s apart agree. */
    private Map<Reservation, JsonNode> settle(List<Reservation> reservations, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Map<Reservation, JsonNode> previous = null;
        while (Instant.now().isBefore(deadline)) {
            Map<Reservation, JsonNode> now = observeAll(reservations);
            boolean known = reservations.stream().filter(r -> r.kind.planned() && r.accepted)
                    .allMatch(r -> now.get(r) != null && !now.get(r).isEmpty());
            if (known && now.equals(previous) && lag() == 0) {
                return now;
            }
            previous = now;
            DetachedProcess.pause(Duration.ofSeconds(3));
        }
        return null;
    }

    private Map<Reservation, JsonNode> observeAll(List<Reservation> reservations) {
        Map<Reservation, JsonNode> seen = new HashMap<>();
        for (Reservation r : reservations) {
            JsonNode list = get(StackConfig.Port.JOURNEY, "/api/v1/reservations/" + TENANT + "/" + r.hotel + "/" + r.id + "/communications");
            seen.put(r, list == null ? JSON.createArrayNode() : list);
        }
        return seen;
    }

    private long lag() {
        try {
            return ConsumerLag.read(config.kafkaBootstrapServers()).stream().mapToLong(l -> Math.max(0, l.lag())).sum();
        } catch (StackException e) {
            return -1;
        }
    }

    // ---- the checks ----------------------------------------------------------------------------------------------

    private Result check(List<Person> persons, List<Reservation> reservations, Map<Reservation, JsonNode> seen,
                         boolean settled, Campaign campaign, double seconds) {
        Map<String, Integer> violations = new TreeMap<>();
        for (String rule : List.of("cancelled-or-no-show", "moved", "opted-out", "history-mailed", "one-per-step", "known",
                "campaign-to-opted-out", "mirror", "profile-edit")) {
            violations.put(rule, 0);
        }
        violations.put("campaign-to-opted-out", campaign.optedOutPlanned() + campaign.optedOutMailed());
        List<String> examples = new ArrayList<>();
        int checked = 0;
        int controlMarketing = 0;
        Map<String, String> mirror = journeyMirror();
        for (Reservation r : reservations) {
            if (!r.accepted) {
                continue;
            }
            String truth = r.status + " " + r.arrival + " " + r.departure;
            String held = mirror.get(r.hotel + "/" + r.id);
            if (!truth.equals(held)) {
                violate(violations, examples, "mirror", r, "the journey holds " + (held == null ? "nothing" : held)
                        + ", the PMS " + truth);
            }
            if (r.kind == Kind.PLAIN_OTA && r.editedPhone == null) {
                violate(violations, examples, "profile-edit", r, "the profile change was not accepted");
            } else if (r.editedPhone != null && !phonesOfGuest(r).contains(r.editedPhone)) {
                violate(violations, examples, "profile-edit", r, "the golden record lacks the phone set at the PMS");
            }
            JsonNode list = seen.get(r);
            checked++;
            Map<String, Integer> perStep = new HashMap<>();
            if (r.kind.planned() && (list == null || list.isEmpty())) {
                violate(violations, examples, "known", r, "the journey-service knows no communication");
                continue;
            }
            for (JsonNode c : list) {
                String step = c.path("step").asText();
                String status = c.path("status").asText();
                Instant sentAt = instant(c.path("sentAt"));
                Instant dueAt = instant(c.path("dueAt"));
                perStep.merge(step, 1, Integer::sum);
                switch (r.kind) {
                    case CANCELLED, NO_SHOW, CANCELLED_POLLED -> {
                        if (PENDING.contains(status) && !AFTER_THE_END.contains(step)) {
                            violate(violations, examples, "cancelled-or-no-show", r, step + " still " + status);
                        }
                        if ("SENT".equals(status) && !"CONFIRMATION".equals(step) && !AFTER_THE_END.contains(step)
                                && r.endedAt != null && sentAt != null && sentAt.isAfter(r.endedAt)) {
                            violate(violations, examples, "cancelled-or-no-show", r, step + " sent after the end");
                        }
                    }
                    case MOVED, MOVED_EXPORT, MOVED_POLLED -> {
                        // The booking's notices (its confirmation, the notice of this very move) are due when the
                        // change is seen, not at a time of the stay: only the stay's own steps must follow the dates.
                        if (PENDING.contains(status) && dueAt != null && !"CONFIRMATION".equals(step)
                                && !"MODIFICATION".equals(step) && !insideNewDates(dueAt, r)) {
                            violate(violations, examples, "moved", r, step + " due " + dueAt + " outside the new dates");
                        }
                    }
                    case OPTED_OUT_SOON -> {
                        if ("SENT".equals(status) && !TRANSACTIONAL.contains(step) && r.optedOutAt != null
                                && sentAt != null && sentAt.isAfter(r.optedOutAt)) {
                            violate(violations, examples, "opted-out", r, step + " sent after the opt-out");
                        }
                    }
                    case CONTROL_SOON -> {
                        if ("SENT".equals(status) && !TRANSACTIONAL.contains(step)) {
                            controlMarketing++;
                        }
                    }
                    case HISTORY -> {
                        if ("SENT".equals(status) || PENDING.contains(status)) {
                            violate(violations, examples, "history-mailed", r, step + " " + status);
                        }
                    }
                    default -> {
                    }
                }
            }
            perStep.forEach((step, n) -> {
                if (n > 1) {
                    violate(violations, examples, "one-per-step", r, n + " communications for " + step);
                }
            });
        }
        Map<String, Long> perMessageId = MailJournal.read(stack.mailJournal()).stream()
                .collect(Collectors.groupingBy(MailJournal.Entry::messageId, LinkedHashMap::new, Collectors.counting()));
        Set<String> ours = reservations.stream().map(r -> MailJournal.recipientHash(r.email)).collect(Collectors.toSet());
        List<MailJournal.Entry> mails = MailJournal.read(stack.mailJournal()).stream()
                .filter(e -> ours.contains(e.recipientHash())).toList();
        int duplicateMails = (int) mails.stream().map(MailJournal.Entry::messageId).distinct()
                .filter(id -> perMessageId.getOrDefault(id, 0L) > 1).count();
        double[] prf = new double[3];
        int[] sameEmail = new int[2];
        goldenRecords(reservations, prf, sameEmail);
        int accepted = (int) reservations.stream().filter(r -> r.accepted).count();
        return new Result(persons.size(), reservations.size(), accepted, checked, violations, examples, mails.size(),
                duplicateMails, prf[0], prf[1], prf[2], sameEmail[0], sameEmail[1], controlMarketing, campaign, settled,
                seconds);
    }

    /**
     * What the journey-service mirrors of this run's reservations (its {@code reservation} table, read directly:
     * no API shows a reservation's state), as "STATUS arrival departure" by hotel/reservation id. Empty when the
     * database cannot be read, so every reservation then fails the mirror rule.
     */
    private Map<String, String> journeyMirror() {
        Map<String, String> held = new HashMap<>();
        java.util.Properties properties = new java.util.Properties();
        properties.put("user", "postgres");
        properties.put("connectTimeout", "3");
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(config.jdbcUrl("journey"), properties);
                java.sql.PreparedStatement query = connection.prepareStatement("""
                        select hotel_code, pms_reservation_id, status, arrival, departure from reservation
                        where tenant = ? and pms_reservation_id like ?""")) {
            query.setString(1, TENANT);
            query.setString(2, "SCN-" + run + "-%");
            try (java.sql.ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    held.put(rows.getString(1) + "/" + rows.getString(2), rows.getString(3) + " " + rows.getDate(4)
                            .toLocalDate() + " " + rows.getDate(5).toLocalDate());
                }
            }
        } catch (java.sql.SQLException e) {
            out.printf("scenario %s: the journey's reservations could not be read (%s)%n", run, e.getSQLState());
        }
        return held;
    }

    /**
     * A dated step of a moved stay (moved three weeks later) lies between two weeks before its new arrival and two
     * weeks after its new departure: every step still planned from the old dates (pre-stay 28 days, in-stay 20 days,
     * survey 17 days before the new arrival) falls outside, every step planned from the new ones inside.
     */
    private static boolean insideNewDates(Instant dueAt, Reservation r) {
        Instant from = r.arrival.minusDays(14).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant until = r.departure.plusDays(15).atStartOfDay().toInstant(ZoneOffset.UTC);
        return !dueAt.isBefore(from) && dueAt.isBefore(until);
    }

    private static void violate(Map<String, Integer> violations, List<String> examples, String rule, Reservation r, String what) {
        violations.merge(rule, 1, Integer::sum);
        if (examples.size() < 5) {
            examples.add(rule + ": " + r.id + " (" + r.kind + ") " + what);
        }
    }

    /**
     * Pairwise precision/recall/F1 of the profile-service's golden records against the persons: every source profile
     * of the run is looked up ({@code GET /api/v1/guests?tenant&sourceSystem&sourceProfileId}).
     */
    /** The E.164 phones of the golden record holding the reservation's guest profile (empty when none is known). */
    private Set<String> phonesOfGuest(Reservation r) {
        JsonNode guest = get(StackConfig.Port.PROFILE, "/api/v1/guests?tenant=" + TENANT + "&sourceSystem="
                + enc(r.feed) + "&sourceProfileId=" + enc(r.crmProfileId()));
        Set<String> phones = new java.util.HashSet<>();
        if (guest != null) {
            guest.path("phones").forEach(phone -> phones.add(phone.path("value").asText()));
        }
        return phones;
    }

    private void goldenRecords(List<Reservation> reservations, double[] prf, int[] sameEmail) {
        Map<String, String> guestOf = new HashMap<>();
        Map<String, Integer> personOf = new HashMap<>();
        Map<String, String> emailOf = new HashMap<>();
        for (Reservation r : reservations) {
            if (!r.accepted) {
                continue;
            }
            String source = r.feed + "/" + r.crmProfileId();
            if (guestOf.containsKey(source)) {
                continue;
            }
            JsonNode guest = get(StackConfig.Port.PROFILE, "/api/v1/guests?tenant=" + TENANT + "&sourceSystem="
                    + enc(r.feed) + "&sourceProfileId=" + enc(r.crmProfileId()));
            guestOf.put(source, guest == null ? "none:" + source : guest.path("guestId").asText("none:" + source));
            personOf.put(source, r.person.index());
            emailOf.put(source, r.email.toLowerCase(Locale.ROOT));
        }
        List<String> sources = new ArrayList<>(guestOf.keySet());
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < sources.size(); i++) {
            for (int j = i + 1; j < sources.size(); j++) {
                String a = sources.get(i);
                String b = sources.get(j);
                boolean same = Objects.equals(personOf.get(a), personOf.get(b));
                boolean merged = guestOf.get(a).equals(guestOf.get(b));
                if (same && merged) {
                    tp++;
                } else if (merged) {
                    fp++;
                    if (fp <= 3) {
                        out.printf("scenario %s: golden records: %s and %s (different people) are one guest%n", run, a, b);
                    }
                } else if (same) {
                    fn++;
                    if (fn <= 3) {
                        out.printf("scenario %s: golden records: %s and %s (one person) are %s%n", run, a, b,
                                guestOf.get(a).startsWith("none:") || guestOf.get(b).startsWith("none:")
                                        ? "not both known to the profile-service" : "two guests");
                    }
                }
                if (same && emailOf.get(a).equals(emailOf.get(b))) {
                    sameEmail[0]++;
                    if (!merged) {
                        sameEmail[1]++;
                    }
                }
            }
        }
        prf[0] = tp + fp == 0 ? 1.0 : (double) tp / (tp + fp);
        prf[1] = tp + fn == 0 ? 1.0 : (double) tp / (tp + fn);
        prf[2] = prf[0] + prf[1] == 0 ? 0 : 2 * prf[0] * prf[1] / (prf[0] + prf[1]);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private JsonNode get(StackConfig.Port port, String path) {
        return StaffApi.getJson(http, url(port, path), token, Duration.ofSeconds(15));
    }

    private String url(StackConfig.Port port, String path) {
        return "http://localhost:" + config.port(port) + path;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Instant instant(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.asText().isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(node.asText());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
