package org.guestcrm.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads of the services' staff APIs with a bearer token, for the launcher's runs. */
final class StaffApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StaffApi() {
    }

    /** GET {@code url} as JSON: the body when the answer is 200, else (another status, unreadable, no answer) null. */
    static JsonNode getJson(HttpClient http, String url, String token, Duration timeout) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                            .timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
