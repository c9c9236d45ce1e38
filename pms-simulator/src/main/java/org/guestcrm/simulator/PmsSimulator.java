package org.guestcrm.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small PMS over a plain JDK HTTP server: it holds reservations and customers, serves them in the vendors' public API
 * contracts (apaleo Booking API, Mews Connector API) and sends the vendors' webhooks to a receiver (the connector) when
 * they change. The connector's test peer and the local stack's demo PMS; {@link PmsSimulatorMain} runs it as a process.
 *
 * <p>A test drives it through this class: {@link #putReservation}, {@link #putCustomer}, {@link #setApiAvailable}
 * (an outage: every API call answers 503 while webhooks still go out), {@link #notifyApaleo} and {@link #notifyMews}
 * (send a notification again, as a PMS redelivers).
 */
public final class PmsSimulator implements AutoCloseable {

    /** How the simulator is set up; {@link #defaults()} suits a test (port 0 = a free port). */
    public record Options(int port, String apaleoAccessToken, String mewsClientToken, String mewsAccessToken,
                          String changesAccessToken, String apaleoAccountId, String mewsEnterpriseId, ZoneId zone) {
        public static Options defaults() {
            return new Options(0, "apaleo-token", "mews-client-token", "mews-access-token", "changes-token", "SIM",
                    "8f3c7a52-3c1e-4d8b-9a53-2f1b4c6d7e80", ZoneId.of("Europe/Berlin"));
        }

        public Options withPort(int newPort) {
            return new Options(newPort, apaleoAccessToken, mewsClientToken, mewsAccessToken, changesAccessToken,
                    apaleoAccountId, mewsEnterpriseId, zone);
        }
    }

    private final Options options;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final ApaleoContract apaleo;
    private final MewsContract mews;
    private final ChangesContract changes;
    private final List<ChangesContract.Change> changeLog = new ArrayList<>();
    private final Map<String, SimulatedReservation> reservations = new LinkedHashMap<>();
    private final Map<String, SimulatedCustomer> customers = new LinkedHashMap<>();
    private final AtomicInteger apiRequests = new AtomicInteger();
    private final List<Long> cursorsAsked = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private volatile boolean apiAvailable = true;
    private volatile long apiDelayMillis;
    private final AtomicInteger apiInFlight = new AtomicInteger();
    private final AtomicInteger apiInFlightMax = new AtomicInteger();
    private volatile WebhookSender apaleoWebhooks;
    private volatile WebhookSender mewsWebhooks;
    private Instant lastStamp = Instant.EPOCH;
    private HttpServer server;

    private PmsSimulator(Options options) {
        this.options = options;
        this.apaleo = new ApaleoContract(json, options.apaleoAccountId(), options.zone());
        this.mews = new MewsContract(json, options.mewsEnterpriseId(), "pms-simulator", options.zone());
        this.changes = new ChangesContract(json);
    }

    /** Starts a simulator on {@code options.port()} (0 = a free port) of the loopback and all other interfaces. */
    public static PmsSimulator start(Options options) throws IOException {
        PmsSimulator simulator = new PmsSimulator(options);
        simulator.server = HttpServer.create(new InetSocketAddress(options.port()), 64);
        simulator.server.createContext(ApaleoContract.RESERVATION_PATH, simulator::apaleoReservation);
        simulator.server.createContext("/api/connector/v1/", simulator::mewsOperation);
        simulator.server.createContext(ChangesContract.PATH, simulator::changesSince);
        simulator.server.createContext("/simulator/", simulator::control);
        simulator.server.setExecutor(simulator.executor);
        simulator.server.start();
        return simulator;
    }

    public static PmsSimulator start() throws IOException {
        return start(Options.defaults());
    }

    /** The base URL of the vendor APIs (apaleo and Mews paths are both under it). */
    public URI baseUrl() {
        return URI.create("http://localhost:" + server.getAddress().getPort());
    }

    public Options options() {
        return options;
    }

    /** apaleo webhooks go to {@code url} from now on (null: to nobody), basic-authenticated with password {@code token}. */
    public void sendApaleoWebhooksTo(URI url, String token) {
        apaleoWebhooks = url == null ? null : new WebhookSender(url, token, 3);
    }

    /** Mews General Webhooks go to {@code url} from now on (null: to nobody), basic-authenticated with {@code token}. */
    public void sendMewsWebhooksTo(URI url, String token) {
        mewsWebhooks = url == null ? null : new WebhookSender(url, token, 3);
    }

    /** While false, every apaleo and Mews API call answers 503 (webhooks are still sent). */
    public void setApiAvailable(boolean available) {
        apiAvailable = available;
    }

    /** Every apaleo and Mews API answer waits this long first (a slow PMS), so concurrent calls overlap. */
    public void setApiDelay(java.time.Duration delay) {
        apiDelayMillis = delay.toMillis();
    }

    /** The most apaleo and Mews API calls this simulator served at the same moment (a caller's concurrency). */
    public int apiConcurrencyMax() {
        return apiInFlightMax.get();
    }

    /** Starts {@link #apiConcurrencyMax()} afresh. */
    public void resetApiConcurrencyMax() {
        apiInFlightMax.set(apiInFlight.get());
    }

    /** API calls received so far (answered or refused). */
    public int apiRequests() {
        return apiRequests.get();
    }

    /** The {@code since} cursors the changes-since API was asked for, in order (a poller's resume point is visible). */
    public List<Long> cursorsAsked() {
        return List.copyOf(cursorsAsked);
    }

    /** Webhook notifications delivered (2xx) / given up after retries, over both vendors. */
    public int webhooksDelivered() {
        return count(WebhookSender::delivered);
    }

    public int webhooksUndelivered() {
        return count(WebhookSender::undelivered);
    }

    /**
     * Stores a reservation (new or changed; times are stamped by the simulator) and notifies: apaleo
     * {@code Reservation/created|amended|changed|canceled|set-to-no-show|checked-in|checked-out}, Mews
     * {@code ServiceOrderUpdated}. A put of the same content changes nothing and notifies nobody.
     */
    public SimulatedReservation putReservation(SimulatedReservation reservation) {
        SimulatedReservation before;
        SimulatedReservation stored;
        synchronized (this) {
            before = reservations.get(reservation.id());
            if (reservation.sameContent(before)) {
                return before;
            }
            Instant now = stamp();
            stored = reservation.stamped(before != null ? before.created() : now, now);
            reservations.put(stored.id(), stored);
            changeLog.add(new ChangesContract.Change(changeLog.size() + 1, stored.id()));
        }
        notifyApaleo(ApaleoContract.webhookType(before, stored), stored.id());
        notifyMews(List.of(new MewsEvent("ServiceOrderUpdated", stored.id())));
        return stored;
    }

    /**
     * Stores a customer and notifies: Mews {@code CustomerAdded} / {@code CustomerUpdated}; apaleo, where the guest lives
     * inside the reservation, {@code Reservation/changed} for each reservation of the customer.
     */
    public SimulatedCustomer putCustomer(SimulatedCustomer customer) {
        SimulatedCustomer before;
        SimulatedCustomer stored;
        List<String> touched = new ArrayList<>();
        synchronized (this) {
            before = customers.get(customer.id());
            if (customer.sameContent(before)) {
                return before;
            }
            Instant now = stamp();
            stored = customer.stamped(before != null ? before.created() : now, now);
            customers.put(stored.id(), stored);
            if (before != null) {
                for (SimulatedReservation r : List.copyOf(reservations.values())) {
                    if (stored.id().equals(r.customerId())) {
                        reservations.put(r.id(), r.stamped(r.created(), now));
                        changeLog.add(new ChangesContract.Change(changeLog.size() + 1, r.id()));
                        touched.add(r.id());
                    }
                }
            }
        }
        notifyMews(List.of(new MewsEvent(before == null ? "CustomerAdded" : "CustomerUpdated", stored.id())));
        touched.forEach(id -> notifyApaleo("changed", id));
        return stored;
    }

    public synchronized Optional<SimulatedReservation> reservation(String id) {
        return Optional.ofNullable(reservations.get(id));
    }

    public synchronized Optional<SimulatedCustomer> customer(String id) {
        return Optional.ofNullable(customers.get(id));
    }

    /** Sends an apaleo {@code Reservation} notification of {@code type} for a reservation (again); -1 when none is set up. */
    public int notifyApaleo(String type, String reservationId) {
        WebhookSender sender = apaleoWebhooks;
        SimulatedReservation reservation = reservation(reservationId).orElse(null);
        if (sender == null || reservation == null) {
            return -1;
        }
        return sender.send(apaleo.webhook(type, reservation, Instant.now()).toString());
    }

    /** Sends one Mews General Webhooks message with these events (again); -1 when no receiver is set up. */
    public int notifyMews(List<MewsEvent> events) {
        WebhookSender sender = mewsWebhooks;
        if (sender == null) {
            return -1;
        }
        return sender.send(mews.webhook(events).toString());
    }

    /** The reservation as apaleo's Booking API would answer it (for tests comparing shapes). */
    public synchronized ObjectNode apaleoView(String id) {
        SimulatedReservation r = reservations.get(id);
        return r == null ? null : apaleo.reservation(r, r.customerId() == null ? null : customers.get(r.customerId()));
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
    }

    /** Times are whole seconds (as the vendors serve them) and strictly increasing, so every change is newer. */
    private synchronized Instant stamp() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        lastStamp = now.isAfter(lastStamp) ? now : lastStamp.plusSeconds(1);
        return lastStamp;
    }

    private int count(java.util.function.ToIntFunction<WebhookSender> counter) {
        int n = 0;
        for (WebhookSender sender : new WebhookSender[] {apaleoWebhooks, mewsWebhooks}) {
            n += sender == null ? 0 : counter.applyAsInt(sender);
        }
        return n;
    }

    // --- apaleo Booking API -------------------------------------------------------------------

    private void apaleoReservation(HttpExchange exchange) throws IOException {
        enter();
        try (exchange) {
            apiRequests.incrementAndGet();
            if (!apiAvailable) {
                answer(exchange, 503, problem("The PMS is not available (simulated outage)."));
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, problem("Only GET is served here."));
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.equals("Bearer " + options.apaleoAccessToken())) {
                answer(exchange, 401, null);
                return;
            }
            String id = exchange.getRequestURI().getPath().substring(ApaleoContract.RESERVATION_PATH.length());
            ObjectNode view = apaleoView(id);
            if (view == null) {
                answer(exchange, 404, null);
                return;
            }
            answer(exchange, 200, view);
        } finally {
            apiInFlight.decrementAndGet();
        }
    }

    private void enter() {
        int now = apiInFlight.incrementAndGet();
        apiInFlightMax.accumulateAndGet(now, Math::max);
        long delay = apiDelayMillis;
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // --- generic JSON changes-since API (polling) ------------------------------------------------------

    private void changesSince(HttpExchange exchange) throws IOException {
        try (exchange) {
            apiRequests.incrementAndGet();
            if (!apiAvailable) {
                answer(exchange, 503, problem("The PMS is not available (simulated outage)."));
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.equals("Bearer " + options.changesAccessToken())) {
                answer(exchange, 401, problem("A bearer token is required."));
                return;
            }
            Map<String, String> query = new LinkedHashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        query.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
            }
            long since;
            int limit;
            try {
                since = Long.parseLong(query.getOrDefault("since", "0"));
                limit = Integer.parseInt(query.getOrDefault("limit", "100"));
            } catch (NumberFormatException e) {
                answer(exchange, 400, problem("since is a change sequence and limit a count."));
                return;
            }
            if (since < 0 || limit < 1 || limit > ChangesContract.MAX_LIMIT) {
                answer(exchange, 400, problem("since must be >= 0 and limit 1-" + ChangesContract.MAX_LIMIT + "."));
                return;
            }
            cursorsAsked.add(since);
            ObjectNode page;
            synchronized (this) {
                page = changes.page(changeLog, since, limit, reservations, customers);
            }
            answer(exchange, 200, page);
        }
    }

    // --- Mews Connector API ---------------------------------------------------------------------

    private void mewsOperation(HttpExchange exchange) throws IOException {
        enter();
        try (exchange) {
            apiRequests.incrementAndGet();
            if (!apiAvailable) {
                answer(exchange, 503, mewsError("The PMS is not available (simulated outage)."));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, mewsError("Connector API operations are POST requests."));
                return;
            }
            JsonNode parsed;
            try {
                parsed = json.readTree(read(exchange.getRequestBody()));
            } catch (IOException e) {
                answer(exchange, 400, mewsError("Invalid request body."));
                return;
            }
            final JsonNode body = parsed;
            if (body == null || !body.isObject()) {
                answer(exchange, 400, mewsError("Invalid request body."));
                return;
            }
            if (!options.mewsClientToken().equals(body.path("ClientToken").asText(null))) {
                answer(exchange, 401, mewsError("Invalid ClientToken."));
                return;
            }
            if (!options.mewsAccessToken().equals(body.path("AccessToken").asText(null))) {
                answer(exchange, 401, mewsError("Invalid AccessToken."));
                return;
            }
            if (body.path("Client").asText("").isBlank()) {
                answer(exchange, 400, mewsError("Client is required."));
                return;
            }
            int count = body.path("Limitation").path("Count").asInt(1000);
            ObjectNode result = json.createObjectNode();
            if (path.equals(MewsContract.RESERVATIONS_PATH)) {
                Set<String> ids = ids(body.get("ReservationIds"));
                ArrayNode array = result.putArray("Reservations");
                synchronized (this) {
                    reservations.values().stream().filter(r -> ids == null || ids.contains(r.id()))
                            .filter(r -> updatedWithin(body.get("UpdatedUtc"), r.modified())).limit(count)
                            .forEach(r -> array.add(mews.reservation(r)));
                }
            } else if (path.equals(MewsContract.CUSTOMERS_PATH)) {
                Set<String> ids = ids(body.get("CustomerIds"));
                ArrayNode array = result.putArray("Customers");
                synchronized (this) {
                    customers.values().stream().filter(c -> ids == null || ids.contains(c.id()))
                            .filter(c -> updatedWithin(body.get("UpdatedUtc"), c.updated())).limit(count)
                            .forEach(c -> array.add(mews.customer(c)));
                }
            } else {
                answer(exchange, 404, mewsError("The simulator serves reservations/getAll and customers/getAll only."));
                return;
            }
            result.putNull("Cursor");
            answer(exchange, 200, result);
        } finally {
            apiInFlight.decrementAndGet();
        }
    }

    private static Set<String> ids(JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        return Set.copyOf(StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList());
    }

    private static boolean updatedWithin(JsonNode interval, Instant updated) {
        if (interval == null || !interval.isObject()) {
            return true;
        }
        Instant start = Instant.parse(interval.path("StartUtc").asText("1970-01-01T00:00:00Z"));
        Instant end = Instant.parse(interval.path("EndUtc").asText("9999-01-01T00:00:00Z"));
        return !updated.isBefore(start) && !updated.isAfter(end);
    }

    private ObjectNode mewsError(String message) {
        ObjectNode node = json.createObjectNode();
        node.put("Message", message);
        return node;
    }

    // --- control API for a demo (PmsSimulatorMain) ---------------------------------------------------

    /**
     * {@code PUT /simulator/reservations/{id}} and {@code PUT /simulator/customers/{id}} (the record's JSON fields),
     * {@code POST /simulator/availability} {@code {"available": false}}, {@code GET /simulator/status}.
     */
    private void control(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            try {
                if (method.equals("PUT") && path.startsWith("/simulator/reservations/")) {
                    SimulatedReservation given = json.readValue(read(exchange.getRequestBody()), SimulatedReservation.class);
                    String id = path.substring("/simulator/reservations/".length());
                    SimulatedReservation r = new SimulatedReservation(id, given.propertyId(), given.customerId(),
                            given.state() == null ? SimulatedReservation.State.CONFIRMED : given.state(), given.arrival(),
                            given.departure(), Math.max(1, given.adults()), given.children(), given.totalGrossAmount(),
                            given.currency(), given.channelCode() == null ? "Direct" : given.channelCode(),
                            given.ratePlanCode() == null ? "FLEX" : given.ratePlanCode(),
                            given.unitGroupCode() == null ? "DBL" : given.unitGroupCode(), null, null);
                    if (r.propertyId() == null || r.arrival() == null || r.departure() == null) {
                        answer(exchange, 400, problem("propertyId, arrival and departure are required."));
                        return;
                    }
                    answer(exchange, 200, json.valueToTree(putReservation(r)));
                } else if (method.equals("PUT") && path.startsWith("/simulator/customers/")) {
                    SimulatedCustomer given = json.readValue(read(exchange.getRequestBody()), SimulatedCustomer.class);
                    String id = path.substring("/simulator/customers/".length());
                    answer(exchange, 200, json.valueToTree(putCustomer(new SimulatedCustomer(id, given.title(),
                            given.firstName(), given.lastName(), given.email(), given.phone(), given.languageCode(),
                            given.nationalityCode(), given.birthDate(), given.addressLine1(), given.city(),
                            given.postalCode(), given.countryCode(), given.marketingEmails(), null, null))));
                } else if (method.equals("POST") && path.equals("/simulator/availability")) {
                    setApiAvailable(json.readTree(read(exchange.getRequestBody())).path("available").asBoolean(true));
                    answer(exchange, 200, status());
                } else if (method.equals("GET") && path.equals("/simulator/status")) {
                    answer(exchange, 200, status());
                } else {
                    answer(exchange, 404, problem("No such simulator operation."));
                }
            } catch (IOException | RuntimeException e) {
                answer(exchange, 400, problem("The body is not a readable simulator record: " + e.getClass().getSimpleName()));
            }
        }
    }

    private synchronized ObjectNode status() {
        ObjectNode node = json.createObjectNode();
        node.put("apiAvailable", apiAvailable);
        node.put("reservations", reservations.size());
        node.put("customers", customers.size());
        node.put("apiRequests", apiRequests.get());
        node.put("webhooksDelivered", webhooksDelivered());
        node.put("webhooksUndelivered", webhooksUndelivered());
        return node;
    }

    private ObjectNode problem(String message) {
        ObjectNode node = json.createObjectNode();
        node.put("message", message);
        return node;
    }

    private static byte[] read(InputStream in) throws IOException {
        return in.readNBytes(1 << 20);
    }

    private void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
