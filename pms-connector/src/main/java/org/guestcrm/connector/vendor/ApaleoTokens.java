package org.guestcrm.connector.vendor;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * apaleo access tokens by OAuth 2 client credentials: {@code POST <tokenUrl>} ({@code grant_type=client_credentials},
 * the client id and secret as HTTP basic authentication, as apaleo's identity server takes them), answered
 * {@code {access_token, expires_in}}. A token is cached per feed and client until shortly before it expires (a tenth
 * of its lifetime, at most a minute), and fetched anew when the API refuses it (401), e.g. after a key rotation.
 * Tokens and secrets are never logged.
 */
public final class ApaleoTokens {

    private record Cached(String clientId, String token, Instant refreshAt) {
    }

    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration timeout;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ApaleoTokens(HttpClient http, ObjectMapper json, Duration timeout) {
        this.http = http;
        this.json = json;
        this.timeout = timeout;
    }

    /** The feed's current access token; {@code renew}: the API refused the cached one, so a new one is asked for. */
    public String token(PmsApi api, boolean renew) throws FetchFailure {
        Cached cached = cache.get(api.feedId());
        if (!renew && cached != null && cached.clientId().equals(api.clientId()) && Instant.now().isBefore(cached.refreshAt())) {
            return cached.token();
        }
        synchronized (this) {
            Cached again = cache.get(api.feedId());
            if (again != null && again != cached && again.clientId().equals(api.clientId())
                    && Instant.now().isBefore(again.refreshAt())) {
                return again.token();
            }
            Cached fresh = issue(api);
            cache.put(api.feedId(), fresh);
            return fresh.token();
        }
    }

    private Cached issue(PmsApi api) throws FetchFailure {
        String credentials = URLEncoder.encode(api.clientId(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(api.clientSecret(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(api.tokenUrl()).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials", StandardCharsets.UTF_8)).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new FetchFailure(true, "apaleo identity: the token endpoint could not be reached ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchFailure(true, "apaleo identity: interrupted");
        }
        int status = response.statusCode();
        if (status != 200) {
            // refused credentials may be fixed by an admin (PUT pms-api), so they are retried like an outage
            throw new FetchFailure(true, "apaleo identity answered " + status
                    + (status == 400 || status == 401 ? " (check the feed's OAuth client id and secret)" : ""));
        }
        try {
            JsonNode answer = json.readTree(response.body());
            String token = answer == null ? null : answer.path("access_token").asText(null);
            if (token == null || token.isBlank()) {
                throw new FetchFailure(true, "apaleo identity answered without access_token");
            }
            long lifetime = Math.max(1, answer.path("expires_in").asLong(3600));
            long margin = Math.min(60, Math.max(0, lifetime / 10));
            return new Cached(api.clientId(), token, Instant.now().plusSeconds(lifetime - margin));
        } catch (IOException e) {
            throw new FetchFailure(true, "apaleo identity answered no JSON");
        }
    }
}
