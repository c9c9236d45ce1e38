package org.guestcrm.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The local stack's SMS gateway: a text-message catcher that speaks the shape of Twilio's Messages API, the shape the
 * journey-service's {@code HttpSmsGateway} sends ({@code POST /2010-04-01/Accounts/{sid}/Messages.json}, form fields
 * {@code To}, {@code From}, {@code Body}, HTTP Basic {@code sid:token}, header {@code I-Twilio-Idempotency-Token}).
 * What a provider does that matters to the sender is done for real: wrong credentials 401, a {@code To} that is not
 * E.164 400 with a Twilio-like error code, a retried request with the same idempotency token answered with the first
 * message and not stored again. Messages are kept in memory for {@code GET /messages?to=+41...} (the way the mail
 * catcher keeps mail for IMAP) and journaled on disk without personal data (time, idempotency token, message sid, a
 * hash of the number), so a chaos run can count texts the way it counts mails.
 *
 * <p>{@code java ... SmsCatcher --port 8091 --journal .crm/data/sms/journal.tsv}; the expected token comes from the
 * environment ({@code SMS_CATCHER_AUTH_TOKEN}), never the command line.
 */
public final class SmsCatcher {

    private static final Pattern MESSAGES = Pattern.compile("/2010-04-01/Accounts/([A-Za-z0-9]+)/Messages\\.json");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One text message as the catcher took it. */
    public record Text(String sid, String to, String from, String body, String idempotencyToken, String receivedAt) {
    }

    private final HttpServer server;
    private final String authToken;
    private final Path journal;
    private final List<Text> texts = new ArrayList<>();
    private final Map<String, Text> byIdempotencyToken = new HashMap<>();

    private SmsCatcher(int port, String authToken, Path journal) throws IOException {
        this.authToken = authToken;
        this.journal = journal;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/2010-04-01/", this::messages);
        server.createContext("/messages", this::list);
        server.createContext("/health", exchange -> {
            try (exchange) {
                answer(exchange, 200, Map.of("status", "UP", "texts", count()));
            }
        });
    }

    /** Starts a catcher on {@code port} (0: a free one). */
    public static SmsCatcher start(int port, String authToken, Path journal) throws IOException {
        if (journal.getParent() != null) {
            Files.createDirectories(journal.getParent());
        }
        SmsCatcher catcher = new SmsCatcher(port, authToken, journal);
        catcher.server.start();
        return catcher;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(1);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        Integer port = null;
        Path journal = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--journal" -> journal = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("Usage: SmsCatcher --port <port> --journal <file>");
            }
        }
        String token = System.getenv("SMS_CATCHER_AUTH_TOKEN");
        if (port == null || journal == null || token == null || token.isBlank()) {
            System.err.println("Usage: SMS_CATCHER_AUTH_TOKEN=... SmsCatcher --port <port> --journal <file>");
            System.exit(2);
        }
        SmsCatcher catcher = start(port, token, journal);
        Runtime.getRuntime().addShutdownHook(new Thread(catcher::stop));
        System.out.println("SMS catcher listening on http://127.0.0.1:" + catcher.port() + " (Twilio Messages API shape), journal="
                + journal);
        new CountDownLatch(1).await();
    }

    synchronized int count() {
        return texts.size();
    }

    /** The texts sent to {@code to} (E.164), oldest first. */
    public synchronized List<Text> textsTo(String to) {
        return texts.stream().filter(t -> t.to().equals(to)).toList();
    }

    private void messages(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher path = MESSAGES.matcher(exchange.getRequestURI().getPath());
            if (!path.matches() || !exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 404, error(20404, "The requested resource was not found"));
                return;
            }
            String sid = path.group(1);
            String expected = "Basic " + Base64.getEncoder().encodeToString((sid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
            String given = exchange.getRequestHeaders().getFirst("Authorization");
            if (given == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
                answer(exchange, 401, error(20003, "Authenticate"));
                return;
            }
            Map<String, String> form = form(exchange.getRequestBody());
            String to = form.getOrDefault("To", "");
            String from = form.getOrDefault("From", "");
            String body = form.getOrDefault("Body", "");
            if (!E164.matcher(to).matches()) {
                answer(exchange, 400, error(21211, "The 'To' number is not a valid phone number."));
                return;
            }
            if (body.isBlank() || body.length() > 1600) {
                answer(exchange, 400, error(21617, "The concatenated message body exceeds the 1600 character limit or is empty."));
                return;
            }
            String idempotency = exchange.getRequestHeaders().getFirst("I-Twilio-Idempotency-Token");
            Text text;
            synchronized (this) {
                text = idempotency == null ? null : byIdempotencyToken.get(idempotency);
                if (text == null) {
                    text = new Text("SM" + UUID.randomUUID().toString().replace("-", ""), to, from, body, idempotency, Instant.now().toString());
                    journal(text);
                    texts.add(text);
                    if (idempotency != null) {
                        byIdempotencyToken.put(idempotency, text);
                    }
                }
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("sid", text.sid());
            answer.put("account_sid", sid);
            answer.put("to", text.to());
            answer.put("from", text.from());
            answer.put("status", "queued");
            answer.put("num_segments", Integer.toString((text.body().length() + 152) / 153));
            answer.put("date_created", text.receivedAt());
            answer(exchange, 201, answer);
        }
    }

    private void list(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            Map<String, String> params = query == null ? Map.of() : parse(query);
            String to = params.get("to");
            List<Text> found;
            synchronized (this) {
                found = to == null ? List.copyOf(texts) : textsTo(to);
            }
            answer(exchange, 200, found);
        }
    }

    /** One line per text taken: time, idempotency token, sid, the first 16 hex digits of SHA-256 of the number. */
    private void journal(Text text) {
        String line = Instant.parse(text.receivedAt()).toEpochMilli() + "\t" + (text.idempotencyToken() == null ? "-" : text.idempotencyToken().replaceAll("\\s", " "))
                + "\t" + text.sid() + "\t" + MailJournal.recipientHash(text.to()) + "\n";
        try {
            Files.writeString(journal, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> error(int code, String message) {
        return Map.of("code", code, "message", message, "status", code == 20003 ? 401 : code == 20404 ? 404 : 400);
    }

    private static Map<String, String> form(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(64 * 1024);
        return parse(new String(bytes, StandardCharsets.UTF_8));
    }

    private static Map<String, String> parse(String encoded) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
