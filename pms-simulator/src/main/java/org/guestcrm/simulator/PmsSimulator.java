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
import java.util.UUID;
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
                          String changesAccessToken, String apaleoAccountId, String mewsEnterpriseId, ZoneId zone,
                          String apaleoClientId, String apaleoClientSecret) {
        public static Options defaults() {
            return new Options(0, "apaleo-token", "mews-client-token", "mews-access-token", "changes-token", "SIM",
                    "8f3c7a52-3c1e-4d8b-9a53-2f1b4c6d7e80", ZoneId.of("Europe/Berlin"), "apaleo-client",
                    "apaleo-client-secret");
        }

        public Options withPort(int newPort) {
            return new Options(newPort, apaleoAccessToken, mewsClientToken, mewsAccessToken, changesAccessToken,
                    apaleoAccountId, mewsEnterpriseId, zone, apaleoClientId, apaleoClientSecret);
        }
    }

    /** The generic JSON profile API: {@code PATCH /profiles/v1/profiles/{id}} (a JSON merge patch of contact data). */
    static final String PROFILES_PATH = "/profiles/v1/profiles/";
    static final String MEWS_CUSTOMER_UPDATE_PATH = "/api/connector/v1/customers/update";

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
    /** apaleo's identity server: {@code POST /connect/token} (OAuth 2 client credentials). */
    static final String APALEO_TOKEN_PATH = "/connect/token";
    private final Map<String, Instant> apaleoIssuedTokens = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger apaleoTokensIssued = new AtomicInteger();
    private final AtomicInteger apaleoUnauthorized = new AtomicInteger();
    private volatile java.time.Duration apaleoTokenLifetime = java.time.Duration.ofHours(1);
    private final List<String> mewsCursorsAsked = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ProfileWrite> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger writeRequests = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicReference<int[]> failingWrites =
            new java.util.concurrent.atomic.AtomicReference<>(new int[] {0, 0});
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
        simulator.server.createContext(PROFILES_PATH, simulator::genericProfileWrite);
        simulator.server.createContext(APALEO_TOKEN_PATH, simulator::apaleoToken);
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

    /**
     * The next {@code count} profile writes (Mews {@code customers/update}, generic {@code PATCH /profiles/v1/...}) are
     * answered {@code status} and not applied: a PMS refusing for now (503) or for good (422).
     */
    public void failNextWrites(int count, int status) {
        failingWrites.set(new int[] {count, status});
    }

    /** Access tokens apaleo's identity endpoint issued from now on live this long (default 1 h, as apaleo's). */
    public void setApaleoTokenLifetime(java.time.Duration lifetime) {
        apaleoTokenLifetime = lifetime;
    }

    /** Every access token the identity endpoint issued is refused from now on (401), as after a key rotation. */
    public void revokeApaleoTokens() {
        apaleoIssuedTokens.clear();
    }

    /** Access tokens the identity endpoint issued so far (a client caching its token asks rarely). */
    public int apaleoTokensIssued() {
        return apaleoTokensIssued.get();
    }

    /** apaleo API calls refused with 401 (no token, a wrong, expired or revoked one). */
    public int apaleoUnauthorized() {
        return apaleoUnauthorized.get();
    }

    /** The {@code Limitation.Cursor} values the Mews getAll operations were asked for, in order (null: first page). */
    public List<String> mewsCursorsAsked() {
        return java.util.Collections.unmodifiableList(new ArrayList<>(mewsCursorsAsked));
    }

    /** The profile writes received and applied, in order. */
    public List<ProfileWrite> writes() {
        return List.copyOf(writes);
    }

    /** Profile write requests received (applied, refused or failed on purpose). */
    public int writeRequests() {
        return writeRequests.get();
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
            boolean patch = "PATCH".equals(exchange.getRequestMethod());
            if (!"GET".equals(exchange.getRequestMethod()) && !patch) {
                answer(exchange, 405, problem("Only GET and PATCH are served here."));
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (!apaleoAuthorized(authorization)) {
                apaleoUnauthorized.incrementAndGet();
                answer(exchange, 401, null);
                return;
            }
            String id = exchange.getRequestURI().getPath().substring(ApaleoContract.RESERVATION_PATH.length());
            if (patch) {
                apaleoGuestWrite(exchange, id);
                return;
            }
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

    /**
     * apaleo {@code PATCH /booking/v1/reservations/{id}} (JSON Patch of the main guest, see {@link ProfileWrites}):
     * 204 once applied (the stored customer changes, so every reservation of that guest is notified
     * {@code Reservation/changed}, as apaleo does after a change), 404 for an unknown reservation or one without a
     * guest, 400 naming the op for anything the simulator cannot apply, 415 for another media type.
     */
    private void apaleoGuestWrite(HttpExchange exchange, String reservationId) throws IOException {
        writeRequests.incrementAndGet();
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json-patch+json")) {
            answer(exchange, 415, problem("A reservation is changed with application/json-patch+json."));
            return;
        }
        Integer failure = failingWrite();
        if (failure != null) {
            answer(exchange, failure, problem("The write failed (simulated " + failure + ")."));
            return;
        }
        SimulatedReservation reservation = reservation(reservationId).orElse(null);
        SimulatedCustomer guest = reservation == null || reservation.customerId() == null ? null
                : customer(reservation.customerId()).orElse(null);
        if (guest == null) {
            answer(exchange, 404, null);
            return;
        }
        JsonNode body;
        try {
            body = json.readTree(read(exchange.getRequestBody()));
        } catch (IOException e) {
            answer(exchange, 400, problem("The body is not JSON."));
            return;
        }
        SimulatedCustomer updated;
        try {
            updated = ProfileWrites.apaleoPatch(guest, body);
        } catch (ProfileWrites.Refused refused) {
            answer(exchange, 400, problem(refused.getMessage()));
            return;
        }
        putCustomer(updated);
        writes.add(new ProfileWrite("apaleo", reservationId, exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                body.toString()));
        answer(exchange, 204, null);
    }

    /** The static access token of the options, or a token the identity endpoint issued that has not expired. */
    private boolean apaleoAuthorized(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        String token = authorization.substring("Bearer ".length());
        if (token.equals(options.apaleoAccessToken())) {
            return true;
        }
        Instant expires = apaleoIssuedTokens.get(token);
        return expires != null && Instant.now().isBefore(expires);
    }

    /**
     * apaleo's identity server, OAuth 2 client credentials: {@code POST /connect/token} with
     * {@code grant_type=client_credentials} (form) and the client id and secret as HTTP basic authentication (or as the
     * form fields {@code client_id}, {@code client_secret}); answers {@code {access_token, token_type, expires_in}}.
     */
    private void apaleoToken(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, oauthError("invalid_request"));
                return;
            }
            Map<String, String> form = formFields(new String(read(exchange.getRequestBody()), StandardCharsets.UTF_8));
            String clientId = form.get("client_id");
            String secret = form.get("client_secret");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null && authorization.startsWith("Basic ")) {
                try {
                    String pair = new String(java.util.Base64.getDecoder().decode(authorization.substring(6).trim()),
                            StandardCharsets.UTF_8);
                    int colon = pair.indexOf(':');
                    if (colon > 0) {
                        clientId = java.net.URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
                        secret = java.net.URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
                    }
                } catch (IllegalArgumentException e) {
                    answer(exchange, 401, oauthError("invalid_client"));
                    return;
                }
            }
            if (!"client_credentials".equals(form.get("grant_type"))) {
                answer(exchange, 400, oauthError("unsupported_grant_type"));
                return;
            }
            if (!options.apaleoClientId().equals(clientId) || !options.apaleoClientSecret().equals(secret)) {
                answer(exchange, 401, oauthError("invalid_client"));
                return;
            }
            String token = "apaleo-issued-" + UUID.randomUUID();
            java.time.Duration lifetime = apaleoTokenLifetime;
            apaleoIssuedTokens.put(token, Instant.now().plus(lifetime));
            apaleoTokensIssued.incrementAndGet();
            ObjectNode node = json.createObjectNode();
            node.put("access_token", token);
            node.put("token_type", "Bearer");
            node.put("expires_in", Math.max(1, lifetime.toSeconds()));
            answer(exchange, 200, node);
        }
    }

    private ObjectNode oauthError(String code) {
        ObjectNode node = json.createObjectNode();
        node.put("error", code);
        return node;
    }

    private static Map<String, String> formFields(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
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
            if (path.equals(MEWS_CUSTOMER_UPDATE_PATH)) {
                mewsCustomerUpdate(exchange, body);
                return;
            }
            JsonNode limitation = body.get("Limitation");
            int count = limitation == null ? 1000 : limitation.path("Count").asInt(-1);
            if (count < 1 || count > 1000) {
                answer(exchange, 400, mewsError("Limitation.Count must be 1-1000."));
                return;
            }
            String cursor = limitation == null ? null : limitation.path("Cursor").asText(null);
            mewsCursorsAsked.add(cursor);
            ObjectNode result = json.createObjectNode();
            List<ObjectNode> page;
            String field;
            if (path.equals(MewsContract.RESERVATIONS_PATH)) {
                Set<String> ids = ids(body.get("ReservationIds"));
                field = "Reservations";
                synchronized (this) {
                    page = mewsPage(reservations.values().stream().filter(r -> ids == null || ids.contains(r.id()))
                            .filter(r -> updatedWithin(body.get("UpdatedUtc"), r.modified())).map(mews::reservation)
                            .toList(), cursor, count);
                }
            } else if (path.equals(MewsContract.CUSTOMERS_PATH)) {
                Set<String> ids = ids(body.get("CustomerIds"));
                field = "Customers";
                synchronized (this) {
                    page = mewsPage(customers.values().stream().filter(c -> ids == null || ids.contains(c.id()))
                            .filter(c -> updatedWithin(body.get("UpdatedUtc"), c.updated())).map(mews::customer)
                            .toList(), cursor, count);
                }
            } else {
                answer(exchange, 404, mewsError("The simulator serves reservations/getAll, customers/getAll and"
                        + " customers/update only."));
                return;
            }
            ArrayNode array = result.putArray(field);
            page.forEach(array::add);
            if (page.isEmpty()) {
                result.putNull("Cursor");
            } else {
                result.put("Cursor", page.getLast().path("Id").asText());
            }
            answer(exchange, 200, result);
        } finally {
            apiInFlight.decrementAndGet();
        }
    }

    // --- profile writes (a CRM writing contact data back) ---------------------------------------------

    /** Mews {@code customers/update}: answers the updated Customer; an unknown CustomerId is a 400 as Mews answers it. */
    private void mewsCustomerUpdate(HttpExchange exchange, JsonNode body) throws IOException {
        writeRequests.incrementAndGet();
        Integer failure = failingWrite();
        if (failure != null) {
            answer(exchange, failure, mewsError("The write failed (simulated " + failure + ")."));
            return;
        }
        String id = body.path("CustomerId").asText("");
        SimulatedCustomer current = customer(id).orElse(null);
        if (current == null) {
            answer(exchange, 400, mewsError("Invalid CustomerId: no such customer."));
            return;
        }
        SimulatedCustomer updated;
        try {
            updated = ProfileWrites.mewsUpdate(current, body);
        } catch (ProfileWrites.Refused refused) {
            answer(exchange, 400, mewsError(refused.getMessage()));
            return;
        }
        SimulatedCustomer stored = putCustomer(updated);
        writes.add(new ProfileWrite("mews", id, exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                body.toString()));
        answer(exchange, 200, mews.customer(stored));
    }

    /**
     * The generic JSON profile API: {@code PATCH /profiles/v1/profiles/{id}} with {@code Authorization: Bearer <changes
     * token>} and a JSON merge patch; answers the profile as held now; a write with an {@code Idempotency-Key} it has
     * applied before is answered again without applying it twice.
     */
    private void genericProfileWrite(HttpExchange exchange) throws IOException {
        enter();
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
            if (!"PATCH".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, problem("Profiles are changed with PATCH (a JSON merge patch)."));
                return;
            }
            writeRequests.incrementAndGet();
            Integer failure = failingWrite();
            if (failure != null) {
                answer(exchange, failure, problem("The write failed (simulated " + failure + ")."));
                return;
            }
            String id = exchange.getRequestURI().getPath().substring(PROFILES_PATH.length());
            SimulatedCustomer current = customer(id).orElse(null);
            if (current == null) {
                answer(exchange, 404, problem("No such profile."));
                return;
            }
            JsonNode body;
            try {
                body = json.readTree(read(exchange.getRequestBody()));
            } catch (IOException e) {
                answer(exchange, 400, problem("The body is not JSON."));
                return;
            }
            if (body == null || !body.isObject()) {
                answer(exchange, 400, problem("The body must be a JSON object (a merge patch)."));
                return;
            }
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (key != null && writes.stream().anyMatch(w -> key.equals(w.idempotencyKey()))) {
                answer(exchange, 200, genericProfile(current));
                return;
            }
            SimulatedCustomer updated;
            try {
                updated = ProfileWrites.genericPatch(current, body);
            } catch (ProfileWrites.Refused refused) {
                answer(exchange, 400, problem(refused.getMessage()));
                return;
            }
            SimulatedCustomer stored = putCustomer(updated);
            writes.add(new ProfileWrite("generic", id, key, body.toString()));
            answer(exchange, 200, genericProfile(stored));
        } finally {
            apiInFlight.decrementAndGet();
        }
    }

    private ObjectNode genericProfile(SimulatedCustomer c) {
        ObjectNode node = json.createObjectNode();
        node.put("id", c.id());
        node.put("firstName", c.firstName());
        node.put("lastName", c.lastName());
        node.put("email", c.email());
        node.put("phone", c.phone());
        node.put("language", c.languageCode());
        ObjectNode address = node.putObject("address");
        address.put("line1", c.addressLine1());
        address.put("city", c.city());
        address.put("postalCode", c.postalCode());
        address.put("countryCode", c.countryCode());
        node.putObject("marketing").put("emailOptIn", c.marketingEmails());
        node.put("updated", c.updated() == null ? null : c.updated().toString());
        return node;
    }

    /** The status to fail this write with, when {@link #failNextWrites} asked for it. */
    private Integer failingWrite() {
        while (true) {
            int[] now = failingWrites.get();
            if (now[0] <= 0) {
                return null;
            }
            if (failingWrites.compareAndSet(now, new int[] {now[0] - 1, now[1]})) {
                return now[1];
            }
        }
    }

    /**
     * Mews paging: the items after the one whose Id is {@code cursor} (all when null), at most {@code count}; the
     * answer's Cursor is the last item's Id, and a page shorter than Count is the last one.
     */
    private static List<ObjectNode> mewsPage(List<ObjectNode> all, String cursor, int count) {
        int start = 0;
        if (cursor != null) {
            start = all.size();
            for (int i = 0; i < all.size(); i++) {
                if (cursor.equals(all.get(i).path("Id").asText())) {
                    start = i + 1;
                    break;
                }
            }
        }
        return all.subList(start, Math.min(all.size(), start + count));
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
                } else if (method.equals("GET") && path.startsWith("/simulator/customers/")) {
                    SimulatedCustomer c = customer(path.substring("/simulator/customers/".length())).orElse(null);
                    if (c == null) {
                        answer(exchange, 404, problem("No such customer."));
                    } else {
                        answer(exchange, 200, json.valueToTree(c));
                    }
                } else if (method.equals("GET") && path.equals("/simulator/writes")) {
                    answer(exchange, 200, json.valueToTree(writes()));
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
        node.put("profileWritesReceived", writeRequests.get());
        node.put("profileWritesApplied", writes.size());
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
