package org.guestcrm.connector.vendor;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Calls the vendors' public read APIs: apaleo {@code GET /booking/v1/reservations/{id}} (OAuth bearer token) and the
 * Mews Connector API {@code POST /api/connector/v1/reservations/getAll} and {@code customers/getAll} (ClientToken,
 * AccessToken and Client in the body). Answers the entity as JSON, or a {@link FetchFailure} saying whether to retry.
 */
public final class PmsApiClient {

    /** Largest answer read from a PMS (one entity). */
    static final int MAX_ANSWER_BYTES = 1 << 20;

    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration timeout;
    private final String mewsClient;
    private final int mewsPageSize;
    private final ApaleoTokens apaleoTokens;

    public PmsApiClient(ObjectMapper json, Duration timeout, String mewsClient) {
        this(json, timeout, mewsClient, 100);
    }

    /** @param mewsPageSize {@code Limitation.Count} of a Mews getAll listing (1-1000) */
    public PmsApiClient(ObjectMapper json, Duration timeout, String mewsClient, int mewsPageSize) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.json = json;
        this.timeout = timeout;
        this.mewsClient = mewsClient;
        this.mewsPageSize = Math.max(1, Math.min(1000, mewsPageSize));
        this.apaleoTokens = new ApaleoTokens(http, json, timeout);
    }

    /**
     * The apaleo reservation, as the Booking API serves it. A feed with OAuth client credentials sends its cached token
     * and, when apaleo refuses it (401), asks for a new one and tries once more.
     */
    public JsonNode apaleoReservation(PmsApi api, String reservationId) throws FetchFailure {
        URI uri = api.baseUrl().resolve("/booking/v1/reservations/" + URLEncoder.encode(reservationId, StandardCharsets.UTF_8));
        if (!api.usesClientCredentials()) {
            return call(apaleoGet(uri, api.accessToken()), "apaleo reservation");
        }
        try {
            return call(apaleoGet(uri, apaleoTokens.token(api, false)), "apaleo reservation");
        } catch (FetchFailure failure) {
            if (!failure.unauthorized()) {
                throw failure;
            }
            return call(apaleoGet(uri, apaleoTokens.token(api, true)), "apaleo reservation");
        }
    }

    private HttpRequest apaleoGet(URI uri, String token) {
        return HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token).build();
    }

    /**
     * One page of a generic JSON changes-since API: {@code GET {base}/changes/v1/reservations?since=<cursor>&limit=<n>}
     * (Bearer accessToken), answered {@code {changes: [{sequence, reservation}], nextCursor, hasMore}}.
     */
    public JsonNode changesSince(PmsApi api, String cursor, int limit) throws FetchFailure {
        URI uri = api.baseUrl().resolve("/changes/v1/reservations?since=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)
                + "&limit=" + limit);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + api.accessToken()).build();
        return call(request, "changes since");
    }

    /** The Mews reservation with this id, or a permanent failure when Mews does not list it. */
    public JsonNode mewsReservation(PmsApi api, String reservationId) throws FetchFailure {
        return mewsOne(api, "/api/connector/v1/reservations/getAll", "ReservationIds", reservationId, "Reservations");
    }

    /** The Mews customer with this id, or a permanent failure when Mews does not list it. */
    public JsonNode mewsCustomer(PmsApi api, String customerId) throws FetchFailure {
        return mewsOne(api, "/api/connector/v1/customers/getAll", "CustomerIds", customerId, "Customers");
    }

    private JsonNode mewsOne(PmsApi api, String path, String idsField, String id, String resultField) throws FetchFailure {
        JsonNode[] found = new JsonNode[1];
        mewsPages(api, path, body -> body.putArray(idsField).add(id), resultField, item -> {
            if (found[0] == null && id.equals(item.path("Id").asText(null))) {
                found[0] = item;
            }
        });
        if (found[0] == null) {
            throw new FetchFailure(false, "Mews does not list this " + (idsField.startsWith("Reservation") ? "reservation" : "customer"));
        }
        return found[0];
    }

    /**
     * The ids of the Mews reservations ({@code reservations/getAll}) or customers ({@code customers/getAll}) updated in
     * {@code [start, end]}, read page by page ({@code Limitation{Count, Cursor}}) until a page shorter than Count.
     */
    public java.util.List<String> mewsUpdatedIds(PmsApi api, boolean reservations, java.time.Instant start,
                                                 java.time.Instant end) throws FetchFailure {
        java.util.List<String> ids = new java.util.ArrayList<>();
        mewsPages(api, reservations ? "/api/connector/v1/reservations/getAll" : "/api/connector/v1/customers/getAll",
                body -> {
                    ObjectNode interval = body.putObject("UpdatedUtc");
                    interval.put("StartUtc", start.toString());
                    interval.put("EndUtc", end.toString());
                }, reservations ? "Reservations" : "Customers", item -> {
                    String itemId = item.path("Id").asText(null);
                    if (itemId != null && !itemId.isBlank()) {
                        ids.add(itemId);
                    }
                });
        return ids;
    }

    /** Mews getAll, page by page: the items of each page to {@code each}, until a page holds fewer than Count. */
    private void mewsPages(PmsApi api, String path, java.util.function.Consumer<ObjectNode> filter, String resultField,
                           java.util.function.Consumer<JsonNode> each) throws FetchFailure {
        String cursor = null;
        for (int page = 0; page < MAX_MEWS_PAGES; page++) {
            ObjectNode body = json.createObjectNode();
            body.put("ClientToken", api.clientToken());
            body.put("AccessToken", api.accessToken());
            body.put("Client", mewsClient);
            filter.accept(body);
            ObjectNode limitation = body.putObject("Limitation");
            limitation.put("Count", mewsPageSize);
            if (cursor != null) {
                limitation.put("Cursor", cursor);
            }
            HttpRequest request = HttpRequest.newBuilder(api.baseUrl().resolve(path)).timeout(timeout)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
            JsonNode answer = call(request, "Mews " + path.substring(path.lastIndexOf("/v1/") + 4));
            JsonNode list = answer.get(resultField);
            if (list == null || !list.isArray()) {
                throw new FetchFailure(false, "Mews answered without " + resultField);
            }
            list.forEach(each);
            String next = answer.path("Cursor").asText(null);
            if (list.size() < mewsPageSize || next == null || next.isBlank() || next.equals(cursor)) {
                return;
            }
            cursor = next;
        }
        throw new FetchFailure(false, "Mews listed more than " + MAX_MEWS_PAGES + " pages");
    }

    /** Pages read from one Mews listing at most (a cursor that never ends is a broken PMS, not more data). */
    static final int MAX_MEWS_PAGES = 10_000;

    private JsonNode call(HttpRequest request, String what) throws FetchFailure {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new FetchFailure(true, what + ": the PMS API could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchFailure(true, what + ": interrupted");
        }
        int status = response.statusCode();
        if (status == 200) {
            byte[] bytes = response.body();
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new FetchFailure(false, what + ": the answer is larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            try {
                JsonNode node = json.readTree(bytes);
                if (node == null || !node.isObject()) {
                    throw new FetchFailure(false, what + ": the answer is not a JSON object");
                }
                return node;
            } catch (IOException e) {
                throw new FetchFailure(false, what + ": the answer is not JSON");
            }
        }
        if (status == 404) {
            throw new FetchFailure(false, what + ": the PMS does not know it (404)");
        }
        boolean retry = status == 401 || status == 403 || status == 408 || status == 429 || status >= 500;
        throw new FetchFailure(retry, what + ": the PMS API answered " + status
                + (status == 401 || status == 403 ? " (check the feed's PMS API credentials)" : ""), status == 401);
    }
}
