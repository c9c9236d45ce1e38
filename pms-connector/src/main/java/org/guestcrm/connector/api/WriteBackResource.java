package org.guestcrm.connector.api;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.connector.messaging.WriteBackWorker;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.connector.vendor.PmsWriteClient;
import org.jboss.logging.Logger;
import org.guestcrm.connector.persistence.WriteBackJobs;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.api.Problems;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

/**
 * The write-back jobs of a feed (crm.contact-updates written to its PMS): counts and the newest jobs with their state,
 * attempts and reasons. Roles {@code admin} and {@code ops}, for feeds of the token's tenants (another tenant's feed is
 * 404 like a missing one). Shows ids and field names, never the contact values written.
 */
@Path("/api/v1/feeds/{feedId}/write-backs")
@Tag(name = "Feeds")
@RolesAllowed({Roles.ADMIN, Roles.OPS})
@Produces(MediaType.APPLICATION_JSON)
public class WriteBackResource {

    private static final Set<String> STATES = Set.of("PENDING", "DONE", "FAILED");

    @Schema(name = "WriteBacks", description = "A feed's write-back jobs: counts and the newest jobs (no contact values)")
    public record View(String feedId, long pending, long done, long failed, Instant oldestPendingSince,
                       List<WriteBackJobs.JobView> jobs) {
    }

    @Inject
    TenantAccess access;
    @Inject
    WriteBackJobs jobs;
    @Inject
    WriteBackWorker worker;

    private static final Logger LOG = Logger.getLogger(WriteBackResource.class);

    @POST
    @Path("/{jobId}/retry")
    @Transactional
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Retry a FAILED write-back job: back to PENDING, due now, attempts reset (who and when is kept)")
    @APIResponse(responseCode = "200", description = "The job, PENDING again")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants, or no such job of the feed")
    @APIResponse(responseCode = "409", description = "The job is not FAILED, a later write-back of the same profile is"
            + " already DONE (the older data would overwrite it), or the feed takes no write-back")
    public Response retry(@PathParam("feedId") String feedId, @PathParam("jobId") String jobId, @Context UriInfo uri) {
        FeedEntity feed = FeedEntity.findById(feedId);
        if (feed == null || feed.deletedAt != null || !access.mayAccess(feed.tenantId)) {
            return Problems.of(404, "about:blank", "Not Found", "No feed " + feedId + ".", uri, List.of());
        }
        java.util.UUID eventId;
        try {
            eventId = java.util.UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            return Problems.of(404, "about:blank", "Not Found", "No write-back job " + jobId + " on feed " + feedId + ".",
                    uri, List.of());
        }
        if (!PmsWriteClient.writesTo(feed.kind)) {
            return Problems.of(409, "about:blank", "Conflict", "Feed " + feedId + " is a " + feed.kind
                    + " feed, which takes no write-back: a retry would fail the same way.", uri, List.of());
        }
        WriteBackJobs.Retry outcome = jobs.retry(feedId, eventId, access.actor() == null ? "unknown" : access.actor());
        switch (outcome) {
            case NOT_FOUND -> {
                return Problems.of(404, "about:blank", "Not Found", "No write-back job " + jobId + " on feed " + feedId
                        + ".", uri, List.of());
            }
            case NOT_FAILED -> {
                return Problems.of(409, "about:blank", "Conflict", "Write-back job " + jobId
                        + " is not FAILED; only a failed job is retried.", uri, List.of());
            }
            case SUPERSEDED -> {
                return Problems.of(409, "about:blank", "Conflict", "A later write-back of the same profile is already"
                        + " done; retrying job " + jobId + " would overwrite it with older data.", uri, List.of());
            }
            default -> {
            }
        }
        LOG.infof("Feed %s: write-back %s retried by %s (back to PENDING, attempts reset).", feedId, eventId,
                access.actor());
        worker.wake();
        return Response.ok(jobs.job(feedId, eventId).orElseThrow()).build();
    }

    @GET
    @Transactional
    @Operation(summary = "Write-back jobs of a feed: pending, done, failed (with reasons), retrying")
    @APIResponse(responseCode = "200", description = "Counts and the newest jobs, newest first")
    @APIResponse(responseCode = "400", description = "problem+json naming state or limit")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public Response list(@PathParam("feedId") String feedId, @QueryParam("state") String state,
                         @QueryParam("limit") @DefaultValue("50") int limit, @Context UriInfo uri) {
        FeedEntity feed = FeedEntity.findById(feedId);
        if (feed == null || feed.deletedAt != null || !access.mayAccess(feed.tenantId)) {
            return Problems.of(404, "about:blank", "Not Found", "No feed " + feedId + ".", uri, List.of());
        }
        String wanted = state == null || state.isBlank() ? null : state.trim().toUpperCase(Locale.ROOT);
        if (wanted != null && !STATES.contains(wanted)) {
            throw new InvalidRequestException("The query has invalid parameters.",
                    List.of(new Problem.InvalidParam("state", "must be PENDING, DONE or FAILED")));
        }
        if (limit < 1 || limit > 500) {
            throw new InvalidRequestException("The query has invalid parameters.",
                    List.of(new Problem.InvalidParam("limit", "must be 1-500")));
        }
        WriteBackJobs.Status status = jobs.status(feedId, wanted, limit);
        return Response.ok(new View(feedId, status.pending(), status.done(), status.failed(),
                status.oldestPendingSince(), status.jobs())).build();
    }
}
