package org.guestcrm.ops.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP peer in the place of the pms-connector for the console's feed replay: it answers the connector's
 * {@code POST /api/v1/feeds/{feedId}/replay} and {@code GET .../replays} in the connector's shapes (a range longer than
 * 31 days refused with a problem naming {@code to}, as the connector refuses it), its health as UP, no metrics and no
 * dead letters, and keeps every request it got so a test can see what the console forwarded. The connector's own
 * replay is tested in its module; the real console-to-connector path in the deploy module's LocalStackIT.
 */
final class ConnectorPeer implements AutoCloseable {

    record Received(String method, String path, String authorization, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();

    private ConnectorPeer(HttpServer server) {
        this.server = server;
    }

    static ConnectorPeer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ConnectorPeer peer = new ConnectorPeer(server);
            server.createContext("/", peer::handle);
            server.start();
            return peer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        received.add(new Received(method, exchange.getRequestURI().toString(),
                exchange.getRequestHeaders().getFirst("Authorization"), body));
        if (path.startsWith("/q/health")) {
            answer(exchange, 200, "application/json", "{\"status\":\"UP\",\"checks\":[]}");
        } else if (path.equals("/q/metrics")) {
            answer(exchange, 200, "text/plain", "");
        } else if (path.equals("/api/v1/ops/dead-letters")) {
            answer(exchange, 200, "application/json", "{}");
        } else if (method.equals("POST") && path.matches("/api/v1/feeds/[^/]+/replay")) {
            replay(exchange, path.split("/")[4], body);
        } else if (method.equals("GET") && path.matches("/api/v1/feeds/[^/]+/replays")) {
            String feed = path.split("/")[4];
            answer(exchange, 200, "application/json", "[{\"replayId\":\"8d0c1c52-6a3e-4f47-9d7e-0a4c7a0e0001\",\"feedId\":\""
                    + feed + "\",\"requestedBy\":\"ops-1\",\"from\":\"2026-12-01T00:00:00Z\",\"to\":\"2026-12-02T00:00:00Z\","
                    + "\"messages\":7,\"reEmitted\":2,\"unchanged\":4,\"refused\":1,\"notReplayable\":0,\"eventsEmitted\":3,"
                    + "\"startedAt\":\"2026-12-02T06:00:00Z\",\"finishedAt\":\"2026-12-02T06:00:01Z\"}]");
        } else {
            answer(exchange, 404, "application/problem+json", "{\"title\":\"Not Found\",\"status\":404}");
        }
    }

    private void replay(HttpExchange exchange, String feed, String body) throws IOException {
        JsonNode request = JSON.readTree(body.isEmpty() ? "{}" : body);
        Instant from;
        Instant to;
        try {
            from = Instant.parse(request.path("from").asText());
            to = Instant.parse(request.path("to").asText());
        } catch (RuntimeException e) {
            answer(exchange, 400, "application/problem+json", "{\"title\":\"The replay range is invalid.\",\"status\":400,"
                    + "\"invalidParams\":[{\"name\":\"from\",\"reason\":\"an ISO-8601 instant with offset\"}]}");
            return;
        }
        if (Duration.between(from, to).compareTo(Duration.ofDays(31)) > 0) {
            answer(exchange, 400, "application/problem+json", "{\"title\":\"The replay range is invalid.\",\"status\":400,"
                    + "\"invalidParams\":[{\"name\":\"to\",\"reason\":\"must be at most 31 days (744 h) after from; replay a longer period in parts\"}]}");
            return;
        }
        answer(exchange, 200, "application/json", "{\"replayId\":\"8d0c1c52-6a3e-4f47-9d7e-0a4c7a0e0002\",\"feedId\":\"" + feed
                + "\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"messages\":7,\"reEmitted\":2,\"unchanged\":4,"
                + "\"refused\":1,\"notReplayable\":0,\"eventsEmitted\":3}");
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
