package org.guestcrm.desk.api;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.desk.config.DeskConfig;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Who used the CRM for what, across services: each configured service's audit trail ({@code GET /api/v1/audit},
 * NDJSON, read with the desk's service token) merged into one list, newest first, filtered by service, actor, action
 * and period, and limited to the caller's tenant. A service that cannot be read is listed with its error; the others
 * still answer.
 */
@Path("/api/v1/desk/audit")
@Tag(name = "Usage audit", description = "The audit trails of the CRM's services, merged")
@Blocking
public class UsageAuditResource {

    static final String NDJSON = "application/x-ndjson";
    private static final Logger LOG = Logger.getLogger(UsageAuditResource.class);

    @Inject
    TenantAccess access;
    @Inject
    DeskConfig config;
    @Inject
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One staff action on one service. */
    public record UsageEntry(String service, Instant occurredAt, String actor, String tenant, String roles,
                             String action, String targetId, String sourceAddress, int outcome) {
    }

    /** How reading one service went. */
    public record Source(String service, boolean read, int entries, String error) {
    }

    public record UsageAudit(String tenant, Instant from, Instant to, List<Source> sources, List<UsageEntry> entries) {
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Produces({MediaType.APPLICATION_JSON, NDJSON, KpiResource.CSV})
    @Operation(summary = "Staff actions across the CRM's services, merged (JSON, NDJSON or CSV)",
            description = "Reads GET /api/v1/audit of every service in desk.audit.services with the desk's service "
                    + "token; keeps the entries of the tenant asked for (and only those whose tenants the caller's token "
                    + "admits all), filtered by service, actor (exact), action (part of it, any case) and period "
                    + "[from, to) (default the last 24 hours); newest first. NDJSON with Accept: application/x-ndjson "
                    + "or format=ndjson, CSV with Accept: text/csv or format=csv.")
    @APIResponse(responseCode = "200", description = "The entries and, per service, whether it could be read")
    @APIResponse(responseCode = "400", description = "Invalid parameters, named")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public Response audit(@Parameter(required = true) @QueryParam("tenant") String tenant,
                          @Parameter(description = "service names, comma-separated") @QueryParam("service") String service,
                          @QueryParam("actor") String actor,
                          @Parameter(description = "part of the action, e.g. merge or POST /api/v1/guests") @QueryParam("action") String action,
                          @QueryParam("from") String fromText, @QueryParam("to") String toText,
                          @QueryParam("limit") Integer limit, @QueryParam("format") String format,
                          @Context HttpHeaders headers) {
        TenantParam.require(access, tenant);
        Map<String, URI> services = services();
        Checks checks = new Checks().text(actor, "actor", 200).text(action, "action", 200).text(service, "service", 500);
        Instant to = instant(toText, "to", checks, Instant.now().plusSeconds(1));
        Instant from = instant(fromText, "from", checks, to.minus(Duration.ofDays(1)));
        checks.require(from.isBefore(to), "from", "must be before to");
        int max = limit == null ? 1000 : limit;
        checks.require(max >= 1 && max <= 10_000, "limit", "between 1 and 10000");
        Set<String> wantedServices = new TreeSet<>();
        if (service != null && !service.isBlank()) {
            for (String name : service.split(",")) {
                wantedServices.add(name.trim());
            }
            checks.require(services.keySet().containsAll(wantedServices), "service", "one of " + services.keySet());
        }
        String wanted = format == null || format.isBlank() ? null : format.trim().toLowerCase(Locale.ROOT);
        checks.require(wanted == null || Set.of("json", "ndjson", "csv").contains(wanted), "format", "json, ndjson or csv");
        checks.orRefuse();

        Map<String, CompletableFuture<HttpResponse<String>>> calls = new LinkedHashMap<>();
        services.forEach((name, url) -> {
            if (wantedServices.isEmpty() || wantedServices.contains(name)) {
                calls.put(name, read(url, actor, from, to));
            }
        });
        List<Source> sources = new ArrayList<>();
        List<UsageEntry> entries = new ArrayList<>();
        String actionPart = action == null || action.isBlank() ? null : action.trim().toLowerCase(Locale.ROOT);
        calls.forEach((name, call) -> {
            try {
                HttpResponse<String> answer = call.join();
                if (answer.statusCode() != 200) {
                    sources.add(new Source(name, false, 0, "answered " + answer.statusCode()));
                    return;
                }
                int kept = 0;
                for (String line : answer.body().split("\n")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    UsageEntry entry = entry(name, json.readTree(line));
                    if (admitted(entry, tenant) && (actionPart == null
                            || (entry.action() != null && entry.action().toLowerCase(Locale.ROOT).contains(actionPart)))) {
                        entries.add(entry);
                        kept++;
                    }
                }
                sources.add(new Source(name, true, kept, null));
            } catch (RuntimeException | JsonProcessingException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                LOG.warnf("The audit trail of service %s could not be read: %s", name, cause.getClass().getSimpleName());
                sources.add(new Source(name, false, 0, "not readable: " + cause.getClass().getSimpleName()));
            }
        });
        entries.sort(Comparator.comparing(UsageEntry::occurredAt, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(UsageEntry::service));
        List<UsageEntry> page = entries.size() > max ? entries.subList(0, max) : entries;
        UsageAudit audit = new UsageAudit(tenant, from, to, sources, List.copyOf(page));
        String type = wanted != null ? wanted : byAccept(headers.getAcceptableMediaTypes());
        return switch (type) {
            case "ndjson" -> Response.ok(ndjson(page), NDJSON).build();
            case "csv" -> Response.ok(csv(page), KpiResource.CSV + ";charset=UTF-8")
                    .header("Content-Disposition", "attachment; filename=\"usage-audit.csv\"").build();
            default -> Response.ok(audit, MediaType.APPLICATION_JSON_TYPE).build();
        };
    }

    /** The entry names the tenant asked for, and the caller may see every tenant it names. */
    private boolean admitted(UsageEntry entry, String tenant) {
        if (entry.tenant() == null || entry.tenant().isBlank()) {
            return false;
        }
        boolean names = false;
        for (String t : entry.tenant().split(",")) {
            String one = t.trim();
            if (!access.mayAccess(one) && !one.equals(TenantAccess.ALL)) {
                return false;
            }
            if (one.equals(TenantAccess.ALL) && !access.allTenants()) {
                return false;
            }
            names |= one.equals(tenant);
        }
        return names;
    }

    private CompletableFuture<HttpResponse<String>> read(URI base, String actor, Instant from, Instant to) {
        String query = "from=" + from + "&to=" + to + "&limit=100000"
                + (actor == null || actor.isBlank() ? "" : "&actor=" + URLEncoder.encode(actor.trim(), StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/v1/audit?" + query))
                .timeout(config.audit().timeout()).header("Accept", NDJSON).GET();
        config.audit().serviceToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static UsageEntry entry(String service, JsonNode node) {
        Instant at = null;
        JsonNode occurred = node.get("occurredAt");
        if (occurred != null && !occurred.isNull()) {
            at = occurred.isNumber() ? Instant.ofEpochMilli((long) (occurred.asDouble() * 1000)) : Instant.parse(occurred.asText());
        }
        return new UsageEntry(service, at, text(node, "actor"), text(node, "tenant"), text(node, "roles"),
                text(node, "action"), text(node, "targetId"), text(node, "sourceAddress"),
                node.has("outcome") ? node.get("outcome").asInt() : 0);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** desk.audit.services, name=base-url each. */
    private Map<String, URI> services() {
        Map<String, URI> services = new LinkedHashMap<>();
        for (String item : config.audit().services().orElse(List.of())) {
            int eq = item.indexOf('=');
            if (eq > 0 && eq < item.length() - 1) {
                services.put(item.substring(0, eq).trim(), URI.create(item.substring(eq + 1).trim()));
            }
        }
        return services;
    }

    private String ndjson(List<UsageEntry> entries) {
        StringBuilder out = new StringBuilder();
        for (UsageEntry entry : entries) {
            try {
                out.append(json.writeValueAsString(entry)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    private static String csv(List<UsageEntry> entries) {
        StringBuilder out = new StringBuilder("service,occurredAt,actor,tenant,roles,action,targetId,sourceAddress,outcome\r\n");
        for (UsageEntry e : entries) {
            List<String> cells = List.of(e.service(), e.occurredAt() == null ? "" : e.occurredAt().toString(),
                    nz(e.actor()), nz(e.tenant()), nz(e.roles()), nz(e.action()), nz(e.targetId()), nz(e.sourceAddress()),
                    Integer.toString(e.outcome()));
            out.append(String.join(",", cells.stream().map(KpiCsv::cell).toList())).append("\r\n");
        }
        return out.toString();
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }

    private static String byAccept(List<MediaType> acceptable) {
        for (MediaType type : acceptable) {
            if (type.isWildcardType() || type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return "json";
            }
            if (type.getType().equals("application") && type.getSubtype().equals("x-ndjson")) {
                return "ndjson";
            }
            if (type.getType().equals("text") && type.getSubtype().equals("csv")) {
                return "csv";
            }
        }
        return "json";
    }

    private static Instant instant(String text, String field, Checks checks, Instant fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            checks.require(false, field, "an ISO-8601 instant such as 2026-12-01T00:00:00Z");
            return fallback;
        }
    }
}
