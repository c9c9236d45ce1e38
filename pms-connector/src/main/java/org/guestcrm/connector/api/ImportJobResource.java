package org.guestcrm.connector.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.guestcrm.connector.persistence.ImportJobs;
import org.guestcrm.platform.api.Problems;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A history import's progress ({@link ImportResource} starts one). */
@Path("/api/v1/imports")
@RolesAllowed(Roles.ADMIN)
public class ImportJobResource {

    @Inject
    ImportJobs jobs;

    @Inject
    TenantAccess access;

    @GET
    @Path("/{jobId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A history import: state, rows read/accepted/rejected (line, field, reason), events emitted, rate")
    @APIResponse(responseCode = "200", description = "The job")
    @APIResponse(responseCode = "404", description = "No such job of the token's tenants")
    public ImportResource.JobView job(@PathParam("jobId") String jobId) {
        ImportResource.NotFound notFound = new ImportResource.NotFound("No import " + jobId + ".");
        UUID id;
        try {
            id = UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            throw notFound;
        }
        ImportJobs.Job job = jobs.find(id).orElseThrow(() -> notFound);
        access.require(job.tenantId(), () -> notFound);
        return view(jobs, job);
    }

    static ImportResource.JobView view(ImportJobs jobs, ImportJobs.Job job) {
        Double rate = null;
        Long eta = null;
        if (job.startedAt() != null && job.rowsRead() > 0) {
            Instant end = job.finishedAt() != null ? job.finishedAt() : Instant.now();
            double seconds = Math.max(0.001, Duration.between(job.startedAt(), end).toMillis() / 1000.0);
            rate = Math.round(job.rowsRead() / seconds * 10) / 10.0;
            eta = "RUNNING".equals(job.state()) ? Math.round((job.totalLines() - job.lastLine()) / (job.rowsRead() / seconds))
                    : 0L;
        }
        return new ImportResource.JobView(job.jobId(), job.feedId(), job.state(), job.format(), job.totalLines(), job.rowsRead(),
                job.rowsAccepted(), job.rowsRejected(), job.rowsUnchanged(), job.eventsEmitted(), rate, eta, job.failure(),
                job.createdAt(), job.startedAt(), job.finishedAt(), jobs.rejections(job.jobId(), 100), job.sourceFile());
    }


    @ServerExceptionMapper
    public Response notFound(ImportResource.NotFound e, UriInfo uri) {
        return Problems.of(404, "about:blank", "Not Found", e.getMessage(), uri, List.of());
    }
}
