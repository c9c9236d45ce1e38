package org.guestcrm.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The local stack's simulated PMS (module pms-simulator, a real HTTP peer with apaleo's and Mews' API shapes) and the
 * webhook feed of tenant {@code demo} that follows it: {@code demo-apaleo} (APALEO_WEBHOOK: a thin webhook names the
 * reservation, the connector fetches it from the simulator's apaleo API). The simulator signs every vendor's webhooks
 * with one feed credential, so a Mews feed beside it would need a second simulator (not in the demo). The feeds are provisioned the way an administrator would, through the connector's own admin API
 * (create the feed, issue a bearer credential, set the PMS API it fetches from), never by a service default; the
 * credential (shown once by the API) is kept under {@code .crm/keys/} so that the simulator, started after them, signs
 * its webhooks with it. Run again on a stack that has them, it changes nothing.
 */
final class DemoPms {

    /** The demo feeds: feed id, delivery mode, PMS type, hotel code, time zone, country, webhook path. */
    record Feed(String feedId, String deliveryMode, String pmsType, String hotelCode, String timeZone, String country,
                String webhookPath) {
    }

    static final List<Feed> FEEDS = List.of(
            new Feed("demo-apaleo", "APALEO_WEBHOOK", "apaleo", "MUC", "Europe/Berlin", "DE", "apaleo"));

    static final String TENANT = "demo";
    static final String APALEO_ACCESS_TOKEN = "apaleo-token";
    static final String MEWS_ACCESS_TOKEN = "mews-access-token";
    static final String MEWS_CLIENT_TOKEN = "mews-client-token";
    private static final String WEBHOOK_TOKEN_FILE = "demo-pms-webhook.token";
    private static final String CREDENTIALS_KEY_FILE = "connector-credentials.key";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DemoPms() {
    }

    /**
     * The key the connector encrypts stored PMS API credentials with (AES-256, base64), created once under
     * {@code .crm/keys/} and handed to the connector through its environment.
     */
    static String credentialsEncryptionKey(StackConfig config) {
        return StackSecrets.base64(config, CREDENTIALS_KEY_FILE, 32);
    }

    /** The webhook credential of the demo feeds, once {@link #provision} has issued it; else null. */
    static String webhookToken(StackConfig config) {
        Path file = config.keyDirectory().resolve(WEBHOOK_TOKEN_FILE);
        try {
            return Files.isRegularFile(file) ? Files.readString(file).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Creates what is missing of the demo webhook feeds on the running connector at {@code connectorUrl}, with
     * {@code adminToken} (role admin, tenant demo or every tenant), pointing their PMS API at {@code simulatorUrl}.
     * Returns the webhook credential the simulator must present.
     */
    static String provision(StackConfig config, String connectorUrl, String simulatorUrl, String adminToken) {
        String token = webhookToken(config);
        for (Feed feed : FEEDS) {
            int existing = send(adminToken, "GET", connectorUrl + "/api/v1/feeds/" + feed.feedId(), null).statusCode();
            if (existing == 404) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("feedId", feed.feedId());
                body.put("deliveryMode", feed.deliveryMode());
                body.put("pmsType", feed.pmsType());
                body.put("description", "Simulated " + feed.pmsType() + " (local stack demo)");
                body.put("defaultCurrency", "EUR");
                body.put("hotels", List.of(Map.of("hotelCode", feed.hotelCode(), "timeZone", feed.timeZone(),
                        "countryCode", feed.country())));
                expect(send(adminToken, "POST", connectorUrl + "/api/v1/feeds?tenant=" + TENANT, body), 201,
                        "create feed " + feed.feedId());
            } else {
                expect(send(adminToken, "GET", connectorUrl + "/api/v1/feeds/" + feed.feedId(), null), 200,
                        "read feed " + feed.feedId());
            }
            if (existing == 404 || token == null || !hasValidCredential(connectorUrl, adminToken, feed)) {
                token = issueCredential(config, connectorUrl, adminToken, feed);
            }
            Map<String, Object> api = new LinkedHashMap<>();
            api.put("baseUrl", simulatorUrl);
            boolean mews = feed.deliveryMode().equals("MEWS_WEBHOOK");
            api.put("accessToken", mews ? MEWS_ACCESS_TOKEN : APALEO_ACCESS_TOKEN);
            if (mews) {
                api.put("clientToken", MEWS_CLIENT_TOKEN);
            }
            api.put("maxConcurrency", 4);
            expect(send(adminToken, "PUT", connectorUrl + "/api/v1/feeds/" + feed.feedId() + "/pms-api", api), 200,
                    "set the PMS API of " + feed.feedId());
        }
        return token;
    }

    /** A new bearer credential for {@code feed}, shown once by the API and kept under {@code .crm/keys/}. */
    private static String issueCredential(StackConfig config, String connectorUrl, String adminToken, Feed feed) {
        HttpResponse<String> issued = send(adminToken, "POST",
                connectorUrl + "/api/v1/feeds/" + feed.feedId() + "/credentials", Map.of("kind", "BEARER"));
        expect(issued, 201, "issue a credential for " + feed.feedId());
        String secret = read(issued).path("secret").asText(null);
        if (secret == null || secret.isBlank()) {
            throw new StackException("The connector issued a credential for " + feed.feedId() + " without a secret.");
        }
        StackSecrets.writePrivate(config.keyDirectory().resolve(WEBHOOK_TOKEN_FILE), secret);
        return secret;
    }

    /** The stored token of {@code feed}, if it was issued by this stack and the feed still lists a valid credential. */
    private static boolean hasValidCredential(String connectorUrl, String adminToken, Feed feed) {
        HttpResponse<String> list = send(adminToken, "GET", connectorUrl + "/api/v1/feeds/" + feed.feedId() + "/credentials", null);
        if (list.statusCode() != 200) {
            return false;
        }
        for (JsonNode credential : read(list).isArray() ? read(list) : read(list).path("credentials")) {
            if (credential.path("revokedAt").isNull() || credential.path("revokedAt").isMissingNode()) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse<String> send(String adminToken, String method, String url, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + adminToken).header("Accept", "application/json");
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StackException("Cannot reach the connector at " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while calling " + url);
        }
    }

    private static void expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new StackException("Could not " + what + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    private static JsonNode read(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new StackException("The connector answered something that is not JSON: " + e.getMessage());
        }
    }

    /** PUTs a customer or reservation into the stack's simulated PMS (its own API); true once it took it. */
    static boolean put(HttpClient http, StackConfig config, String path, com.fasterxml.jackson.databind.node.ObjectNode body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                                    + config.port(StackConfig.Port.PMS_SIM) + path))
                            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                            .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
