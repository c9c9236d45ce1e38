package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.connector.persistence.ImportJobs;
import org.guestcrm.platform.api.Problems;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * History import (issue 7): an NDJSON file of canonical reservations and profiles is stored as a job and emitted
 * asynchronously by the import worker; its events are marked as history by correlation id {@code import:<jobId>}.
 */
@Path("/api/v1/feeds/{feedId}/imports")
@RolesAllowed(Roles.ADMIN)
public class ImportResource {

    private static final Logger LOG = Logger.getLogger(ImportResource.class);
    public static final String NDJSON = "application/x-ndjson";

    /** A job as the API shows it. */
    public record JobView(UUID jobId, String feedId, String state, String format, long totalLines, long rowsRead,
                          long rowsAccepted, long rowsRejected, long rowsUnchanged, long eventsEmitted,
                          Double rowsPerSecond, Long etaSeconds, String failure, Instant createdAt, Instant startedAt,
                          Instant finishedAt, List<ImportJobs.Rejection> rejections) {
    }

    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    @Inject
    ImportJobs jobs;

    @Inject
    TenantAccess access;

    @Inject
    ConnectorConfig config;

    @POST
    @Consumes({NDJSON, MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM, MediaType.TEXT_PLAIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Import history: NDJSON, one canonical reservation or profile per line",
            description = "A reservation line is the body of the JSON push; a profile line is {\"type\":\"profile\","
                    + "\"hotelCode\":…,\"pmsModifiedAt\":…,\"profile\":{…a guest…}}. Emitted asynchronously, in batches, marked"
                    + " as history (correlation id import:<jobId>); rows already emitted (same content) emit nothing again.")
    @APIResponse(responseCode = "202", description = "The job; Location: /api/v1/imports/{jobId}")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    @APIResponse(responseCode = "413", description = "Larger than connector.imports.max-bytes")
    public Response importHistory(@PathParam("feedId") String feedId, InputStream body) throws IOException {
        FeedEntity feed = FeedEntity.findById(feedId);
        NotFound notFound = new NotFound("No feed " + feedId + ".");
        if (feed == null || feed.deletedAt != null) {
            throw notFound;
        }
        access.require(feed.tenantId, () -> notFound);
        long limit = config.imports().maxBytes();
        byte[] content = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit + 1));
        if (content.length > limit) {
            throw new TooLarge("The file exceeds " + limit + " bytes.");
        }
        long lines = 0;
        for (byte b : content) {
            if (b == '\n') {
                lines++;
            }
        }
        if (content.length > 0 && content[content.length - 1] != '\n') {
            lines++;
        }
        UUID jobId = UUID.randomUUID();
        jobs.create(jobId, feed.feedId, feed.tenantId, Tokens.sha256Hex(content), lines, content, access.actor());
        LOG.infof("History import %s of feed %s accepted: %d line(s), %d bytes.", jobId, feedId, lines, content.length);
        return Response.accepted(ImportJobResource.view(jobs, jobs.find(jobId).orElseThrow())).location(URI.create("/api/v1/imports/" + jobId))
                .build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFound e, UriInfo uri) {
        return Problems.of(404, "about:blank", "Not Found", e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response tooLarge(TooLarge e, UriInfo uri) {
        return Problems.of(413, "about:blank", "Content Too Large", e.getMessage(), uri, List.of());
    }
}
