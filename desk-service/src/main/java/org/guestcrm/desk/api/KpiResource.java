package org.guestcrm.desk.api;

import java.util.List;
import java.util.Locale;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

@Path("/api/v1/desk/kpis")
@Tag(name = "Desk figures", description = "Leads, conversion, time to answer, documents and communications per hotel and group")
public class KpiResource {

    static final String CSV = "text/csv";

    @Inject
    TenantAccess access;
    @Inject
    KpiReport report;
    @Inject
    DeskClock clock;

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Produces({MediaType.APPLICATION_JSON, CSV})
    @Operation(summary = "The desk's figures per hotel and for the group over a period (JSON, or CSV)",
            description = "Leads received in [from, to) and what became of them (conversion rate = booked / "
                    + "received), time to answer (first completed call-back or first quote), call-backs answered "
                    + "after their due time, quotes made in the period and their outcome, tasks open and overdue now; "
                    + "documents that fell due in the period (sent, opened, missing, sent late); communications per "
                    + "journey step, channel and outcome and messages sent per channel on the UTC days the period "
                    + "touches; the same per UTC day. Defaults: the last 30 days. CSV with Accept: text/csv or "
                    + "format=csv: one row for the group, one per hotel.")
    @APIResponse(responseCode = "200", description = "One row per hotel with leads, quotes, tasks, documents or communications")
    @APIResponse(responseCode = "400", description = "Invalid parameters, named")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public Response kpis(@Parameter(required = true) @QueryParam("tenant") String tenant,
                         @Parameter(description = "ISO-8601 instant or date, inclusive") @QueryParam("from") String fromText,
                         @Parameter(description = "ISO-8601 instant or date, exclusive") @QueryParam("to") String toText,
                         @QueryParam("hotel") String hotel,
                         @Parameter(description = "csv or json (else by the Accept header)") @QueryParam("format") String format,
                         @Context HttpHeaders headers) {
        TenantParam.require(access, tenant);
        Checks checks = new Checks();
        KpiPeriod period = KpiPeriod.parse(fromText, toText, hotel, clock.now(), checks);
        String wanted = format == null || format.isBlank() ? null : format.trim().toLowerCase(Locale.ROOT);
        checks.require(wanted == null || wanted.equals("csv") || wanted.equals("json"), "format", "csv or json");
        checks.orRefuse();
        Dtos.Kpis kpis = report.compute(tenant, period.from(), period.to(), period.hotel());
        boolean csv = "csv".equals(wanted) || (wanted == null && prefersCsv(headers.getAcceptableMediaTypes()));
        if (csv) {
            return Response.ok(KpiCsv.of(kpis), CSV + ";charset=UTF-8")
                    .header("Content-Disposition", "attachment; filename=\"desk-kpis.csv\"").build();
        }
        return Response.ok(kpis, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static boolean prefersCsv(List<MediaType> acceptable) {
        for (MediaType type : acceptable) {
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType()) {
                return false;
            }
            if (type.getType().equals("text") && type.getSubtype().equals("csv")) {
                return true;
            }
        }
        return false;
    }
}
