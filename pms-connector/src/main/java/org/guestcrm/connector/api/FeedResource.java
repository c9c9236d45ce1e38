package org.guestcrm.connector.api;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.connector.persistence.FeedCredentialEntity;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.connector.persistence.FeedProvisioning;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.api.Problems;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Feed administration for a tenant's {@code admin}: feeds, pause/resume, credentials. The tenant comes from the
 * token: a feed of a tenant the token does not admit answers 404 exactly like a missing one, and the {@code tenant}
 * named on the collection is checked the same way. A deleted feed keeps its row (its id is the pmsSystem of the
 * events it produced, so it is never reused) and answers 404.
 */
@Path("/api/v1/feeds")
@Tag(name = "Feeds")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class FeedResource {

    private static final Logger LOG = Logger.getLogger(FeedResource.class);
    private static final TypeReference<List<FeedDefinition.Hotel>> HOTELS = new TypeReference<>() {
    };

    /** A feed that does not exist, was deleted, or belongs to a tenant the token does not admit. */
    static final class FeedNotFound extends RuntimeException {
        FeedNotFound(String message) {
            super(message, null, false, false);
        }
    }

    /** The request conflicts with the feed's state (an id already taken, two valid credentials). */
    static final class FeedConflict extends RuntimeException {
        FeedConflict(String message) {
            super(message, null, false, false);
        }
    }

    @Schema(name = "CredentialRequest")
    public record CredentialRequest(
            @Schema(description = "BEARER (Authorization: Bearer <token>) or HMAC_SHA256 (X-Signature over X-Signature-Timestamp.body)", required = true)
            String kind,
            @Schema(description = "ISO 8601 instant after which the credential is refused; none = until revoked")
            String expiresAt) {
    }

    @Schema(name = "Credential", description = "A feed credential; secret is present only in the answer that issued it")
    public record CredentialView(String credentialId, String kind, Instant createdAt, Instant expiresAt,
                                 Instant revokedAt, String secret) {
    }

    @Inject
    TenantAccess access;
    @Inject
    FeedProvisioning provisioning;
    @Inject
    ObjectMapper json;

    @Inject
    org.guestcrm.connector.config.ConnectorConfig config;

    @Inject
    org.guestcrm.connector.persistence.FeedDirectory directory;

    @POST
    @Transactional
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a feed of the tenant")
    @APIResponse(responseCode = "201", description = "Created; Location names it")
    @APIResponse(responseCode = "400", description = "problem+json naming the invalid fields")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    @APIResponse(responseCode = "409", description = "The feed id is taken")
    public Response create(@Parameter(in = ParameterIn.QUERY, required = true, description = "The tenant of the feed")
                           @QueryParam("tenant") String tenant, FeedDefinition.Request request) {
        String admitted = admittedTenant(tenant);
        List<Problem.InvalidParam> problems = new ArrayList<>();
        FeedDefinition.Valid valid = FeedDefinition.check(request, null, problems);
        if (valid == null) {
            throw new InvalidRequestException("The feed has invalid fields.", problems);
        }
        if (FeedEntity.findById(valid.feedId()) != null) {
            throw new FeedConflict("Feed id " + valid.feedId() + " is taken (ids are never reused, even after a delete).");
        }
        directory.changed();
        FeedEntity feed = new FeedEntity();
        feed.feedId = valid.feedId();
        feed.tenantId = admitted;
        feed.createdAt = Instant.now();
        apply(feed, valid);
        feed.persist();
        LOG.infof("Feed %s (%s) of tenant %s created.", feed.feedId, feed.kind, admitted);
        return Response.created(URI.create("/api/v1/feeds/" + feed.feedId)).entity(view(feed)).build();
    }

    @GET
    @Transactional
    @Operation(summary = "The tenant's feeds")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public List<FeedDefinition.View> list(@Parameter(in = ParameterIn.QUERY, required = true, description = "The tenant")
                                          @QueryParam("tenant") String tenant) {
        String admitted = admittedTenant(tenant);
        return FeedEntity.<FeedEntity>list("tenantId = ?1 and deletedAt is null order by feedId", admitted).stream()
                .map(this::view).toList();
    }

    @GET
    @Path("/{feedId}")
    @Transactional
    @Operation(summary = "One feed")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public FeedDefinition.View get(@PathParam("feedId") String feedId) {
        return view(feed(feedId, false));
    }

    @PUT
    @Path("/{feedId}")
    @Transactional
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a feed's settings (its id and tenant never change)")
    @APIResponse(responseCode = "400", description = "problem+json naming the invalid fields")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public FeedDefinition.View replace(@PathParam("feedId") String feedId, FeedDefinition.Request request) {
        FeedEntity feed = feed(feedId, true);
        List<Problem.InvalidParam> problems = new ArrayList<>();
        FeedDefinition.Valid valid = FeedDefinition.check(request, feedId, problems);
        if (valid == null) {
            throw new InvalidRequestException("The feed has invalid fields.", problems);
        }
        apply(feed, valid);
        LOG.infof("Feed %s of tenant %s replaced.", feed.feedId, feed.tenantId);
        return view(feed);
    }

    @DELETE
    @Path("/{feedId}")
    @Transactional
    @Operation(summary = "Delete a feed: it answers 404 from now on, its credentials are revoked, its id is never reused")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public Response delete(@PathParam("feedId") String feedId) {
        FeedEntity feed = feed(feedId, true);
        Instant now = Instant.now();
        feed.deletedAt = now;
        feed.enabled = false;
        feed.updatedAt = now;
        FeedCredentialEntity.update("revokedAt = ?1 where feedId = ?2 and revokedAt is null", now, feedId);
        LOG.infof("Feed %s of tenant %s deleted; its credentials are revoked.", feed.feedId, feed.tenantId);
        return Response.noContent().build();
    }

    @POST
    @Path("/{feedId}/pause")
    @Transactional
    @Operation(summary = "Pause a feed: its pushes answer 503 with Retry-After (a PMS retries them) until it is resumed")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public FeedDefinition.View pause(@PathParam("feedId") String feedId) {
        return setActive(feedId, false);
    }

    @POST
    @Path("/{feedId}/resume")
    @Transactional
    @Operation(summary = "Resume a paused feed")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public FeedDefinition.View resume(@PathParam("feedId") String feedId) {
        return setActive(feedId, true);
    }

    @GET
    @Path("/{feedId}/credentials")
    @Transactional
    @Operation(summary = "The feed's credentials (never their tokens or secrets)")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public List<CredentialView> credentials(@PathParam("feedId") String feedId) {
        feed(feedId, false);
        return FeedCredentialEntity.<FeedCredentialEntity>list("feedId = ?1 order by createdAt", feedId).stream()
                .map(c -> new CredentialView(c.credentialId, c.kind, c.createdAt, c.expiresAt, c.revokedAt, null))
                .toList();
    }

    @POST
    @Path("/{feedId}/credentials")
    @Transactional
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a credential; its token or secret is in this answer only (stored hashed or encrypted)",
            description = "A feed holds at most two valid credentials, so a PMS rotates: issue the new one, switch, revoke the old one.")
    @APIResponse(responseCode = "201", description = "Issued; secret shown once")
    @APIResponse(responseCode = "400", description = "problem+json naming the invalid field")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    @APIResponse(responseCode = "409", description = "The feed already has two valid credentials, or HMAC needs an encryption key")
    public Response issue(@PathParam("feedId") String feedId, CredentialRequest request) {
        feed(feedId, false);
        String kind = request == null || request.kind() == null ? null : request.kind().trim();
        Instant expiresAt = null;
        List<Problem.InvalidParam> problems = new ArrayList<>();
        if (!FeedCredentialEntity.BEARER.equals(kind) && !FeedCredentialEntity.HMAC_SHA256.equals(kind)) {
            problems.add(new Problem.InvalidParam("kind", "must be BEARER or HMAC_SHA256"));
        }
        if (request != null && request.expiresAt() != null) {
            try {
                expiresAt = OffsetDateTime.parse(request.expiresAt()).toInstant();
                if (!expiresAt.isAfter(Instant.now())) {
                    problems.add(new Problem.InvalidParam("expiresAt", "must be in the future"));
                }
            } catch (DateTimeParseException e) {
                problems.add(new Problem.InvalidParam("expiresAt", "must be an ISO 8601 date-time with offset"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("The credential request has invalid fields.", problems);
        }
        FeedProvisioning.Issued issued;
        try {
            issued = FeedCredentialEntity.BEARER.equals(kind) ? provisioning.issueBearerToken(feedId, expiresAt)
                    : provisioning.issueHmacSecret(feedId, expiresAt);
        } catch (FeedProvisioning.CredentialRefused refused) {
            throw new FeedConflict(refused.getMessage());
        }
        FeedCredentialEntity credential = FeedCredentialEntity.findById(issued.credentialId());
        return Response.created(URI.create("/api/v1/feeds/" + feedId + "/credentials/" + issued.credentialId()))
                .entity(new CredentialView(credential.credentialId, credential.kind, credential.createdAt,
                        credential.expiresAt, null, issued.secret()))
                .build();
    }

    @DELETE
    @Path("/{feedId}/credentials/{credentialId}")
    @Transactional
    @Operation(summary = "Revoke a credential at once")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "No such credential of a feed of the token's tenants")
    public Response revoke(@PathParam("feedId") String feedId, @PathParam("credentialId") String credentialId) {
        feed(feedId, false);
        FeedCredentialEntity credential = FeedCredentialEntity.findById(credentialId);
        if (credential == null || !credential.feedId.equals(feedId)) {
            throw new FeedNotFound("Feed " + feedId + " has no credential " + credentialId + ".");
        }
        provisioning.revoke(credentialId);
        return Response.noContent().build();
    }

    @ServerExceptionMapper
    public Response notFound(FeedNotFound e, UriInfo uri) {
        return Problems.of(404, "about:blank", "Not Found", e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response conflict(FeedConflict e, UriInfo uri) {
        return Problems.of(409, "about:blank", "Conflict", e.getMessage(), uri, List.of());
    }

    private FeedDefinition.View setActive(String feedId, boolean active) {
        FeedEntity feed = feed(feedId, true);
        if (feed.enabled != active) {
            feed.enabled = active;
            feed.updatedAt = Instant.now();
            LOG.infof("Feed %s of tenant %s %s.", feed.feedId, feed.tenantId, active ? "resumed" : "paused");
        }
        return view(feed);
    }

    private String admittedTenant(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("The tenant is required.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        return access.require(tenant.trim(), () -> new FeedNotFound("No such tenant."));
    }

    /** The feed, when it exists, is not deleted and its tenant is admitted by the token; else 404 (the same answer). */
    private FeedEntity feed(String feedId, boolean forUpdate) {
        if (forUpdate) {
            directory.changed();                 // every change of a feed takes it for update
        }
        FeedEntity feed = forUpdate ? FeedEntity.findById(feedId, LockModeType.PESSIMISTIC_WRITE) : FeedEntity.findById(feedId);
        FeedNotFound notFound = new FeedNotFound("No feed " + feedId + ".");
        if (feed == null || feed.deletedAt != null) {
            throw notFound;
        }
        access.require(feed.tenantId, () -> notFound);
        return feed;
    }

    private void apply(FeedEntity feed, FeedDefinition.Valid valid) {
        feed.kind = valid.kind();
        feed.pmsType = valid.pmsType();
        feed.pmsSystem = valid.description() != null ? valid.description()
                : (valid.pmsType() != null ? valid.pmsType() : valid.kind().name()) + " feed";
        feed.defaultCurrency = valid.defaultCurrency();
        feed.enabled = valid.active();
        feed.archiveRetentionDays = valid.archiveRetentionDays();
        feed.updatedAt = Instant.now();
        try {
            feed.hotels = json.writeValueAsString(valid.hotels());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("hotels could not be written", e);
        }
    }

    private FeedDefinition.View view(FeedEntity feed) {
        List<FeedDefinition.Hotel> hotels;
        try {
            hotels = json.readValue(feed.hotels == null ? "[]" : feed.hotels, HOTELS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("hotels of feed " + feed.feedId + " are unreadable", e);
        }
        String push = feed.kind.pushPath(feed.feedId);
        return new FeedDefinition.View(feed.feedId, feed.tenantId, feed.kind.name(), feed.pmsType, feed.pmsSystem,
                feed.defaultCurrency, hotels, feed.enabled ? "ACTIVE" : "PAUSED", push, feed.createdAt,
                feed.updatedAt == null ? feed.createdAt : feed.updatedAt, feed.archiveRetentionDays != null
                ? new FeedDefinition.Retention(feed.archiveRetentionDays, "FEED")
                : new FeedDefinition.Retention(config.retention().archive().toDays(), "DEFAULT"));
    }
}
