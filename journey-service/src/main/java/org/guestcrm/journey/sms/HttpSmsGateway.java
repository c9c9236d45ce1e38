package org.guestcrm.journey.sms;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@link SmsSender} speaking the shape of Twilio's Messages API: {@code POST
 * {baseUrl}/2010-04-01/Accounts/{accountSid}/Messages.json}, form fields {@code To}, {@code From}, {@code Body}, HTTP
 * Basic auth {@code accountSid:authToken}, header {@code I-Twilio-Idempotency-Token} = the message's idempotency key;
 * 201 with JSON {@code {"sid": "SM..."}} is acceptance. 4xx (but 408 and 429) is a permanent refusal, 5xx, 408, 429,
 * connection failures and timeouts are transient. Descriptions carry the HTTP status and the provider's error code,
 * never the number or the text. The base URL is configurable, so a local peer (tests, the local stack) can stand in.
 */
public final class HttpSmsGateway implements SmsSender {

    private static final Pattern SID = Pattern.compile("\"sid\"\\s*:\\s*\"([A-Za-z0-9]{1,64})\"");
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*(\\d{1,6})");

    private final URI messagesUri;
    private final String authorization;
    private final String from;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param baseUrl    e.g. {@code https://api.twilio.com}
     * @param accountSid the account (part of the URL and the user of Basic auth)
     * @param authToken  the secret (from the environment only)
     * @param from       the sender number or alphanumeric sender id
     */
    public HttpSmsGateway(String baseUrl, String accountSid, String authToken, String from, Duration timeout) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(accountSid, "accountSid");
        Objects.requireNonNull(authToken, "authToken");
        this.from = Objects.requireNonNull(from, "from");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.messagesUri = URI.create(base + "/2010-04-01/Accounts/"
                + URLEncoder.encode(accountSid, StandardCharsets.UTF_8) + "/Messages.json");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public SmsOutcome send(SmsMessage message) {
        if (!message.hasE164Recipient()) {
            return SmsOutcome.permanent("undeliverable: not an E.164 number");
        }
        String form = "To=" + URLEncoder.encode(message.to(), StandardCharsets.UTF_8)
                + "&From=" + URLEncoder.encode(from, StandardCharsets.UTF_8)
                + "&Body=" + URLEncoder.encode(message.body(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(messagesUri)
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("I-Twilio-Idempotency-Token", message.idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.net.http.HttpTimeoutException e) {
            return SmsOutcome.transientFailure("no answer from the SMS gateway in time");
        } catch (IOException e) {
            return SmsOutcome.transientFailure("SMS gateway unreachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SmsOutcome.transientFailure("interrupted while sending");
        }
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        if (status >= 200 && status < 300) {
            Matcher sid = SID.matcher(body);
            return SmsOutcome.accepted(sid.find() ? sid.group(1) : null);
        }
        Matcher code = ERROR_CODE.matcher(body);
        String description = "SMS gateway answered " + status + (code.find() ? " (error " + code.group(1) + ")" : "");
        if (status == 408 || status == 429 || status >= 500) {
            return SmsOutcome.transientFailure(description);
        }
        return SmsOutcome.permanent("undeliverable: " + description);
    }
}
