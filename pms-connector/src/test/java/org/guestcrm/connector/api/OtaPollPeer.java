package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The PMS side of polling, a real HTTP server on a free port (the JDK's): at {@code /alpinebits} an AlpineBits
 * GuestRequests server (multipart {@code action} + {@code request}, HTTP basic auth; it answers the requests not
 * acknowledged yet and forgets those an {@code OTA_NotifReport:GuestRequests} names), at {@code /ota} an OpenTravel PMS
 * answering {@code OTA_ReadRQ} (bearer token) with the reservations it is given. It records every request it saw.
 */
final class OtaPollPeer implements AutoCloseable {

    static final String NS = "http://www.opentravel.org/OTA/2003/05";

    /** One request the peer saw: path, headers that matter, the multipart action (AlpineBits) and the XML. */
    record Seen(String path, String authorization, String protocolVersion, String contentType, String action, String xml,
                java.time.Instant at) {
    }

    private final HttpServer server;
    private final String basicAuth;
    private final String bearer;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** AlpineBits requests not acknowledged yet: id → HotelReservation fragment. */
    private final Map<String, String> pending = new LinkedHashMap<>();
    /** The reservations the OTA PMS answers with (HotelReservation fragments). */
    final List<String> otaReservations = new CopyOnWriteArrayList<>();
    /** Per hotel (the read's HotelCode): the reservations it answers with, instead of {@link #otaReservations}. */
    final Map<String, List<String>> otaReservationsByHotel = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per hotel: a status to answer its reads with (e.g. 503). */
    final Map<String, Integer> hotelReadStatus = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per hotel: a body to answer its reads with as it is (a malformed answer). */
    final Map<String, String> hotelBodyOverride = new java.util.concurrent.ConcurrentHashMap<>();
    /** A read of one of these hotels waits (at most 30 s) until its latch is counted down: a slow or hanging PMS. */
    final Map<String, java.util.concurrent.CountDownLatch> hotelHold = new java.util.concurrent.ConcurrentHashMap<>();
    /** Reads of each held hotel waiting right now. */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> hotelHeld = new java.util.concurrent.ConcurrentHashMap<>();
    volatile int readStatus = 200;
    volatile int ackStatus = 200;
    /** When set, a read is answered with this body as it is (a malformed answer). */
    volatile String readBodyOverride;
    /** Called on every acknowledgement before it is answered; what it returns is kept in {@link #atAcknowledgement}. */
    volatile LongSupplier onAcknowledgement;
    final List<Long> atAcknowledgement = new CopyOnWriteArrayList<>();

    private OtaPollPeer(String username, String password, String bearer) throws IOException {
        this.basicAuth = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        this.bearer = "Bearer " + bearer;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/alpinebits", this::alpineBits);
        server.createContext("/ota", this::ota);
        server.start();
    }

    static OtaPollPeer start(String username, String password, String bearer) throws IOException {
        return new OtaPollPeer(username, password, bearer);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void offer(String id, String fragment) {
        synchronized (pending) {
            pending.put(id + "#" + pending.size(), fragment);
        }
    }

    int pendingCount() {
        synchronized (pending) {
            return pending.size();
        }
    }

    List<Seen> seen(String action) {
        return seen.stream().filter(s -> action.equals(s.action())).toList();
    }

    private void alpineBits(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        Map<String, String> parts = multipart(contentType, new String(body, StandardCharsets.UTF_8));
        seen.add(new Seen("/alpinebits", exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("X-AlpineBits-ClientProtocolVersion"), contentType,
                parts.get("action"), parts.get("request"), java.time.Instant.now()));
        if (!basicAuth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            answer(exchange, 401, "ERROR:http basic authentication failed");
            return;
        }
        String action = parts.getOrDefault("action", "");
        if (action.equals("OTA_Read:GuestRequests")) {
            if (readStatus != 200) {
                answer(exchange, readStatus, "ERROR:the server is busy");
                return;
            }
            if (readBodyOverride != null) {
                answer(exchange, 200, readBodyOverride);
                return;
            }
            StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><OTA_ResRetrieveRS xmlns=\"")
                    .append(NS).append("\" Version=\"7.000\"><Success/><ReservationsList>");
            synchronized (pending) {
                pending.values().forEach(xml::append);
            }
            answer(exchange, 200, xml.append("</ReservationsList></OTA_ResRetrieveRS>").toString());
        } else if (action.equals("OTA_NotifReport:GuestRequests")) {
            LongSupplier probe = onAcknowledgement;
            if (probe != null) {
                atAcknowledgement.add(probe.getAsLong());
            }
            if (ackStatus != 200) {
                answer(exchange, ackStatus, "ERROR:the acknowledgement could not be stored");
                return;
            }
            Matcher ids = Pattern.compile("<UniqueID Type=\"(\\d+)\" ID=\"([^\"]+)\"/>").matcher(parts.getOrDefault("request", ""));
            List<String> acknowledged = new ArrayList<>();
            while (ids.find()) {
                acknowledged.add(ids.group(2));
            }
            synchronized (pending) {
                pending.entrySet().removeIf(e -> acknowledged.contains(e.getKey().substring(0, e.getKey().lastIndexOf('#'))));
            }
            answer(exchange, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><OTA_NotifReportRS xmlns=\"" + NS
                    + "\" Version=\"7.000\"><Success/></OTA_NotifReportRS>");
        } else {
            answer(exchange, 400, "ERROR:unknown action");
        }
    }

    private void ota(HttpExchange exchange) throws IOException {
        String xml;
        try (InputStream in = exchange.getRequestBody()) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        seen.add(new Seen("/ota", exchange.getRequestHeaders().getFirst("Authorization"), null,
                exchange.getRequestHeaders().getFirst("Content-Type"), "OTA_ReadRQ", xml, java.time.Instant.now()));
        if (!bearer.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            answer(exchange, 401, "");
            return;
        }
        Matcher hotelCode = Pattern.compile("HotelCode=\"([^\"]+)\"").matcher(xml);
        String hotel = hotelCode.find() ? hotelCode.group(1) : "";
        java.util.concurrent.CountDownLatch hold = hotelHold.get(hotel);
        if (hold != null) {
            java.util.concurrent.atomic.AtomicInteger held = hotelHeld.computeIfAbsent(hotel,
                    h -> new java.util.concurrent.atomic.AtomicInteger());
            held.incrementAndGet();
            try {
                hold.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                held.decrementAndGet();
            }
        }
        int status = hotelReadStatus.getOrDefault(hotel, readStatus);
        if (status != 200) {
            answer(exchange, status, "");
            return;
        }
        String override = hotelBodyOverride.getOrDefault(hotel, readBodyOverride == null ? "" : readBodyOverride);
        if (!override.isEmpty()) {
            answer(exchange, 200, override);
            return;
        }
        StringBuilder answer = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><OTA_ResRetrieveRS xmlns=\"")
                .append(NS).append("\" TimeStamp=\"").append(java.time.Instant.now()).append("\" Version=\"1.0\">")
                .append("<Success/><ReservationsList>");
        otaReservationsByHotel.getOrDefault(hotel, otaReservations).forEach(answer::append);
        answer(exchange, 200, answer.append("</ReservationsList></OTA_ResRetrieveRS>").toString());
    }

    private static Map<String, String> multipart(String contentType, String body) {
        Map<String, String> parts = new LinkedHashMap<>();
        if (contentType == null || !contentType.startsWith("multipart/form-data") || !contentType.contains("boundary=")) {
            return parts;
        }
        String boundary = "--" + contentType.substring(contentType.indexOf("boundary=") + 9).trim();
        for (String part : body.split(Pattern.quote(boundary))) {
            int split = part.indexOf("\r\n\r\n");
            if (split < 0) {
                continue;
            }
            Matcher name = Pattern.compile("name=\"([^\"]+)\"").matcher(part.substring(0, split));
            if (name.find()) {
                String value = part.substring(split + 4);
                parts.put(name.group(1), value.endsWith("\r\n") ? value.substring(0, value.length() - 2) : value);
            }
        }
        return parts;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", body.startsWith("<") ? "application/xml" : "text/plain");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } else {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
