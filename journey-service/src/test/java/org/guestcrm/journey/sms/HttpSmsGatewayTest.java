package org.guestcrm.journey.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The HTTP gateway against a real local HTTP server (the JDK's, on a free port) that answers like Twilio's Messages
 * API: what it receives, and how each answer is classified.
 */
class HttpSmsGatewayTest {

    private static final String NUMBER = "+4915112345678";

    private HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 201;
    private volatile String answer = "{\"sid\": \"SM0123456789abcdef\", \"status\": \"queued\"}";

    record Received(String method, String path, String authorization, String contentType, String idempotency,
                    Map<String, String> form) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("I-Twilio-Idempotency-Token"), form));
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private HttpSmsGateway gateway() {
        return new HttpSmsGateway("http://127.0.0.1:" + server.getAddress().getPort() + "/", "AC123", "secret-token",
                "+4930111111", Duration.ofSeconds(5));
    }

    private static SmsMessage message() {
        return new SmsMessage(NUMBER, "Ihr Zimmer ist bereit – bis morgen!", "comm-42");
    }

    @Test
    void postsTheMessagesApiShapeAndReadsTheProvidersId() {
        SmsOutcome outcome = gateway().send(message());

        assertEquals(SmsOutcome.Kind.ACCEPTED, outcome.kind());
        assertEquals("SM0123456789abcdef", outcome.providerId());
        assertEquals(1, received.size());
        Received request = received.getFirst();
        assertEquals("POST", request.method());
        assertEquals("/2010-04-01/Accounts/AC123/Messages.json", request.path());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("AC123:secret-token".getBytes(StandardCharsets.UTF_8)),
                request.authorization());
        assertTrue(request.contentType().startsWith("application/x-www-form-urlencoded"), request.contentType());
        assertEquals("comm-42", request.idempotency());
        assertEquals(Map.of("To", NUMBER, "From", "+4930111111", "Body", "Ihr Zimmer ist bereit – bis morgen!"),
                request.form());
    }

    @Test
    void aRefusedRequestIsPermanentAndNamesNoNumber() {
        status = 400;
        answer = "{\"code\": 21211, \"message\": \"The 'To' number " + NUMBER + " is not a valid phone number.\"}";

        SmsOutcome outcome = gateway().send(message());

        assertEquals(SmsOutcome.Kind.PERMANENT_FAILURE, outcome.kind());
        assertEquals("undeliverable: SMS gateway answered 400 (error 21211)", outcome.description());
        assertFalse(outcome.description().contains(NUMBER));
    }

    @Test
    void throttlingAndServerErrorsAreTransient() {
        for (int code : new int[] {429, 500, 503}) {
            status = code;
            answer = "{\"code\": 20429}";
            SmsOutcome outcome = gateway().send(message());
            assertEquals(SmsOutcome.Kind.TRANSIENT_FAILURE, outcome.kind(), "HTTP " + code);
        }
    }

    @Test
    void anUnreachableGatewayIsTransient() {
        int port = server.getAddress().getPort();
        server.stop(0);
        SmsOutcome outcome = new HttpSmsGateway("http://127.0.0.1:" + port, "AC123", "secret-token", "+4930111111",
                Duration.ofSeconds(2)).send(message());

        assertEquals(SmsOutcome.Kind.TRANSIENT_FAILURE, outcome.kind());
        assertFalse(outcome.description().contains(NUMBER));
    }

    @Test
    void aNumberThatIsNotE164IsRefusedWithoutCallingTheProvider() {
        for (String number : List.of("015112345678", "+49 151 1234", "anna@example.com", "+0123456789")) {
            SmsOutcome outcome = gateway().send(new SmsMessage(number, "hello", "comm-1"));
            assertEquals(SmsOutcome.Kind.PERMANENT_FAILURE, outcome.kind(), number);
            assertEquals("undeliverable: not an E.164 number", outcome.description());
        }
        assertEquals(0, received.size(), "the provider was never called");
    }

    @Test
    void anAcceptanceWithoutAnIdIsStillAnAcceptance() {
        answer = "{}";
        SmsOutcome outcome = gateway().send(message());
        assertEquals(SmsOutcome.Kind.ACCEPTED, outcome.kind());
        assertNull(outcome.providerId());
    }

    @Test
    void aMessagePrintsNeitherNumberNorText() {
        assertFalse(message().toString().contains(NUMBER));
        assertFalse(message().toString().contains("Zimmer"));
    }

    @Test
    void theConfiguredGatewayNeedsEverySetting() {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        assertTrue(sms(url, "AC123", "secret-token", "+4930111111").gateway().isPresent());
        assertTrue(sms(url, "AC123", null, "+4930111111").gateway().isEmpty(), "no secret, no gateway");
        assertTrue(sms(null, "AC123", "secret-token", "+4930111111").gateway().isEmpty());
        assertEquals(SmsOutcome.Kind.ACCEPTED,
                sms(url, "AC123", "secret-token", "+4930111111").gateway().orElseThrow().send(message()).kind());
    }

    private static org.guestcrm.journey.config.JourneyConfig.Sms sms(String url, String sid, String token, String from) {
        return new org.guestcrm.journey.config.JourneyConfig.Sms() {
            @Override
            public java.util.Optional<String> gatewayUrl() {
                return java.util.Optional.ofNullable(url);
            }

            @Override
            public java.util.Optional<String> accountSid() {
                return java.util.Optional.ofNullable(sid);
            }

            @Override
            public java.util.Optional<String> authToken() {
                return java.util.Optional.ofNullable(token);
            }

            @Override
            public java.util.Optional<String> from() {
                return java.util.Optional.ofNullable(from);
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(5);
            }

            @Override
            public java.util.Optional<java.util.List<org.guestcrm.journey.domain.JourneyStep>> steps() {
                return java.util.Optional.empty();
            }
        };
    }
}
