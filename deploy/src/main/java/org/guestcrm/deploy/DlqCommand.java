package org.guestcrm.deploy;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.guestcrm.testsupport.LocalIdentity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code ./crm dlq list|show|replay|discard}: the dead letters of the services through their ops API
 * ({@code /api/v1/ops/dead-letters}, role {@code ops}), so every action is the service's own, audited and
 * tenant-scoped. The services are the local stack's unless {@code --url} names one; the token is {@code CRM_TOKEN}
 * when set, else one minted by the local stack's issuer (role ops, every tenant; {@code --unmasked} adds admin, so
 * {@code show} prints guests' data unmasked).
 */
final class DlqCommand {

    static final String USAGE = "usage: ./crm dlq list [TOPIC] [--state PENDING|REPLAYED|DISCARDED] [--limit N]"
            + " | show TOPIC PARTITION OFFSET [--unmasked] | replay TOPIC (PARTITION OFFSET | --all) [--note TEXT]"
            + " | discard TOPIC PARTITION OFFSET --note TEXT   (options: --url SERVICE_URL)";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A parsed command line. */
    record Request(String action, List<String> arguments, Map<String, String> options, Set<String> flags) {

        static Request parse(List<String> args) {
            if (args.isEmpty()) {
                throw new StackException(USAGE);
            }
            String action = args.get(0);
            if (!List.of("list", "show", "replay", "discard").contains(action)) {
                throw new StackException("Unknown dlq action '" + action + "' (" + USAGE + ")");
            }
            List<String> arguments = new ArrayList<>();
            Map<String, String> options = new LinkedHashMap<>();
            Set<String> flags = new java.util.TreeSet<>();
            for (int i = 1; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--all", "--unmasked" -> flags.add(arg);
                    case "--state", "--limit", "--note", "--url" -> {
                        if (i + 1 >= args.size()) {
                            throw new StackException(arg + " needs a value (" + USAGE + ")");
                        }
                        options.put(arg, args.get(++i));
                    }
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new StackException("Unknown option " + arg + " (" + USAGE + ")");
                        }
                        arguments.add(arg);
                    }
                }
            }
            int wanted = switch (action) {
                case "list" -> arguments.size() <= 1 ? arguments.size() : -1;
                case "replay" -> flags.contains("--all") ? 1 : 3;
                default -> 3;
            };
            if (arguments.size() != wanted) {
                throw new StackException("dlq " + action + ": wrong arguments (" + USAGE + ")");
            }
            if (action.equals("discard") && (options.get("--note") == null || options.get("--note").isBlank())) {
                throw new StackException("dlq discard needs --note saying why");
            }
            if (arguments.size() == 3) {
                number(arguments.get(1), "PARTITION");
                number(arguments.get(2), "OFFSET");
            }
            return new Request(action, arguments, options, flags);
        }

        private static long number(String value, String name) {
            try {
                long parsed = Long.parseLong(value);
                if (parsed >= 0) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new StackException(name + " must be a whole number 0 or more, not '" + value + "'");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> services;
    private final String token;
    private final PrintStream out;

    DlqCommand(List<String> services, String token, PrintStream out) {
        this.services = services;
        this.token = token;
        this.out = out;
    }

    /** The local stack's services (or the one {@code --url} names) and the token to present. */
    static DlqCommand forStack(LocalStack stack, Request request, PrintStream out) {
        List<String> urls = request.options().containsKey("--url") ? List.of(request.options().get("--url"))
                : LocalStack.SERVICES.stream().map(s -> "http://localhost:" + stack.config().port(s.port())).toList();
        String token = System.getenv("CRM_TOKEN");
        if (token == null || token.isBlank()) {
            Set<String> roles = request.flags().contains("--unmasked") ? Set.of("ops", "admin") : Set.of("ops");
            token = LocalIdentity.loadOrCreate(stack.config().keyDirectory()).mint(Set.of("*"), roles,
                    Duration.ofMinutes(10), "crm-dlq");
        }
        return new DlqCommand(urls, token, out);
    }

    void run(Request request) {
        if (request.action().equals("list") && request.arguments().isEmpty()) {
            out.printf("%-24s %-36s %8s%n", "SERVICE", "DEAD-LETTER TOPIC", "PENDING");
            for (String service : services) {
                JsonNode topics = call("GET", service, "/api/v1/ops/dead-letters", null, true);
                if (topics == null) {
                    out.printf("%-24s %s%n", service, "(unreachable)");
                    continue;
                }
                topics.fieldNames().forEachRemaining(t -> out.printf("%-24s %-36s %8d%n", service, t,
                        topics.path(t).asInt()));
            }
            return;
        }
        String topic = request.arguments().get(0);
        String service = owner(topic);
        String path = "/api/v1/ops/dead-letters/" + encode(topic);
        switch (request.action()) {
            case "list" -> {
                StringBuilder query = new StringBuilder("?limit=" + encode(request.options().getOrDefault("--limit", "100")));
                if (request.options().containsKey("--state")) {
                    query.append("&state=").append(encode(request.options().get("--state")));
                }
                JsonNode letters = call("GET", service, path + query, null, false);
                out.printf("%-4s %-8s %-24s %-10s %-40s %s%n", "PART", "OFFSET", "TIME", "STATE", "KEY", "REASON");
                for (JsonNode l : letters) {
                    out.printf("%-4d %-8d %-24s %-10s %-40s %s%s%n", l.path("partition").asInt(), l.path("offset").asLong(),
                            l.path("at").asText(), l.path("state").asText(), l.path("key").asText(),
                            l.path("reason").asText(""),
                            l.path("note").isTextual() ? "  [" + l.path("actedBy").asText() + ": " + l.path("note").asText() + "]" : "");
                }
                out.println(letters.size() + " dead letter(s) of " + topic + " at " + service);
            }
            case "show" -> out.println(pretty(call("GET", service, path + "/" + request.arguments().get(1) + "/"
                    + request.arguments().get(2), null, false)));
            case "discard" -> {
                ObjectNode body = JSON.createObjectNode().put("note", request.options().get("--note"));
                JsonNode letter = call("POST", service, path + "/" + request.arguments().get(1) + "/"
                        + request.arguments().get(2) + "/discard", body, false);
                out.println("Discarded " + topic + "-" + letter.path("partition").asInt() + "@" + letter.path("offset").asLong()
                        + " (state " + letter.path("state").asText() + ").");
            }
            case "replay" -> {
                ObjectNode body = JSON.createObjectNode();
                if (request.flags().contains("--all")) {
                    body.put("all", true);
                } else {
                    body.putArray("letters").addObject().put("partition", Integer.parseInt(request.arguments().get(1)))
                            .put("offset", Long.parseLong(request.arguments().get(2)));
                }
                if (request.options().containsKey("--note")) {
                    body.put("note", request.options().get("--note"));
                }
                JsonNode outcomes = call("POST", service, path + "/replay", body, false);
                for (JsonNode o : outcomes) {
                    out.println(topic + "-" + o.path("partition").asInt() + "@" + o.path("offset").asLong() + ": "
                            + o.path("outcome").asText());
                }
                out.println(outcomes.size() + " dead letter(s) handled; consumers are idempotent, so a replayed letter"
                        + " has one effect.");
            }
            default -> throw new StackException(USAGE);
        }
    }

    /** The service whose consumers write {@code topic}. */
    private String owner(String topic) {
        for (String service : services) {
            JsonNode topics = call("GET", service, "/api/v1/ops/dead-letters", null, true);
            if (topics != null && topics.has(topic)) {
                return service;
            }
        }
        throw new StackException("No service of " + services + " writes the dead-letter topic " + topic
                + " (./crm dlq list shows which do)");
    }

    private JsonNode call(String method, String service, String path, JsonNode body, boolean quiet) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service + path))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(60));
        if (body != null) {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                if (quiet) {
                    return null;
                }
                JsonNode problem = parse(response.body());
                String detail = problem == null ? "" : problem.path("detail").asText("")
                        + (problem.path("invalidParams").isArray() ? " " + problem.path("invalidParams") : "");
                throw new StackException(method + " " + service + path + ": HTTP " + response.statusCode() + " " + detail);
            }
            return parse(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        } catch (java.io.IOException e) {
            if (quiet) {
                return null;
            }
            throw new StackException(service + " cannot be reached (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (java.io.IOException e) {
            return String.valueOf(node);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
