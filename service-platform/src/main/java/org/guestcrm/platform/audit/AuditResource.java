package org.guestcrm.platform.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The audit trail of this service, for {@code admin}: entries of the admin's tenants, newest first, as JSON or as
 * NDJSON for export ({@code Accept: application/x-ndjson}).
 */
@Path("/api/v1/audit")
@Tag(name = "Audit")
@Blocking
public class AuditResource {

    public static final String NDJSON = "application/x-ndjson";

    @Inject
    AuditTrail trail;
    @Inject
    TenantAccess access;
    @Inject
    ObjectMapper json;

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Staff actions on this service (who, tenant, what, target, when, from where, outcome)")
    public List<AuditEntry> entries(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("actor") String actor, @QueryParam("limit") Integer limit) {
        return query(from, to, actor, limit);
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Produces(NDJSON)
    @Operation(summary = "The same entries as NDJSON, one JSON object a line, for export")
    public String export(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("actor") String actor, @QueryParam("limit") Integer limit) {
        StringBuilder out = new StringBuilder();
        for (AuditEntry entry : query(from, to, actor, limit == null ? 100_000 : limit)) {
            try {
                out.append(json.writeValueAsString(entry)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    private List<AuditEntry> query(String from, String to, String actor, Integer limit) {
        Instant end = parse("to", to, Instant.now().plusSeconds(1));
        Instant start = parse("from", from, end.minus(Duration.ofDays(1)));
        int max = limit == null ? 1000 : limit;
        if (max < 1 || max > 100_000) {
            throw new InvalidRequestException("Invalid limit",
                    List.of(new Problem.InvalidParam("limit", "must be between 1 and 100000")));
        }
        Set<String> tenants = access.allTenants() ? null : access.tenants();
        return trail.find(start, end, tenants, actor, max);
    }

    private static Instant parse(String name, String value, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("Invalid " + name,
                    List.of(new Problem.InvalidParam(name, "must be an ISO-8601 instant, e.g. 2026-12-01T00:00:00Z")));
        }
    }
}
