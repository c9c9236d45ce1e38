package org.guestcrm.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Posts webhook notifications to a receiver, as a PMS does: JSON body, HTTP basic authentication with the receiver's
 * token as password (apaleo recommends basic authentication for webhook URLs), a few quick retries on a failure, then
 * the notification is counted as undelivered (a real PMS gives up after its retries too).
 */
final class WebhookSender {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private final String token;
    private final int attempts;
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger undelivered = new AtomicInteger();

    WebhookSender(URI target, String token, int attempts) {
        this.target = target;
        this.token = token;
        this.attempts = Math.max(1, attempts);
    }

    /** Sends one notification; answers the receiver's last status code, or -1 when it could not be reached. */
    int send(String body) {
        int status = -1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (token != null) {
                request.header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("pms-simulator:" + token).getBytes(StandardCharsets.UTF_8)));
            }
            try {
                status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    delivered.incrementAndGet();
                    return status;
                }
                if (status / 100 == 4 && status != 408 && status != 429) {
                    break;
                }
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (attempt < attempts) {
                pause(200L * attempt);
            }
        }
        undelivered.incrementAndGet();
        return status;
    }

    int delivered() {
        return delivered.get();
    }

    int undelivered() {
        return undelivered.get();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
