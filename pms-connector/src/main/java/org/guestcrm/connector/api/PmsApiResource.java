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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.quarkus.narayana.jta.QuarkusTransaction;

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
            @Schema(description = "apaleo: an OAuth access token (Authorization: Bearer), unless clientId and clientSecret are given; Mews: the AccessToken; JSON_POLLING: the bearer token")
            String accessToken,
            @Schema(description = "Mews only: the ClientToken (required for MEWS_WEBHOOK)")
            String clientToken,
            @Schema(description = "Fetches of this feed at once per replica, 1-64 (default connector.webhooks.concurrency-per-feed)")
            Integer maxConcurrency,
            @Schema(description = "JSON_POLLING only: seconds between two polls, 1-86400 (default connector.polling.default-interval)")
            Integer pollIntervalSeconds,
            @Schema(description = "APALEO_WEBHOOK only: OAuth client id (client credentials; the token is asked for, cached until it expires, renewed on a 401)")
            String clientId,
            @Schema(description = "APALEO_WEBHOOK only: OAuth client secret (with clientId)")
            String clientSecret,
            @Schema(description = "APALEO_WEBHOOK only: the identity server's token endpoint (apaleo: https://identity.apaleo.com/connect/token; default {baseUrl}/connect/token)")
            String tokenUrl,
            @Schema(description = "ALPINEBITS_POLLING only (required): the HTTP basic auth user name, at most 200 characters, no ':'")
            String username,
            @Schema(description = "ALPINEBITS_POLLING only (required): the HTTP basic auth password, at most 4096 characters")
            String password,
            @Schema(description = "ALPINEBITS_POLLING only: the X-AlpineBits-ClientProtocolVersion, 2018-10 or 2020-10 (default 2020-10)")
            String protocolVersion) {
    }

    /** The AlpineBits protocol versions the connector speaks (their GuestRequests messages have the same shape). */
    static final List<String> ALPINEBITS_VERSIONS = List.of("2018-10", "2020-10");

    @Schema(name = "PmsApi", description = "A webhook feed's PMS API, without its credentials")
    public record View(String feedId, String deliveryMode, String baseUrl, Integer maxConcurrency,
                       Integer pollIntervalSeconds, boolean accessTokenSet, boolean clientTokenSet, String secretKeyId,
                       Instant updatedAt, boolean oauthClientSet, String tokenUrl, boolean basicAuthSet,
                       String protocolVersion) {
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
    @Inject
    org.guestcrm.connector.messaging.WebhookFetchWorker fetchWorker;

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
                        s.pollIntervalSeconds(), s.hasAccessToken(), s.hasClientToken(), s.secretKeyId(), s.updatedAt(),
                        s.hasOauthClient(), s.tokenUrl(), s.hasBasicAuth(), s.protocolVersion())).build())
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
        if (!feed.kind.takesPmsApiSettings()) {
            return Problems.of(409, "about:blank", "Conflict", "Feed " + feedId + " is a " + feed.kind
                    + " feed; only APALEO_WEBHOOK, MEWS_WEBHOOK, JSON_POLLING, OTA_POLLING, ALPINEBITS_POLLING and"
                    + " OTA_XML (its write-back endpoint) feeds call a PMS API.", uri, List.of());
        }
        List<Problem.InvalidParam> problems = new ArrayList<>();
        URI baseUrl = null;
        if (request == null) {
            problems.add(new Problem.InvalidParam("body", "a PMS API object is required"));
        } else {
            baseUrl = baseUrl(request.baseUrl(), problems);
            boolean oauth = request.clientId() != null || request.clientSecret() != null;
            if (oauth) {
                if (feed.kind != FeedKind.APALEO_WEBHOOK) {
                    problems.add(new Problem.InvalidParam("clientId", "applies to APALEO_WEBHOOK feeds only"));
                } else {
                    if (request.clientId() == null || request.clientId().isBlank() || request.clientId().length() > 200) {
                        problems.add(new Problem.InvalidParam("clientId", "is required with clientSecret (at most 200 characters)"));
                    }
                    if (request.clientSecret() == null || request.clientSecret().isBlank()
                            || request.clientSecret().length() > 4096) {
                        problems.add(new Problem.InvalidParam("clientSecret", "is required with clientId (at most 4096 characters)"));
                    }
                }
            } else if (request.tokenUrl() != null) {
                problems.add(new Problem.InvalidParam("tokenUrl", "applies with clientId and clientSecret only"));
            }
            if (oauth && request.tokenUrl() != null && baseUrl(request.tokenUrl(), new ArrayList<>()) == null) {
                problems.add(new Problem.InvalidParam("tokenUrl", "must be an http(s) URL with a host, without user info or query"));
            }
            boolean alpineBits = feed.kind == FeedKind.ALPINEBITS_POLLING;
            boolean otaBasic = feed.kind == FeedKind.OTA_XML && (request.username() != null || request.password() != null);
            if (otaBasic) {
                if (request.username() == null || request.username().isBlank() || request.username().length() > 200
                        || request.username().contains(":")) {
                    problems.add(new Problem.InvalidParam("username", "is required with password (at most 200"
                            + " characters, no ':')"));
                }
                if (request.password() == null || request.password().isEmpty() || request.password().length() > 4096) {
                    problems.add(new Problem.InvalidParam("password", "is required with username (at most 4096"
                            + " characters)"));
                }
                if (request.accessToken() != null) {
                    problems.add(new Problem.InvalidParam("accessToken", "give either accessToken or username and"
                            + " password"));
                }
                if (request.protocolVersion() != null) {
                    problems.add(new Problem.InvalidParam("protocolVersion", "applies to ALPINEBITS_POLLING feeds only"));
                }
            } else if (alpineBits) {
                if (request.username() == null || request.username().isBlank() || request.username().length() > 200
                        || request.username().contains(":")) {
                    problems.add(new Problem.InvalidParam("username", "is required for an ALPINEBITS_POLLING feed (at most"
                            + " 200 characters, no ':')"));
                }
                if (request.password() == null || request.password().isEmpty() || request.password().length() > 4096) {
                    problems.add(new Problem.InvalidParam("password", "is required for an ALPINEBITS_POLLING feed (at most"
                            + " 4096 characters)"));
                }
                if (request.protocolVersion() != null && !ALPINEBITS_VERSIONS.contains(request.protocolVersion().trim())) {
                    problems.add(new Problem.InvalidParam("protocolVersion", "must be one of " + ALPINEBITS_VERSIONS));
                }
                if (request.accessToken() != null) {
                    problems.add(new Problem.InvalidParam("accessToken", "does not apply to an ALPINEBITS_POLLING feed"
                            + " (it authenticates with username and password)"));
                }
            } else {
                if (request.username() != null) {
                    problems.add(new Problem.InvalidParam("username", "applies to ALPINEBITS_POLLING feeds only"));
                }
                if (request.password() != null) {
                    problems.add(new Problem.InvalidParam("password", "applies to ALPINEBITS_POLLING feeds only"));
                }
                if (request.protocolVersion() != null) {
                    problems.add(new Problem.InvalidParam("protocolVersion", "applies to ALPINEBITS_POLLING feeds only"));
                }
            }
            if (alpineBits || otaBasic) {
                // no bearer token: basic auth above
            } else if ((request.accessToken() == null || request.accessToken().isBlank()) && !oauth) {
                problems.add(new Problem.InvalidParam("accessToken", "is required"
                        + (feed.kind == FeedKind.APALEO_WEBHOOK ? " (or clientId and clientSecret)" : "")));
            } else if (request.accessToken() != null && request.accessToken().length() > 4096) {
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
                    || request.pollIntervalSeconds() > 86400 || !feed.kind.polled())) {
                problems.add(new Problem.InvalidParam("pollIntervalSeconds", !feed.kind.polled()
                        ? "applies to polled feeds only (JSON_POLLING, OTA_POLLING, ALPINEBITS_POLLING)" : "must be 1-86400"));
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
        PmsApiSettings.OauthClient oauth = request.clientId() == null ? null : new PmsApiSettings.OauthClient(
                request.clientId().trim(), request.clientSecret().trim(), request.tokenUrl() != null
                ? URI.create(request.tokenUrl().trim()) : baseUrl.resolve("/connect/token"));
        settings.save(feedId, baseUrl, request.accessToken() == null || request.accessToken().isBlank() ? null
                        : request.accessToken().trim(),
                request.clientToken() == null ? null : request.clientToken().trim(), request.maxConcurrency(),
                request.pollIntervalSeconds(), oauth, feed.kind == FeedKind.ALPINEBITS_POLLING
                        ? new PmsApiSettings.AlpineBits(request.username().trim(), request.password(),
                        request.protocolVersion() == null ? "2020-10" : request.protocolVersion().trim())
                        : request.username() != null ? new PmsApiSettings.AlpineBits(request.username().trim(),
                        request.password(), "") : null);
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

    @Schema(name = "ResyncRequest", description = "Fetch again what a Mews feed changed in a time range (missed webhooks)")
    public record ResyncRequest(
            @Schema(description = "Changes updated at or after this instant (ISO-8601)", required = true) String updatedSince,
            @Schema(description = "... and at or before this one (default now)") String updatedUntil) {
    }

    @Schema(name = "Resync", description = "What a resync listed and recorded for fetching")
    public record Resync(String feedId, int reservations, int customers) {
    }

    @POST
    @Path("/resync")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mews feeds: list the reservations and customers updated in a range (getAll, page by page) and"
            + " fetch each again, as if its webhook had come (a webhook outage caught up)")
    @APIResponse(responseCode = "202", description = "Recorded for fetching; GET webhook-fetches shows the progress")
    @APIResponse(responseCode = "400", description = "problem+json naming updatedSince or updatedUntil")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    @APIResponse(responseCode = "409", description = "Not a MEWS_WEBHOOK feed, or it has no PMS API settings")
    @APIResponse(responseCode = "503", description = "The PMS could not be listed now (retry later)")
    public Response resync(@PathParam("feedId") String feedId, ResyncRequest request, @Context UriInfo uri) {
        FeedEntity feed = QuarkusTransaction.requiringNew().call(() -> feed(feedId));
        if (feed == null) {
            return notFound(feedId, uri);
        }
        if (feed.kind != FeedKind.MEWS_WEBHOOK) {
            return Problems.of(409, "about:blank", "Conflict", "Feed " + feedId + " is a " + feed.kind
                    + " feed; a resync lists a MEWS_WEBHOOK feed's changes.", uri, List.of());
        }
        Instant since = instant(request == null ? null : request.updatedSince(), "updatedSince", true);
        Instant until = instant(request == null ? null : request.updatedUntil(), "updatedUntil", false);
        if (until == null) {
            until = Instant.now();
        }
        if (!since.isBefore(until)) {
            throw new InvalidRequestException("The resync range is empty.",
                    List.of(new Problem.InvalidParam("updatedSince", "must be before updatedUntil")));
        }
        java.util.Optional<org.guestcrm.connector.vendor.PmsApi> api = settings.forFetch(feedId);
        if (api.isEmpty()) {
            return Problems.of(409, "about:blank", "Conflict", "Feed " + feedId + " has no usable PMS API settings.", uri,
                    List.of());
        }
        List<String> reservations;
        List<String> customers;
        try {
            reservations = fetchWorker.client().mewsUpdatedIds(api.get(), true, since, until);
            customers = fetchWorker.client().mewsUpdatedIds(api.get(), false, since, until);
        } catch (org.guestcrm.connector.vendor.FetchFailure failure) {
            return Problems.of(failure.isTransient() ? 503 : 502, "about:blank",
                    failure.isTransient() ? "Service Unavailable" : "Bad Gateway",
                    "The PMS could not be listed: " + failure.getMessage(), uri, List.of());
        }
        List<org.guestcrm.connector.vendor.WebhookNotice> notices = new ArrayList<>();
        reservations.forEach(id -> notices.add(new org.guestcrm.connector.vendor.WebhookNotice(
                org.guestcrm.connector.vendor.WebhookNotice.EntityType.RESERVATION, id, "resync", null)));
        customers.forEach(id -> notices.add(new org.guestcrm.connector.vendor.WebhookNotice(
                org.guestcrm.connector.vendor.WebhookNotice.EntityType.CUSTOMER, id, "resync", null)));
        for (int from = 0; from < notices.size(); from += 1000) {
            fetches.record(feedId, notices.subList(from, Math.min(notices.size(), from + 1000)));
        }
        fetchWorker.wake();
        LOG.infof("Feed %s: resync of %s..%s recorded %d reservation(s) and %d customer(s) for fetching.", feedId, since,
                until, reservations.size(), customers.size());
        return Response.accepted(new Resync(feedId, reservations.size(), customers.size())).build();
    }

    private static Instant instant(String value, String field, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw new InvalidRequestException("The resync range is incomplete.",
                        List.of(new Problem.InvalidParam(field, "is required (an ISO-8601 instant)")));
            }
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value.trim()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidRequestException("The resync range is unreadable.",
                    List.of(new Problem.InvalidParam(field, "is not an ISO-8601 instant with an offset")));
        }
    }

    @GET
    @Path("/poll")
    @Transactional
    @Operation(summary = "Polling state of a polled feed (JSON_POLLING, OTA_POLLING, ALPINEBITS_POLLING): its persisted cursor, last and next poll, failures, rejected changes, AlpineBits acknowledgements pending")
    @APIResponse(responseCode = "404", description = "No such polled feed of the token's tenants")
    public Response poll(@PathParam("feedId") String feedId, @Context UriInfo uri) {
        FeedEntity feed = feed(feedId);
        if (feed == null || !feed.kind.polled()) {
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
