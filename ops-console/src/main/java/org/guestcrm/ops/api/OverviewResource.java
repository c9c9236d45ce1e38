package org.guestcrm.ops.api;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.deploy.lag.LagReport;
import org.guestcrm.ops.monitor.LagWatch;
import org.guestcrm.ops.monitor.ServiceWatch;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Everything the ops page shows, in one document: every consumer group with its judgement and lag history, every
 * service's readiness and outbox, every feed's freshness, every dead-letter topic's counts. Cluster-wide, so it needs
 * role {@code ops} with every tenant ({@code "*"}); a token for some tenants only is refused (403): feeds and
 * dead-letter topics of other tenants are in it. Holds no guest's data (ids, counts, times, reasons).
 */
@Path("/api/v1/ops/overview")
@Tag(name = "Operations")
public class OverviewResource {

    /** The document. */
    public record Overview(Instant at, Instant watchingSince, LagReport lag, List<ServiceWatch.ServiceState> services,
            List<ServiceWatch.FeedState> feeds, List<?> deadLetters, String deadLetterError) {
    }

    @Inject
    LagWatch lag;
    @Inject
    ServiceWatch watch;
    @Inject
    TenantAccess access;

    @GET
    @RolesAllowed(Roles.OPS)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Consumer groups judged, services, feeds and dead-letter topics, as last read (needs every tenant)")
    public Overview overview() {
        if (!access.allTenants()) {
            throw new io.quarkus.security.ForbiddenException("The overview spans every tenant: a token for tenant * is needed");
        }
        return new Overview(Instant.now(), watch.started(), lag.latest(), watch.services(), watch.feeds(),
                watch.deadLetters(), watch.deadLetterError());
    }
}
