package org.guestcrm.optout.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.guestcrm.optout.persistence.PreferenceCentreStore;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The guests' activity trail for an audit (admin): every access and change through the guests' pages of one tenant
 * (time, contact point reference, action, client address, user agent, status), newest first. Another tenant answers
 * 404 before anything else; the call itself lands in the platform's audit trail.
 */
@Path("/api/v1/guest-activity")
@Produces(MediaType.APPLICATION_JSON)
public class GuestActivityResource {

    @Inject
    TenantAccess access;
    @Inject
    PreferenceCentreStore store;

    /** One line of the trail. */
    public record ActivityDto(Instant occurredAt, String contactPointRef, String action, String sourceAddress,
            String userAgent, int outcome) {
    }

    @GET
    @Transactional
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "The guests' activity on the preference centre and link pages of a tenant (audit export)")
    public List<ActivityDto> activity(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant,
            @Parameter(description = "From (ISO-8601 instant, default 30 days ago)") @QueryParam("from") String from,
            @Parameter(description = "To (ISO-8601 instant, exclusive, default now)") @QueryParam("to") String to,
            @Parameter(description = "At most this many lines (1-10000, default 1000)") @QueryParam("limit") Integer limit) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("Invalid query parameter(s): tenant.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        String tenantId = access.require(tenant.trim(), NotFoundException::new);
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        Instant end = instant(to, "to", Instant.now(), invalid);
        Instant start = instant(from, "from", end.minus(30, ChronoUnit.DAYS), invalid);
        if (limit != null && (limit < 1 || limit > 10_000)) {
            invalid.add(new Problem.InvalidParam("limit", "is between 1 and 10000"));
        }
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("Invalid query parameter(s): "
                    + String.join(", ", invalid.stream().map(Problem.InvalidParam::name).toList()) + ".", invalid);
        }
        return store.activities(tenantId, start, end, limit == null ? 1000 : limit).stream()
                .map(a -> new ActivityDto(a.occurredAt(), a.subject(), a.action(), a.sourceAddress(), a.userAgent(), a.outcome()))
                .toList();
    }

    private static Instant instant(String value, String name, Instant fallback, List<Problem.InvalidParam> invalid) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            invalid.add(new Problem.InvalidParam(name, "is an ISO-8601 instant such as 2026-12-01T00:00:00Z"));
            return fallback;
        }
    }
}
