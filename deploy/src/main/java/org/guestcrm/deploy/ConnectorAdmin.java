package org.guestcrm.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.guestcrm.simulator.PmsSimulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The connector's admin API as the launcher's commands call it (scenario, ingest benchmark): one call with a staff token,
 * and a polled PMS set up the way an administrator does it (a simulated PMS without webhooks in this JVM, a JSON_POLLING
 * feed created for it, its PMS API set), and taken down again.
 */
final class ConnectorAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Duration timeout;

    ConnectorAdmin(HttpClient http, StackConfig config, String token, Duration timeout) {
        this.http = http;
        this.base = URI.create("http://localhost:" + config.port(StackConfig.Port.CONNECTOR));
        this.token = token;
        this.timeout = timeout;
    }

    /** A call with the staff token; null when the connector cannot be reached. */
    HttpResponse<String> call(String method, String path, String body, String contentType) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                    .timeout(timeout);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A polled PMS and its feed, or why there is none. */
    record PolledPms(PmsSimulator simulator, String problem) {
    }

    /**
     * Starts a simulated PMS without webhooks and creates feed {@code feedId} of {@code tenant} polling it every second
     * for one hotel. On failure the simulator is closed again and the problem says what the connector answered.
     */
    PolledPms startPolledPms(String tenant, String feedId, String hotelCode, String timeZone, String country,
            String description) {
        PmsSimulator simulator;
        try {
            simulator = PmsSimulator.start(PmsSimulator.Options.defaults().withPort(0));
        } catch (IOException e) {
            return new PolledPms(null, "the polled PMS could not start (" + e.getMessage() + ")");
        }
        ObjectNode feed = JSON.createObjectNode().put("feedId", feedId).put("deliveryMode", "JSON_POLLING")
                .put("pmsType", "changes-api").put("description", description).put("defaultCurrency", "EUR");
        feed.putArray("hotels").addObject().put("hotelCode", hotelCode).put("timeZone", timeZone).put("countryCode", country);
        HttpResponse<String> created = call("POST", "/api/v1/feeds?tenant=" + tenant, feed.toString(), "application/json");
        ObjectNode api = JSON.createObjectNode().put("baseUrl", simulator.baseUrl().toString())
                .put("accessToken", simulator.options().changesAccessToken()).put("pollIntervalSeconds", 1);
        HttpResponse<String> configured = created == null || created.statusCode() != 201 ? null
                : call("PUT", "/api/v1/feeds/" + feedId + "/pms-api", api.toString(), "application/json");
        if (configured == null || configured.statusCode() != 200) {
            simulator.close();
            HttpResponse<String> refused = configured != null ? configured : created;
            return new PolledPms(null, "the polled feed could not be set up ("
                    + (refused == null ? "no answer" : refused.statusCode() + " " + refused.body()) + ")");
        }
        return new PolledPms(simulator, null);
    }

    /** Deletes the feed (its cursor and credentials go with it) and stops its PMS; the problem, or null. */
    String stopPolledPms(String feedId, PmsSimulator simulator) {
        HttpResponse<String> deleted = call("DELETE", "/api/v1/feeds/" + feedId, null, null);
        simulator.close();
        return deleted != null && deleted.statusCode() == 204 ? null
                : "the polled feed " + feedId + " could not be deleted (" + (deleted == null ? "no answer"
                        : Integer.toString(deleted.statusCode())) + ")";
    }
}
