package org.guestcrm.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Walks every path and method of a running service's OpenAPI document and checks the doors: without a token 401;
 * with a token of the right tenant but no role 403; with a token of another tenant (every role) 404 or 403 wherever
 * the request names the tenant (path or query); a tenant-less endpoint (e.g. the audit trail, scoped by the token)
 * may answer 2xx to that token only with a body that never mentions the tenant under test. Paths under a public prefix (PMS feeds with
 * their own credentials, guests' signed links) are skipped, and they must be named by the caller, so a new staff
 * endpoint cannot escape the check. Path parameters are filled with {@code tenant} (the tenant under test) or a
 * random UUID; the tenant query parameter, where declared, likewise.
 */
public final class EndpointSecurityCheck {

    private static final Pattern PARAMETER = Pattern.compile("\\{([^}/]+)}");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private final URI base;
    private final LocalIdentity identity;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public EndpointSecurityCheck(URI base, LocalIdentity identity) {
        this.base = base;
        this.identity = identity;
    }

    /** One endpoint that let a request through a door it should not have. */
    public record Violation(String method, String path, String check, int status) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path + ": " + check + " answered " + status;
        }
    }

    /** The endpoints checked ("METHOD path") and the violations found. */
    public record Report(List<String> checked, List<Violation> violations) {
    }

    public Report run(String tenant, Set<String> publicPrefixes) throws IOException, InterruptedException {
        String ops = identity.mint(Set.of("*"), Set.of("ops"), Duration.ofMinutes(5), "security-check");
        HttpResponse<String> document = http.send(HttpRequest.newBuilder(base.resolve("/q/openapi?format=json"))
                .header("Authorization", "Bearer " + ops).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (document.statusCode() != 200) {
            throw new IllegalStateException("GET /q/openapi with an ops token answered " + document.statusCode());
        }
        List<String> checked = new ArrayList<>();
        List<Violation> violations = new ArrayList<>();
        Violation anonymousOpenApi = anonymous("get", "/q/openapi", "/q/openapi?format=json");
        if (anonymousOpenApi != null) {
            violations.add(anonymousOpenApi);
        }
        Violation anonymousMetrics = anonymous("get", "/q/metrics", "/q/metrics");
        if (anonymousMetrics != null) {
            violations.add(anonymousMetrics);
        }
        String noRole = identity.mint(Set.of(tenant), Set.of(), Duration.ofMinutes(5), "no-role");
        String otherTenant = identity.mint(Set.of("other-" + UUID.randomUUID()), LocalIdentity.ALL_ROLES,
                Duration.ofMinutes(5), "other-tenant");
        JsonNode paths = json.readTree(document.body()).path("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String template = entry.getKey();
            if (publicPrefixes.stream().anyMatch(template::startsWith)) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops2 = entry.getValue().fields(); ops2.hasNext(); ) {
                Map.Entry<String, JsonNode> operation = ops2.next();
                String method = operation.getKey();
                if (!METHODS.contains(method)) {
                    continue;
                }
                String path = fill(template, tenant, operation.getValue());
                checked.add(method.toUpperCase() + " " + template);
                Violation anonymous = anonymous(method, template, path);
                if (anonymous != null) {
                    violations.add(anonymous);
                }
                int weak = send(method, path, noRole);
                if (weak != 403) {
                    violations.add(new Violation(method, template, "a token without a role (403 expected)", weak));
                }
                HttpResponse<String> foreign = exchange(method, path, otherTenant);
                boolean namesTenant = path.contains(tenant);
                boolean refused = foreign.statusCode() == 404 || foreign.statusCode() == 403;
                boolean scopedByToken = !namesTenant && foreign.statusCode() / 100 == 2
                        && !foreign.body().contains(tenant);
                if (!refused && !scopedByToken) {
                    violations.add(new Violation(method, template, namesTenant
                            ? "a token of another tenant (404/403 expected)"
                            : "a token of another tenant (404/403, or 2xx without the tenant's data, expected)",
                            foreign.statusCode()));
                }
            }
        }
        return new Report(checked, violations);
    }

    private Violation anonymous(String method, String template, String path) throws IOException, InterruptedException {
        int status = send(method, path, null);
        return status == 401 ? null : new Violation(method, template, "no token (401 expected)", status);
    }

    private static String fill(String template, String tenant, JsonNode operation) {
        Matcher matcher = PARAMETER.matcher(template);
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            matcher.appendReplacement(path, name.equals("tenant") ? tenant : UUID.randomUUID().toString());
        }
        matcher.appendTail(path);
        StringBuilder query = new StringBuilder();
        for (JsonNode parameter : operation.path("parameters")) {
            if ("query".equals(parameter.path("in").asText()) && parameter.path("required").asBoolean(false)) {
                String name = parameter.path("name").asText();
                query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
                        .append(name.equals("tenant") ? tenant : "x");
            }
        }
        return path + query.toString();
    }

    private int send(String method, String path, String token) throws IOException, InterruptedException {
        return exchange(method, path, token).statusCode();
    }

    private HttpResponse<String> exchange(String method, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpRequest.BodyPublisher body = method.equals("get") || method.equals("delete")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}");
        if (!method.equals("get") && !method.equals("delete")) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method.toUpperCase(), body).build(), HttpResponse.BodyHandlers.ofString());
    }
}
