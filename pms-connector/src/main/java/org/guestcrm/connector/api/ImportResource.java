package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.messaging.HistoryImportWorker;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.connector.persistence.ImportJobs;
import org.guestcrm.platform.api.Problems;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;

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
                          Instant finishedAt, List<ImportJobs.Rejection> rejections, String sourceFile) {
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

    @Inject
    HistoryImportWorker worker;

    /** The file goes to the database in chunks of this size ({@code import_file} rows), never whole in the heap. */
    public static final int CHUNK_BYTES = 1 << 20;

    /** The client's upload ended before its body did (connection closed, or fewer bytes than its Content-Length). */
    static final class UploadAborted extends RuntimeException {
        UploadAborted(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    @Inject
    MeterRegistry meters;

    @POST
    @Consumes({NDJSON, MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM, MediaType.TEXT_PLAIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Import history: NDJSON, one canonical reservation or profile per line",
            description = "A reservation line is the body of the JSON push; a profile line is {\"type\":\"profile\","
                    + "\"hotelCode\":…,\"pmsModifiedAt\":…,\"profile\":{…a guest…}}. Emitted asynchronously, in batches, marked"
                    + " as history (correlation id import:<jobId>); rows already emitted (same content) emit nothing again."
                    + " The body is streamed into the job's store (up to connector.imports.max-bytes, not the 10 MB body"
                    + " limit of the other endpoints).")
    @APIResponse(responseCode = "202", description = "The job; Location: /api/v1/imports/{jobId}")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    @APIResponse(responseCode = "413", description = "Larger than connector.imports.max-bytes (nothing is kept)")
    public Response importHistory(@PathParam("feedId") String feedId,
                                  @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, InputStream body) {
        long limit = config.imports().maxBytes();
        Long declared = declaredLength(contentLength);
        UUID jobId = UUID.randomUUID();
        Stored stored;
        try {
            // one transaction: the job, every chunk and the totals commit together or not at all (a refused or
            // aborted upload leaves nothing behind, and no worker sees a job before its whole file)
            stored = QuarkusTransaction.requiringNew().call(() -> {
                FeedEntity feed = FeedEntity.findById(feedId);
                NotFound notFound = new NotFound("No feed " + feedId + ".");
                if (feed == null || feed.deletedAt != null) {
                    throw notFound;
                }
                access.require(feed.tenantId, () -> notFound);
                if (declared != null && declared > limit) {
                    throw tooLarge(limit);
                }
                jobs.startUpload(jobId, feed.feedId, feed.tenantId, access.actor());
                return store(jobId, body, limit, declared);
            });
        } catch (UploadAborted e) {
            meters.counter("connector.import.uploads.aborted").increment();
            LOG.infof("History import upload to feed %s aborted (%s); nothing kept.", feedId, e.getMessage());
            throw e;
        }
        LOG.infof("History import %s of feed %s accepted: %d line(s), %d bytes.", jobId, feedId, stored.lines(),
                stored.bytes());
        worker.wake();
        return Response.accepted(ImportJobResource.view(jobs, jobs.find(jobId).orElseThrow()))
                .location(URI.create("/api/v1/imports/" + jobId)).build();
    }

    record Stored(long bytes, long lines) {
    }

    /** Streams the body into chunk rows, counting lines and hashing on the way; refuses the byte after the limit. */
    private Stored store(UUID jobId, InputStream body, long limit, Long declared) {
        ImportDirectory.Tally tally = new ImportDirectory.Tally();
        byte[] buffer = new byte[CHUNK_BYTES];
        long total = 0;
        int seq = 0;
        while (true) {
            int n;
            try {
                n = body.readNBytes(buffer, 0, buffer.length);
            } catch (IOException e) {
                throw new UploadAborted(e.getClass().getSimpleName() + " after " + total + " bytes", e);
            }
            if (n == 0) {
                break;
            }
            if (total + n > limit) {
                throw tooLarge(limit);
            }
            total += n;
            tally.add(buffer, n);
            jobs.appendChunk(jobId, seq++, n == buffer.length ? buffer : Arrays.copyOf(buffer, n));
        }
        if (declared != null && total != declared) {
            throw new UploadAborted(total + " of " + declared + " declared bytes", null);
        }
        jobs.completeUpload(jobId, tally.sha256(), tally.lines());
        return new Stored(total, tally.lines());
    }

    /** The body of an import from the import directory: the file's name in {@code connector.imports.directory}. */
    public record DirectoryRequest(String file) {
    }

    @POST
    @Path("/from-directory")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Import history from a file an admin placed in the import directory",
            description = "For files too large to upload (e.g. 2 million reservations, ~840 MB): the file is named"
                    + " relative to connector.imports.directory (a volume every replica mounts), counted and hashed"
                    + " once, then read where it lies by the import worker; nothing of it is copied into the database."
                    + " Same lines, events, idempotence and job as the upload.")
    @APIResponse(responseCode = "202", description = "The job; Location: /api/v1/imports/{jobId}")
    @APIResponse(responseCode = "400", description = "problem+json naming field file: not a file of the import directory")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    @APIResponse(responseCode = "409", description = "No import directory is configured (connector.imports.directory)")
    @APIResponse(responseCode = "413", description = "Larger than connector.imports.max-file-bytes (no job is created)")
    public Response importFromDirectory(@PathParam("feedId") String feedId, DirectoryRequest request, @Context UriInfo uri) {
        FeedEntity feed = QuarkusTransaction.requiringNew().call(() -> {
            FeedEntity found = FeedEntity.findById(feedId);
            NotFound notFound = new NotFound("No feed " + feedId + ".");
            if (found == null || found.deletedAt != null) {
                throw notFound;
            }
            access.require(found.tenantId, () -> notFound);
            return found;
        });
        java.util.Optional<String> configured = config.imports().directory();
        if (configured.isEmpty() || configured.get().isBlank()) {
            return Problems.of(409, "about:blank", "Conflict",
                    "No import directory is configured (connector.imports.directory).", uri, List.of());
        }
        java.nio.file.Path directory = java.nio.file.Path.of(configured.get());
        java.util.Optional<java.nio.file.Path> file = ImportDirectory.resolve(directory,
                request == null ? null : request.file());
        if (file.isEmpty()) {
            return Problem.validation("The file is not a readable regular file of the import directory.",
                    List.of(new Problem.FieldError("file", "is not a file of the import directory"))).toResponse();
        }
        long limit = config.imports().maxFileBytes();
        String name;
        ImportDirectory.Tally tally;
        try {
            if (java.nio.file.Files.size(file.get()) > limit) {
                return Problems.of(413, "about:blank", "Content Too Large", "The file exceeds the limit of " + limit
                        + " bytes for imports from the directory (connector.imports.max-file-bytes).", uri, List.of());
            }
            name = ImportDirectory.storedName(directory, file.get());
            tally = ImportDirectory.tally(file.get());
        } catch (IOException e) {
            LOG.warnf("History import from the directory for feed %s: the file could not be read (%s).", feedId,
                    e.getClass().getSimpleName());
            return Problem.validation("The file could not be read.",
                    List.of(new Problem.FieldError("file", "could not be read"))).toResponse();
        }
        if (tally.bytes() > limit) {
            return Problems.of(413, "about:blank", "Content Too Large", "The file exceeds the limit of " + limit
                    + " bytes for imports from the directory (connector.imports.max-file-bytes).", uri, List.of());
        }
        UUID jobId = UUID.randomUUID();
        jobs.createFromDirectory(jobId, feed.feedId, feed.tenantId, access.actor(), tally.sha256(), tally.lines(), name,
                tally.bytes());
        LOG.infof("History import %s of feed %s from the import directory accepted: %d line(s), %d bytes.", jobId, feedId,
                tally.lines(), tally.bytes());
        worker.wake();
        return Response.accepted(ImportJobResource.view(jobs, jobs.find(jobId).orElseThrow()))
                .location(URI.create("/api/v1/imports/" + jobId)).build();
    }

    private static Long declaredLength(String contentLength) {
        if (contentLength == null || contentLength.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static TooLarge tooLarge(long limit) {
        return new TooLarge("The file exceeds the import limit of " + limit + " bytes (connector.imports.max-bytes).");
    }

    @ServerExceptionMapper
    public Response notFound(NotFound e, UriInfo uri) {
        return Problems.of(404, "about:blank", "Not Found", e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response tooLarge(TooLarge e, UriInfo uri) {
        return Problems.of(413, "about:blank", "Content Too Large", e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response aborted(UploadAborted e, UriInfo uri) {
        return Problems.of(400, "about:blank", "Bad Request", "The upload ended before its body did; nothing was kept.",
                uri, List.of());
    }
}
