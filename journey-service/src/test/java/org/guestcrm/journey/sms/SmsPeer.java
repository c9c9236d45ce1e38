package org.guestcrm.journey.sms;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real local SMS gateway for the tests (the JDK's HTTP server on a free port) speaking the shape of Twilio's Messages
 * API: {@code POST /2010-04-01/Accounts/{sid}/Messages.json} answers 201 with a message sid, or 400 with error 21211
 * ("invalid To number") for numbers ending in {@code 99}. {@code GET /received} lists what it accepted or refused, one
 * line per request, tab-separated and URL-encoded: To, Body, idempotency token, Authorization, answer status. It tells
 * the service where it is through {@code journey.sms.*}.
 */
public class SmsPeer implements QuarkusTestResourceLifecycleManager {

    public static final String ACCOUNT_SID = "ACtest0001";
    public static final String AUTH_TOKEN = "test-only-sms-secret";
    public static final String FROM = "+41440000000";

    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the SMS peer", e);
        }
        server.createContext("/2010-04-01/Accounts/", this::message);
        server.createContext("/received", this::list);
        server.start();
        return Map.of(
                "journey.sms.gateway-url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "journey.sms.account-sid", ACCOUNT_SID,
                "journey.sms.auth-token", AUTH_TOKEN,
                "journey.sms.from", FROM);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void message(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String to = form.getOrDefault("To", "");
        boolean refused = to.endsWith("99");
        int status = refused ? 400 : 201;
        String answer = refused
                ? "{\"code\": 21211, \"message\": \"The 'To' number is not a valid phone number.\", \"status\": 400}"
                : "{\"sid\": \"SM" + UUID.randomUUID().toString().replace("-", "") + "\", \"status\": \"queued\"}";
        received.add(String.join("\t", encode(to), encode(form.getOrDefault("Body", "")),
                encode(String.valueOf(exchange.getRequestHeaders().getFirst("I-Twilio-Idempotency-Token"))),
                encode(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))),
                String.valueOf(status)));
        answer(exchange, status, "application/json", answer);
    }

    private void list(HttpExchange exchange) throws IOException {
        answer(exchange, 200, "text/plain", String.join("\n", received));
    }

    private static void answer(HttpExchange exchange, int status, String type, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } else {
            exchange.close();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
