package org.guestcrm.ops.api;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.guestcrm.ops.config.OpsConfig;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.TenantAccess;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Calls from the console's desks (dead letters, feed replays) to a watched service, <em>with the caller's own
 * token</em>: the service checks the caller's roles and tenants and records the caller as the actor; its answer (status
 * and problem body) is passed through as it is. Only configured services ({@code ops.services}) are reachable, and only
 * by a caller whose token spans every tenant (the console shows every tenant's topics and feeds).
 */
@ApplicationScoped
public class ServiceCalls {

    private static final Logger LOG = Logger.getLogger(ServiceCalls.class);
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    OpsConfig config;
    @Inject
    TenantAccess access;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    HttpClient http() {
        return http;
    }

    /** The base URL of a watched service; 403 for a token without every tenant, 404 for a service not watched. */
    String base(String service) {
        everyTenant();
        String base = config.serviceUrls().get(service);
        if (base == null) {
            throw new NotFoundException("No such service is watched here");
        }
        return base;
    }

    void everyTenant() {
        if (!access.allTenants()) {
            throw new io.quarkus.security.ForbiddenException("The console spans every tenant: a token for tenant * is needed");
        }
    }

    static InvalidRequestException invalid(String name, String reason) {
        return new InvalidRequestException("Invalid " + name, List.of(new Problem.InvalidParam(name, reason)));
    }

    static HttpRequest.BodyPublisher body(JsonNode body) {
        try {
            return HttpRequest.BodyPublishers.ofString(body == null ? "{}" : JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    static HttpRequest.Builder request(String url, String authorization, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Accept", MediaType.APPLICATION_JSON);
        if (authorization != null) {
            builder.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return builder;
    }

    static HttpRequest.Builder request(String url, String authorization) {
        return request(url, authorization, Duration.ofSeconds(30));
    }

    /** Sends the request and answers what the service answered; 502 with a problem body when it did not answer. */
    Response forward(String service, HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse(MediaType.APPLICATION_JSON);
            return Response.status(response.statusCode()).type(type).entity(response.body()).build();
        } catch (IOException e) {
            LOG.warnf("Call to %s failed: %s", service, e.getClass().getSimpleName());
            return unreachable(service);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(service);
        }
    }

    private static Response unreachable(String service) {
        return Response.status(502).type(Problem.MEDIA_TYPE).entity(new Problem("about:blank",
                "Service not reachable", 502, "The service " + service + " did not answer; try again", null,
                new ArrayList<>())).build();
    }
}
