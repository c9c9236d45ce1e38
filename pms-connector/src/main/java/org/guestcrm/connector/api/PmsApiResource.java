package org.guestcrm.connector.api;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.connector.persistence.FeedPolls;
import org.guestcrm.connector.persistence.FeedProvisioning;
import org.guestcrm.connector.persistence.PmsApiSettings;
import org.guestcrm.connector.persistence.WebhookFetches;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.api.Problems;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.jboss.logging.Logger;

/**
 * The PMS API a webhook feed (APALEO_WEBHOOK, MEWS_WEBHOOK) fetches from, and the state of its fetches. Role
 * {@code admin} of the feed's tenant; another tenant's feed is 404 like a missing one. Credentials are write-only:
 * stored encrypted, never shown again.
 */
@Path("/api/v1/feeds/{feedId}")
@Tag(name = "Feeds")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class PmsApiResource {

    private static final Logger LOG = Logger.getLogger(PmsApiResource.class);

    @Schema(name = "PmsApiRequest", description = "Where a webhook feed fetches the state a webhook names")
    public record Request(
            @Schema(description = "Base URL of the vendor API (apaleo: https://api.apaleo.com; Mews: https://api.mews.com)", required = true)
            String baseUrl,
            @Schema(description = "apaleo: the OAuth access token (Authorization: Bearer); Mews: the AccessToken", required = true)
            String accessToken,
            @Schema(description = "Mews only: the ClientToken (required for MEWS_WEBHOOK)")
            String clientToken,
            @Schema(description = "Fetches of this feed at once per replica, 1-64 (default connector.webhooks.concurrency-per-feed)")
            Integer maxConcurrency,
            @Schema(description = "JSON_POLLING only: seconds between two polls, 1-86400 (default connector.polling.default-interval)")
            Integer pollIntervalSeconds) {
    }

    @Schema(name = "PmsApi", description = "A webhook feed's PMS API, without its credentials")
    public record View(String feedId, String deliveryMode, String baseUrl, Integer maxConcurrency,
                       Integer pollIntervalSeconds, boolean accessTokenSet, boolean clientTokenSet, String secretKeyId,
                       Instant updatedAt) {
    }

    @Schema(name = "WebhookFetches", description = "What the feed's webhooks named and how fetching it went")
    public record Fetches(String feedId, long pending, long fetched, long failed, Instant oldestPendingSince,
                          List<WebhookFetches.Trouble> troubles) {
    }

    @Inject
    TenantAccess access;
    @Inject
    PmsApiSettings settings;
    @Inject
    WebhookFetches fetches;
    @Inject
    FeedProvisioning provisioning;
    @Inject
    FeedPolls polls;

    @GET
    @Path("/pms-api")
    @Transactional
    @Operation(summary = "The PMS API a webhook feed fetches from (never its credentials)")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants, or no settings yet")
    public Response get(@PathParam("feedId") String feedId, @Context UriInfo uri) {
        FeedEntity feed = feed(feedId);
        if (feed == null) {
            return notFound(feedId, uri);
        }
        return settings.summary(feedId)
                .map(s -> Response.ok(new View(feedId, feed.kind.name(), s.baseUrl().toString(), s.maxConcurrency(),
                        s.pollIntervalSeconds(), s.hasAccessToken(), s.hasClientToken(), s.secretKeyId(), s.updatedAt())).build())
                .orElseGet(() -> Problems.of(404, "about:blank", "Not Found", "Feed " + feedId
                        + " has no PMS API settings yet (PUT them).", uri, List.of()));
    }

    @PUT
    @Path("/pms-api")
    @Transactional
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the PMS API of a webhook feed: base URL, credentials (stored encrypted), concurrency")
    @APIResponse(responseCode = "200", description = "Stored")
    @APIResponse(responseCode = "400", description = "problem+json naming the invalid fields (never their values)")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    @APIResponse(responseCode = "409", description = "Not a webhook feed, or no encryption key is configured")
    public Response put(@PathParam("feedId") String feedId, Request request, @Context UriInfo uri) {
        FeedEntity feed = feed(feedId);
        if (feed == null) {
            return notFound(feedId, uri);
        }
        if (!feed.kind.usesPmsApi()) {
            return Problems.of(409, "about:blank", "Conflict", "Feed " + feedId + " is a " + feed.kind
                    + " feed; only APALEO_WEBHOOK, MEWS_WEBHOOK and JSON_POLLING feeds call a PMS API.", uri, List.of());
        }
        List<Problem.InvalidParam> problems = new ArrayList<>();
        URI baseUrl = null;
        if (request == null) {
            problems.add(new Problem.InvalidParam("body", "a PMS API object is required"));
        } else {
            baseUrl = baseUrl(request.baseUrl(), problems);
            if (request.accessToken() == null || request.accessToken().isBlank()) {
                problems.add(new Problem.InvalidParam("accessToken", "is required"));
            } else if (request.accessToken().length() > 4096) {
                problems.add(new Problem.InvalidParam("accessToken", "must be at most 4096 characters"));
            }
            if (feed.kind == FeedKind.MEWS_WEBHOOK && (request.clientToken() == null || request.clientToken().isBlank())) {
                problems.add(new Problem.InvalidParam("clientToken", "is required for a MEWS_WEBHOOK feed"));
            } else if (request.clientToken() != null && request.clientToken().length() > 4096) {
                problems.add(new Problem.InvalidParam("clientToken", "must be at most 4096 characters"));
            }
            if (request.maxConcurrency() != null && (request.maxConcurrency() < 1 || request.maxConcurrency() > 64)) {
                problems.add(new Problem.InvalidParam("maxConcurrency", "must be 1-64"));
            }
            if (request.pollIntervalSeconds() != null && (request.pollIntervalSeconds() < 1
                    || request.pollIntervalSeconds() > 86400 || feed.kind != FeedKind.JSON_POLLING)) {
                problems.add(new Problem.InvalidParam("pollIntervalSeconds", feed.kind != FeedKind.JSON_POLLING
                        ? "applies to JSON_POLLING feeds only" : "must be 1-86400"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("The PMS API settings have invalid fields.", problems);
        }
        try {
            provisioning.cipher();
        } catch (FeedProvisioning.CredentialRefused refused) {
            return Problems.of(409, "about:blank", "Conflict", refused.getMessage(), uri, List.of());
        }
        settings.save(feedId, baseUrl, request.accessToken().trim(),
                request.clientToken() == null ? null : request.clientToken().trim(), request.maxConcurrency(),
                request.pollIntervalSeconds());
        LOG.infof("PMS API of feed %s set (base URL host %s).", feedId, baseUrl.getHost());
        return get(feedId, uri);
    }

    @GET
    @Path("/webhook-fetches")
    @Transactional
    @Operation(summary = "Fetch state of a webhook feed: pending, fetched, failed (with reasons), retrying")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public Response fetches(@PathParam("feedId") String feedId, @Context UriInfo uri) {
        FeedEntity feed = feed(feedId);
        if (feed == null) {
            return notFound(feedId, uri);
        }
        WebhookFetches.Status status = fetches.status(feedId);
        return Response.ok(new Fetches(feedId, status.pending(), status.fetched(), status.failed(),
                status.oldestPendingSince(), status.troubles())).build();
    }

    @GET
    @Path("/poll")
    @Transactional
    @Operation(summary = "Polling state of a JSON_POLLING feed: its persisted cursor, last and next poll, failures, rejected changes")
    @APIResponse(responseCode = "404", description = "No such polled feed of the token's tenants")
    public Response poll(@PathParam("feedId") String feedId, @Context UriInfo uri) {
        FeedEntity feed = feed(feedId);
        if (feed == null || feed.kind != FeedKind.JSON_POLLING) {
            return notFound(feedId, uri);
        }
        return Response.ok(polls.status(feedId)).build();
    }

    private static URI baseUrl(String value, List<Problem.InvalidParam> problems) {
        if (value == null || value.isBlank()) {
            problems.add(new Problem.InvalidParam("baseUrl", "is required"));
            return null;
        }
        try {
            URI uri = URI.create(value.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getUserInfo() != null
                    || uri.getQuery() != null || value.length() > 2048) {
                problems.add(new Problem.InvalidParam("baseUrl", "must be an http(s) URL with a host, without user info or query"));
                return null;
            }
            return uri;
        } catch (IllegalArgumentException e) {
            problems.add(new Problem.InvalidParam("baseUrl", "is not a URL"));
            return null;
        }
    }

    private FeedEntity feed(String feedId) {
        FeedEntity feed = FeedEntity.findById(feedId);
        if (feed == null || feed.deletedAt != null) {
            return null;
        }
        return access.mayAccess(feed.tenantId) ? feed : null;
    }

    private static Response notFound(String feedId, UriInfo uri) {
        return Problems.of(404, "about:blank", "Not Found", "No feed " + feedId + ".", uri, List.of());
    }
}
