package org.guestcrm.ops.api;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.ops.config.OpsConfig;
import org.guestcrm.platform.security.Roles;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The dead letters of every watched service, from one place, for the ops page's buttons. The console keeps no dead
 * letter and decides nothing: each call is forwarded to the service that owns the topic
 * ({@code /api/v1/ops/dead-letters...} of service-platform's {@code DeadLetterResource}) <em>with the caller's own
 * token</em>, so the service checks the caller's roles and tenants, masks values unless the caller is {@code admin},
 * and writes the caller (not the console) into its audit trail and into {@code crm.dead-letter-actions}. The service's
 * answer is passed through as it is (status, problem body). Only configured services are reachable
 * ({@code ops.services}); path segments are checked before anything is forwarded. Like the overview, it needs role
 * {@code ops} with every tenant.
 */
@Path("/api/v1/ops")
@Tag(name = "Operations")
@Blocking
public class DeadLetterDesk {

    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern STATE = Pattern.compile("(?i)PENDING|REPLAYED|DISCARDED");

    @Inject
    OpsConfig config;
    @Inject
    ServiceCalls calls;

    /** Which watched service owns which dead-letter topic, and how many letters wait there; per service its error. */
    public record Owners(Map<String, String> owners, Map<String, Integer> pending, Map<String, String> errors) {
    }

    @GET
    @Path("/dead-letter-owners")
    @RolesAllowed(Roles.OPS)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every watched service's dead-letter topics (asked with the caller's token): topic to service, pending letters the caller may see, and the services that did not answer")
    public Owners owners(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        calls.everyTenant();
        Map<String, String> urls = config.serviceUrls();
        Map<String, CompletableFuture<HttpResponse<String>>> answers = new TreeMap<>();
        urls.forEach((name, url) -> answers.put(name, calls.http().sendAsync(
                ServiceCalls.request(url + "/api/v1/ops/dead-letters", authorization).GET().build(),
                HttpResponse.BodyHandlers.ofString())));
        Map<String, String> owners = new TreeMap<>();
        Map<String, Integer> pending = new TreeMap<>();
        Map<String, String> errors = new TreeMap<>();
        answers.forEach((name, call) -> {
            try {
                HttpResponse<String> response = call.join();
                if (response.statusCode() != 200) {
                    errors.put(name, "HTTP " + response.statusCode());
                    return;
                }
                JsonNode topics = ServiceCalls.JSON.readTree(response.body());
                topics.fields().forEachRemaining(entry -> {
                    owners.put(entry.getKey(), name);
                    pending.put(entry.getKey(), entry.getValue().asInt());
                });
            } catch (RuntimeException | IOException e) {
                errors.put(name, "not reachable");
            }
        });
        return new Owners(owners, pending, errors);
    }

    @GET
    @Path("/services/{service}/dead-letters/{topic}")
    @RolesAllowed(Roles.OPS)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The dead letters of one topic of one service (forwarded with the caller's token): reason, origin, time, state")
    public Response list(@PathParam("service") String service, @PathParam("topic") String topic,
            @QueryParam("state") String state, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String base = base(service);
        checkTopic(topic);
        if (state != null && !STATE.matcher(state).matches()) {
            throw ServiceCalls.invalid("state", "one of PENDING, REPLAYED, DISCARDED");
        }
        String query = "?limit=1000" + (state == null ? "" : "&state=" + state);
        return forward(service, ServiceCalls.request(base + "/api/v1/ops/dead-letters/" + ServiceCalls.encode(topic) + query, authorization)
                .GET().build());
    }

    @GET
    @Path("/services/{service}/dead-letters/{topic}/{partition}/{offset}")
    @RolesAllowed(Roles.OPS)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One dead letter in full (forwarded): headers and value, masked unless the caller holds admin")
    public Response show(@PathParam("service") String service, @PathParam("topic") String topic,
            @PathParam("partition") String partition, @PathParam("offset") String offset,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String base = base(service);
        checkTopic(topic);
        return forward(service, ServiceCalls.request(base + "/api/v1/ops/dead-letters/" + ServiceCalls.encode(topic) + "/"
                + number("partition", partition) + "/" + number("offset", offset), authorization).GET().build());
    }

    @POST
    @Path("/services/{service}/dead-letters/{topic}/{partition}/{offset}/discard")
    @RolesAllowed(Roles.OPS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Discard one dead letter with a note (forwarded; the service records who and why)")
    public Response discard(@PathParam("service") String service, @PathParam("topic") String topic,
            @PathParam("partition") String partition, @PathParam("offset") String offset, JsonNode body,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String base = base(service);
        checkTopic(topic);
        return forward(service, ServiceCalls.request(base + "/api/v1/ops/dead-letters/" + ServiceCalls.encode(topic) + "/"
                + number("partition", partition) + "/" + number("offset", offset) + "/discard", authorization)
                .header("Content-Type", MediaType.APPLICATION_JSON).POST(ServiceCalls.body(body)).build());
    }

    @POST
    @Path("/services/{service}/dead-letters/{topic}/replay")
    @RolesAllowed(Roles.OPS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replay a selection of dead letters, or every pending one, to the topic they came from (forwarded)")
    public Response replay(@PathParam("service") String service, @PathParam("topic") String topic, JsonNode body,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String base = base(service);
        checkTopic(topic);
        return forward(service, ServiceCalls.request(base + "/api/v1/ops/dead-letters/" + ServiceCalls.encode(topic) + "/replay", authorization)
                .header("Content-Type", MediaType.APPLICATION_JSON).POST(ServiceCalls.body(body)).build());
    }

    private String base(String service) {
        return calls.base(service);
    }

    private static void checkTopic(String topic) {
        if (!TOPIC.matcher(topic).matches() || !topic.endsWith(".dlq")) {
            throw ServiceCalls.invalid("topic", "a dead-letter topic name (letters, digits, . _ -, ending in .dlq)");
        }
    }

    private static long number(String name, String value) {
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0 && (!name.equals("partition") || parsed <= Integer.MAX_VALUE)) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ServiceCalls.invalid(name, "a whole number, 0 or more");
    }

    private Response forward(String service, HttpRequest request) {
        return calls.forward(service, request);
    }
}
