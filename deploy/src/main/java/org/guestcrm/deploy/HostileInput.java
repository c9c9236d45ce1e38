package org.guestcrm.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.guestcrm.testsupport.LocalIdentity;

/**
 * {@code ./crm fuzz [N [SEED]]}: N malformed and hostile requests, from a seeded generator (the seed is printed, so a
 * finding can be replayed), at the connector's feed endpoints and the staff APIs of every service of the running
 * stack: broken, nested, oversized and entity-laden XML and JSON bodies, wrong and missing content types, tokens
 * that are absent, malformed, unsigned, signed by someone else, of another tenant or too weak, hostile path and query
 * parameters, and the opt-out service's signed links with forged tokens. Checks: no answer is a 5xx; every 4xx
 * carries a body that says why (problem+json on the APIs, an OTA {@code <Errors>} on the OTA feed, a page on the
 * guest-facing links); every service stays ready ({@code /q/health/ready}) throughout. Only localhost.
 */
final class HostileInput {

    /** What a run found. */
    record Result(long seed, int tried, Map<String, Integer> byStatus, List<String> serverErrors,
            Map<String, Integer> withoutProblemBody, List<String> unhealthy, List<String> unexplained,
            int operationsDeclared, int operationsTried, List<String> documentsUnread, Map<String, Integer> acceptedOperations) {

        /**
         * No 5xx, every service ready, every OpenAPI document read, and (when asked) every 4xx with a body that says
         * why, but 414 and 431: Netty refuses an oversized request line or header block before any route runs.
         */
        boolean passed(boolean requireProblemBodies) {
            return serverErrors.isEmpty() && unhealthy.isEmpty() && documentsUnread.isEmpty()
                    && (!requireProblemBodies || withoutProblemBody.keySet().stream()
                            .allMatch(k -> k.endsWith(" 414") || k.endsWith(" 431")));
        }

        String line() {
            int missing = withoutProblemBody.values().stream().mapToInt(Integer::intValue).sum();
            return String.format(Locale.ROOT, "fuzz seed %d: %d requests, answers %s, 5xx %d, 4xx without a problem body %d%s,"
                            + " services unhealthy %d%s", seed, tried, byStatus, serverErrors.size(), missing,
                    withoutProblemBody.isEmpty() ? "" : " " + withoutProblemBody, unhealthy.size(),
                    unhealthy.isEmpty() ? "" : " " + unhealthy)
                    + String.format(Locale.ROOT, "; OpenAPI operations tried %d of %d declared%s", operationsTried,
                            operationsDeclared, documentsUnread.isEmpty() ? "" : ", documents not read " + documentsUnread)
                    + (serverErrors.isEmpty() ? "" : "; first 5xx: " + serverErrors.stream().limit(3)
                            .map(e -> e.length() > 160 ? e.substring(0, 160) + "..." : e).toList())
                    + (unexplained.isEmpty() ? "" : "; 4xx without a body (not 414/431): " + unexplained.stream()
                            .map(e -> e.length() > 200 ? e.substring(0, 200) + "..." : e).toList());
        }
    }

    private enum Target {
        OTA_FEED, JSON_FEED, FEEDS_API, GUESTS_API, COMMUNICATIONS_API, CONSENTS_API, WITHDRAWALS_API, AUDIT_API, SIGNED_LINK,
        GUEST_COMMUNICATIONS_API, JOURNEYS_API,
        /** Any operation of any service's OpenAPI document, in a seeded order that visits each before repeating. */
        OPENAPI
    }

    /** The services whose OpenAPI documents the fuzz reads (each serves {@code /q/openapi} to an ops token). */
    private static final Map<String, StackConfig.Port> DOCUMENTED = new java.util.LinkedHashMap<>();

    static {
        DOCUMENTED.put("connector", StackConfig.Port.CONNECTOR);
        DOCUMENTED.put("profile", StackConfig.Port.PROFILE);
        DOCUMENTED.put("journey", StackConfig.Port.JOURNEY);
        DOCUMENTED.put("optout", StackConfig.Port.OPTOUT);
        DOCUMENTED.put("desk", StackConfig.Port.DESK);
        DOCUMENTED.put("ops", StackConfig.Port.OPS);
    }

    /**
     * The tenant the OpenAPI requests act for: its own, which no scenario and no demo data uses, so an operation the
     * generator happens to fill validly (a PUT of settings, an inquiry, a campaign) changes nothing anyone reads.
     */
    static final String FUZZ_TENANT = "fuzz-tenant";

    private final LocalStack stack;
    private final StackConfig config;
    private final PrintStream out;
    // HTTP/1.1 as a browser or a PMS speaks it to these doors: the JDK client would otherwise offer the h2c upgrade,
    // which no browser does and which Netty's HTTP/2 limits answer differently (431 or a closed connection).
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    HostileInput(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.config = stack.config();
        this.out = out;
    }

    Result run(int requests, long seed) {
        List<String> unhealthyBefore = stack.unhealthyPartsWithin(Duration.ofSeconds(30));
        if (!unhealthyBefore.isEmpty()) {
            throw new StackException("The stack is not up (" + String.join(", ", unhealthyBefore) + "): run ./crm up first");
        }
        Random random = new Random(seed);
        LocalIdentity identity = LocalIdentity.loadOrCreate(config.keyDirectory());
        String good = identity.mint(Set.of("demo"), LocalIdentity.ALL_ROLES, Duration.ofHours(1), "fuzz");
        List<String> tokens = List.of(
                good, good, good,
                identity.mint(Set.of("other-tenant"), LocalIdentity.ALL_ROLES, Duration.ofHours(1), "fuzz"),
                identity.mint(Set.of("demo"), Set.of("viewer"), Duration.ofHours(1), "fuzz"),
                unsigned(good), tampered(good), "", "garbage", "a.b.c", "demo", "e30.e30.", "." .repeat(3000),
                "eyJhbGciOiJub25lIn0." + base64("{\"sub\":\"x\",\"groups\":[\"admin\",\"ops\"],\"tenants\":[\"*\"]}") + ".");
        String fuzzToken = identity.mint(Set.of(FUZZ_TENANT), LocalIdentity.ALL_ROLES, Duration.ofHours(1), "fuzz");
        List<String> documentsUnread = new ArrayList<>();
        List<ApiOperations.Operation> operations = new ArrayList<>();
        DOCUMENTED.forEach((service, port) -> {
            String document = openApiDocument(port(port), good);
            if (document == null) {
                documentsUnread.add(service);
            } else {
                operations.addAll(ApiOperations.parse(service, port(port), document));
            }
        });
        java.util.Collections.shuffle(operations, random);
        List<String> operationTokens = List.of(fuzzToken, fuzzToken, fuzzToken, fuzzToken, good,
                identity.mint(Set.of(FUZZ_TENANT), Set.of("viewer"), Duration.ofHours(1), "fuzz"),
                unsigned(fuzzToken), tampered(fuzzToken), "", "garbage", "e30.e30.");
        Set<String> operationsTried = new java.util.HashSet<>();
        Map<String, Integer> acceptedOperations = new TreeMap<>();
        int nextOperation = 0;
        Map<String, Integer> byStatus = new TreeMap<>();
        List<String> serverErrors = new ArrayList<>();
        Map<String, Integer> withoutBody = new TreeMap<>();
        List<String> unexplained = new ArrayList<>();
        List<String> unhealthy = new ArrayList<>();
        int tried = 0;
        for (int i = 0; i < requests; i++) {
            // Half of the requests go to the OpenAPI operations (about 170 in six services), the other half to the
            // hand-written targets with their deeper bodies (OTA and JSON messages, tokens, signed links).
            boolean documented = !operations.isEmpty() && random.nextBoolean();
            Target target = documented ? Target.OPENAPI : Target.values()[random.nextInt(Target.values().length - 1)];
            ApiOperations.Operation operation = documented ? operations.get(nextOperation++ % operations.size()) : null;
            HttpRequest request;
            try {
                request = documented ? request(operation, random, operationTokens) : request(target, random, tokens);
            } catch (IllegalArgumentException e) {
                continue; // a header or URI the client itself refuses to send: nothing reached the stack
            }
            if (documented) {
                operationsTried.add(operation.label());
            }
            String label = documented ? operation.label() : target.toString();
            tried++;
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // The server closed the connection (e.g. on an oversized header): no answer is not a 5xx, but say so.
                byStatus.merge("closed", 1, Integer::sum);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            int status = response.statusCode();
            byStatus.merge(status / 100 + "xx", 1, Integer::sum);
            if (documented && status < 300) {
                acceptedOperations.merge(operation.label(), 1, Integer::sum);
            }
            if (status >= 500) {
                serverErrors.add(label + " " + request.method() + " " + shortPath(request) + " -> " + status);
            } else if (status >= 400 && !(documented ? explains(operation, response) : explains(target, response))) {
                withoutBody.merge(label + " " + status, 1, Integer::sum);
                // Framework answers to oversized URIs and headers (414, 431) are known and allowed; name the others.
                if (status != 414 && status != 431 && unexplained.size() < 5) {
                    unexplained.add(label + " " + request.method() + " " + shortPath(request) + " ("
                            + request.headers().firstValue("Content-Type").orElse("no content type") + ") -> " + status);
                }
            }
            if ((i + 1) % 100 == 0 || i == requests - 1) {
                for (String part : stack.unhealthyParts()) {
                    unhealthy.add(part + " after request " + (i + 1));
                }
            }
        }
        return new Result(seed, tried, byStatus, serverErrors, withoutBody, unhealthy, unexplained, operations.size(),
                operationsTried.size(), documentsUnread, acceptedOperations);
    }

    /** A 4xx must say why: problem+json on the APIs, an OTA error document on the OTA feed, a page on a guest link. */
    private static boolean explains(Target target, HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (body.isBlank()) {
            return false;
        }
        return switch (target) {
            case OTA_FEED -> body.contains("<Errors") || type.contains("problem+json");
            case SIGNED_LINK -> type.startsWith("text/html") || type.contains("problem+json");
            default -> type.contains("problem+json") || (type.contains("json") && body.contains("\"status\""));
        };
    }

    /** The service's OpenAPI document (JSON), or null when it does not answer it. */
    private String openApiDocument(int port, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/openapi?format=json"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A 4xx of an OpenAPI operation says why: problem+json on the APIs, a page (or problem+json) on a guest's link. */
    private static boolean explains(ApiOperations.Operation operation, HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (body.isBlank()) {
            return false;
        }
        return type.contains("problem+json") || (operation.guestFacing() && type.startsWith("text/html"));
    }

    /**
     * Values for path and query parameters of the documented operations: the hostile ones, never the demo tenant's (a
     * holder class, so that it is built after {@link #HOSTILE}).
     */
    private static final class OperationValues {
        static final List<String> ALL;

        static {
            List<String> values = new ArrayList<>(HOSTILE.stream().filter(v -> !v.equals("demo")).toList());
            values.addAll(List.of("0", "1", "1e309", "NaN", "2026-13-45", "2026-02-30T25:61:00Z", "P-1D", "true",
                    "PENDING", "FAILED", "x,y", "%2e%2e", "\\u0000"));
            ALL = List.copyOf(values);
        }
    }

    private static String operationValue(Random random, String name) {
        boolean tenant = name.toLowerCase(Locale.ROOT).contains("tenant");
        String value = tenant && random.nextInt(3) > 0 ? FUZZ_TENANT
                : random.nextInt(4) == 0 ? "s" + random.nextInt(1000) : pick(random, OperationValues.ALL);
        return value.isEmpty() ? "x" : URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest request(ApiOperations.Operation operation, Random random, List<String> tokens) {
        StringBuilder path = new StringBuilder(operation.path());
        StringBuilder query = new StringBuilder();
        HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(Duration.ofSeconds(30));
        for (ApiOperations.Parameter parameter : operation.parameters()) {
            switch (parameter.in()) {
                case PATH -> {
                    int at = path.indexOf("{" + parameter.name() + "}");
                    if (at >= 0) {
                        path.replace(at, at + parameter.name().length() + 2, operationValue(random, parameter.name()));
                    }
                }
                case QUERY -> {
                    if (random.nextInt(4) > 0) {
                        query.append(query.isEmpty() ? "?" : "&").append(parameter.name()).append('=')
                                .append(operationValue(random, parameter.name()));
                    }
                }
                case HEADER -> {
                    if (!parameter.name().equalsIgnoreCase("Content-Length") && random.nextBoolean()) {
                        builder.header(parameter.name(), pick(random, List.of("", "x", "sha256=" + "0".repeat(64),
                                "9".repeat(40), "-1", "xx-XX;q=abc, *;q=2", "a".repeat(4000), "\u202e\u0645")));
                    }
                }
                case COOKIE -> {
                    if (random.nextBoolean()) {
                        builder.header("Cookie", parameter.name() + "=" + pick(random, List.of("", "x", "e30.e30.",
                                "a".repeat(3000), "%00", unsigned(pick(random, tokens)))));
                    }
                }
            }
        }
        builder.uri(URI.create("http://localhost:" + operation.port() + path + query));
        String token = pick(random, tokens);
        switch (random.nextInt(6)) {
            case 0 -> { }
            case 1 -> builder.header("Authorization", "Basic " + base64("demo:demo"));
            default -> builder.header("Authorization", "Bearer " + token);
        }
        boolean withBody = !operation.contentTypes().isEmpty() || !operation.method().equals("GET") && random.nextBoolean();
        if (!withBody || operation.method().equals("GET") || operation.method().equals("DELETE")) {
            return builder.method(operation.method(), HttpRequest.BodyPublishers.noBody()).build();
        }
        String declared = operation.contentTypes().isEmpty() ? "application/json" : pick(random, operation.contentTypes());
        if (declared.equals("*/*")) {
            declared = "text/csv";
        }
        String contentType = random.nextInt(4) == 0 ? contentType(random, declared) : declared;
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return builder.method(operation.method(), HttpRequest.BodyPublishers.ofByteArray(body(random, declared))).build();
    }

    /** A hostile body of the declared kind (the content type sent may be another one). */
    private static byte[] body(Random random, String declared) {
        if (random.nextInt(8) == 0) {
            return randomBytes(random, random.nextInt(2048));
        }
        if (declared.contains("xml")) {
            return otaBody(random);
        }
        if (declared.contains("ndjson")) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                lines.append(new String(jsonBody(random), StandardCharsets.UTF_8)).append('\n');
            }
            return lines.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (declared.contains("json")) {
            return random.nextBoolean() ? jsonBody(random) : objectBody(random);
        }
        if (declared.contains("x-www-form-urlencoded")) {
            StringBuilder form = new StringBuilder();
            for (String field : List.of("email", "phone", "firstName", "choice", "score", "consent", "token", "lang")) {
                if (random.nextBoolean()) {
                    form.append(form.isEmpty() ? "" : "&").append(field).append('=').append(operationValue(random, field));
                }
            }
            return form.append(random.nextBoolean() ? "&List-Unsubscribe=One-Click" : "").toString()
                    .getBytes(StandardCharsets.UTF_8);
        }
        if (declared.contains("multipart")) {
            return ("--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n"
                    + (random.nextBoolean() ? "--b--\r\n" : "")).getBytes(StandardCharsets.UTF_8);
        }
        return ("reservationId;arrival;departure;email\n" + operationValue(random, "id") + ";2026-13-45;;"
                + operationValue(random, "email") + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON object of fields that staff APIs read, with wrong, hostile or out-of-range values. */
    private static byte[] objectBody(Random random) {
        List<String> fields = List.of("tenant", "hotelCode", "name", "email", "phone", "channel", "purpose", "status",
                "reason", "guestId", "otherGuestId", "from", "to", "arrival", "departure", "steps", "enabled", "limit",
                "template", "subject", "segment", "contactPoint", "decision", "rules", "deliveryMode", "topic");
        List<String> values = List.of("null", "\"\"", "\"" + FUZZ_TENANT + "\"", "-1", "1e309", "[]", "{}", "true",
                "\"2026-13-45\"", "\"{{7*7}}\"", "\"${jndi:ldap://localhost/x}\"", "\"\\u0000\"", "[null]",
                "{\"x\":{\"y\":[1,2,{}]}}", "\"" + "a".repeat(5000) + "\"", "99999999999999999999");
        StringBuilder json = new StringBuilder("{");
        for (int i = 0, n = random.nextInt(8); i < n; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(pick(random, fields)).append("\":").append(pick(random, values));
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private HttpRequest request(Target target, Random random, List<String> tokens) {
        String token = pick(random, tokens);
        String auth = switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> "Basic " + base64("demo:demo");
            case 2 -> "Bearer  " + token;
            case 3 -> "bearer " + token;
            default -> "Bearer " + token;
        };
        return switch (target) {
            case OTA_FEED -> post(port(StackConfig.Port.CONNECTOR), "/api/v1/feeds/" + feed(random, "demo-ota") + "/ota",
                    feedAuth(random, auth), contentType(random, "application/xml"), otaBody(random));
            case JSON_FEED -> post(port(StackConfig.Port.CONNECTOR), "/api/v1/feeds/" + feed(random, "demo-json") + "/reservations",
                    feedAuth(random, auth), contentType(random, "application/json"), jsonBody(random));
            case FEEDS_API -> random.nextBoolean()
                    ? get(port(StackConfig.Port.CONNECTOR), "/api/v1/feeds/" + segment(random), auth)
                    : post(port(StackConfig.Port.CONNECTOR), "/api/v1/feeds", auth, contentType(random, "application/json"), jsonBody(random));
            case GUESTS_API -> get(port(StackConfig.Port.PROFILE), random.nextBoolean() ? "/api/v1/guests/" + segment(random)
                    : "/api/v1/guests?tenant=" + query(random) + "&sourceSystem=" + query(random) + "&sourceProfileId=" + query(random), auth);
            case COMMUNICATIONS_API -> get(port(StackConfig.Port.JOURNEY), "/api/v1/reservations/" + segment(random) + "/"
                    + segment(random) + "/" + segment(random) + "/communications", auth);
            case CONSENTS_API -> get(port(StackConfig.Port.OPTOUT), "/api/v1/consents?tenant=" + query(random) + "&contactPoint="
                    + query(random), auth);
            case WITHDRAWALS_API -> post(port(StackConfig.Port.OPTOUT), "/api/v1/consents/withdrawals?tenant=" + query(random), auth,
                    contentType(random, "application/json"), jsonBody(random));
            case AUDIT_API -> get(pick(random, List.of(port(StackConfig.Port.CONNECTOR), port(StackConfig.Port.PROFILE),
                    port(StackConfig.Port.JOURNEY), port(StackConfig.Port.OPTOUT))), "/api/v1/audit?from=" + query(random)
                    + "&limit=" + pick(random, List.of("-1", "0", "10", "100001", "99999999999999999999", "abc", "")), auth);
            case GUEST_COMMUNICATIONS_API -> get(port(StackConfig.Port.JOURNEY), "/api/v1/guests/" + segment(random) + "/"
                    + segment(random) + "/communications?page=" + query(random) + "&size=" + query(random), auth);
            // A tenant the fuzz makes up: a PUT that happened to be valid changes no real tenant's journeys.
            case JOURNEYS_API -> {
                String path = "/api/v1/journeys/" + segment(random) + (random.nextBoolean() ? "" : "/hotels/" + segment(random));
                yield random.nextBoolean() ? get(port(StackConfig.Port.JOURNEY), path, auth)
                        : put(port(StackConfig.Port.JOURNEY), path, auth, contentType(random, "application/json"), jsonBody(random));
            }
            case OPENAPI -> throw new IllegalStateException("documented operations are built from their operation");
            case SIGNED_LINK -> random.nextBoolean()
                    ? get(port(StackConfig.Port.OPTOUT), "/u/" + segment(random) + "?lang=" + query(random), null)
                    : post(port(StackConfig.Port.OPTOUT), "/u/" + segment(random), null,
                            contentType(random, "application/x-www-form-urlencoded"), "List-Unsubscribe=One-Click".getBytes(StandardCharsets.US_ASCII));
        };
    }

    private static String feedAuth(Random random, String staffAuth) {
        return switch (random.nextInt(6)) {
            case 0 -> null;
            case 1 -> staffAuth;
            case 2 -> "Bearer demo ";
            case 3 -> "Bearer " + "demo".repeat(1 + random.nextInt(2000));
            default -> "Bearer demo";
        };
    }

    private static String feed(Random random, String feed) {
        return random.nextInt(5) == 0 ? segment(random) : feed;
    }

    private static String contentType(Random random, String right) {
        return switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> "text/plain";
            case 2 -> right + "; charset=klingon";
            case 3 -> "multipart/form-data; boundary=" + "x".repeat(random.nextInt(200));
            case 4 -> right.contains("xml") ? "application/json" : "application/xml";
            default -> right;
        };
    }

    // ---- bodies --------------------------------------------------------------------------------------------------

    private static byte[] otaBody(Random random) {
        String valid = ChaosRun.otaMessage("FZ-" + random.nextInt(1_000_000), "Commit", LocalDate.now().plusDays(60),
                java.time.Instant.now(), "fuzz-" + random.nextInt(1000) + "@example.com", "FUZZ1", random.nextInt(1000));
        return switch (random.nextInt(14)) {
            case 0 -> truncate(random, valid);
            case 1 -> flip(random, valid);
            case 2 -> valid.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>").replace("Chaos", "&x;").getBytes(StandardCharsets.UTF_8);
            case 3 -> laughs().getBytes(StandardCharsets.UTF_8);
            case 4 -> ("<a>".repeat(20_000 + random.nextInt(20_000)) + "</a>").getBytes(StandardCharsets.UTF_8);
            case 5 -> valid.replace("HotelCode=\"FUZZ1\"", "HotelCode=\"" + "H".repeat(200_000) + "\"").getBytes(StandardCharsets.UTF_8);
            case 6 -> invalidUtf8(random, valid);
            case 7 -> new byte[0];
            case 8 -> "<OTA_HotelAvailRQ xmlns=\"http://www.opentravel.org/OTA/2003/05\"/>".getBytes(StandardCharsets.UTF_8);
            case 9 -> jsonBody(random);
            case 10 -> valid.replace("2026", "99999").replace("Commit", pick(random, List.of("Shred", "", "Cancel\u0000"))).getBytes(StandardCharsets.UTF_8);
            case 11 -> valid.replace("Count=\"2\"", "Count=\"" + pick(random, List.of("-1", "1e999", "NaN", "99999999999999999999")) + "\"")
                    .replace("420.00", pick(random, List.of("-1", "1e309", "abc", "0x10"))).getBytes(StandardCharsets.UTF_8);
            case 12 -> valid.replace("<ResGuests>", "<![CDATA[" + "]]>".repeat(50) + "<ResGuests>").getBytes(StandardCharsets.UTF_8);
            default -> randomBytes(random, 1 + random.nextInt(4096));
        };
    }

    private static byte[] jsonBody(Random random) {
        String valid = ChaosRun.jsonMessage("FZ-" + random.nextInt(1_000_000), "CREATED", 1, LocalDate.now().plusDays(60),
                java.time.Instant.now(), "fuzz-" + random.nextInt(1000) + "@example.com", "FUZZ2", random.nextInt(1000));
        return switch (random.nextInt(14)) {
            case 0 -> truncate(random, valid);
            case 1 -> flip(random, valid);
            case 2 -> ("[".repeat(10_000 + random.nextInt(50_000))).getBytes(StandardCharsets.UTF_8);
            case 3 -> valid.replace("\"adults\":2", "\"adults\":\"two\"").getBytes(StandardCharsets.UTF_8);
            case 4 -> valid.replace("\"adults\":2", "\"adults\":1" + "0".repeat(400)).getBytes(StandardCharsets.UTF_8);
            case 5 -> valid.replace("\"arrival\":\"", "\"arrival\":\"x").getBytes(StandardCharsets.UTF_8);
            case 6 -> valid.replace("\"hotelCode\":\"FUZZ2\"", "\"hotelCode\":\"FUZZ2\",\"hotelCode\":null").getBytes(StandardCharsets.UTF_8);
            case 7 -> valid.replace("Chaos", "\\u0000\\ud800" + "\u202e".repeat(random.nextInt(50))).getBytes(StandardCharsets.UTF_8);
            case 8 -> ("{\"x\":\"" + "y".repeat(1_000_000 + random.nextInt(2_000_000)) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 9 -> pick(random, List.of("null", "[]", "\"\"", "0", "true", "{}", "{\"guests\":[null]}", "{\"guests\":{}}"))
                    .getBytes(StandardCharsets.UTF_8);
            case 10 -> invalidUtf8(random, valid);
            case 11 -> valid.replace("\"CONFIRMED\"", "\"" + pick(random, List.of("SHREDDED", "", "confirmed", "CONFIRMED ")) + "\"")
                    .getBytes(StandardCharsets.UTF_8);
            case 12 -> otaBody(random);
            default -> randomBytes(random, 1 + random.nextInt(4096));
        };
    }

    private static String laughs() {
        StringBuilder doctype = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY l0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            doctype.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        }
        return doctype.append("]><OTA_HotelResNotifRQ xmlns=\"http://www.opentravel.org/OTA/2003/05\">&l9;</OTA_HotelResNotifRQ>").toString();
    }

    private static byte[] truncate(Random random, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
    }

    private static final String FLIPS = "<>&\"'{}[]:,\\\u0000/";

    private static byte[] flip(Random random, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
            bytes[random.nextInt(bytes.length)] = (byte) FLIPS.charAt(random.nextInt(FLIPS.length()));
        }
        return bytes;
    }

    private static byte[] invalidUtf8(Random random, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            bytes[random.nextInt(bytes.length)] = (byte) (0xC0 + random.nextInt(0x40));
        }
        return bytes;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    // ---- paths, tokens, requests ---------------------------------------------------------------------------------

    private static final List<String> HOSTILE = List.of("", " ", "..", "../../etc/passwd", "%00", "\u0000", "' or '1'='1",
            "<script>alert(1)</script>", "demo", "*", "%", "\u202e\u0645", "😀", "a".repeat(5000), "${jndi:ldap://localhost/x}",
            "{{7*7}}", "-1", "9".repeat(40), "00000000-0000-0000-0000-000000000000", "demo\r\nX-Injected: 1", "null");

    private static String segment(Random random) {
        String value = random.nextInt(4) == 0 ? "s" + random.nextInt(1000) : pick(random, HOSTILE);
        return value.isEmpty() ? "x" : URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String query(Random random) {
        return URLEncoder.encode(random.nextInt(3) == 0 ? "demo" : pick(random, HOSTILE), StandardCharsets.UTF_8);
    }

    private HttpRequest get(int port, String path, String auth) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (auth != null) {
            builder.header("Authorization", auth);
        }
        return builder.build();
    }

    private HttpRequest post(int port, String path, String auth, String contentType, byte[] body) {
        return withBody("POST", port, path, auth, contentType, body);
    }

    private HttpRequest put(int port, String path, String auth, String contentType, byte[] body) {
        return withBody("PUT", port, path, auth, contentType, body);
    }

    private HttpRequest withBody(String method, int port, String path, String auth, String contentType, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            builder.header("Authorization", auth);
        }
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return builder.build();
    }

    private int port(StackConfig.Port port) {
        return config.port(port);
    }

    private static String shortPath(HttpRequest request) {
        String path = request.uri().getRawPath();
        return path.length() > 120 ? path.substring(0, 120) + "..." : path;
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The token with its signature removed (alg kept): must not be accepted. */
    private static String unsigned(String jwt) {
        return jwt.substring(0, jwt.lastIndexOf('.') + 1);
    }

    /** The token with its claims replaced (every tenant) and the old signature kept. */
    private static String tampered(String jwt) {
        String[] parts = jwt.split("\\.");
        return parts[0] + "." + base64("{\"sub\":\"x\",\"groups\":[\"admin\",\"ops\"],\"tenants\":[\"*\"],\"exp\":4102444800}") + "." + parts[2];
    }

    void print(Result result) {
        out.println(result.line());
        result.serverErrors().stream().limit(20).forEach(e -> out.println("  5xx: " + e));
        // What a hostile request got accepted (2xx) is for a person to read: legitimate for a tolerant GET, a finding
        // for a write that should have refused its input.
        result.acceptedOperations().forEach((operation, times) -> out.println("  2xx: " + operation + " x" + times));
    }
}
