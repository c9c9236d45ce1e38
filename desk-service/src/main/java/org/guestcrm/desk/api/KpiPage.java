package org.guestcrm.desk.api;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.platform.audit.AuditEntry;
import org.guestcrm.platform.audit.AuditTrail;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The desk's figures as a page rendered on the server (Qute; no JavaScript): a form for the staff token, tenant and
 * period, then the figures table and inline-SVG bar charts. The token is pasted into the form (POST, verified here
 * exactly as a bearer token is) or sent as {@code Authorization: Bearer} on a GET. Roles viewer, agent, marketer or
 * admin; the tenant must be one the token admits (else answered like an unknown tenant). Each view is in the audit
 * trail. Not part of the API (hidden from OpenAPI).
 */
@Path("/desk/kpis")
@Blocking
public class KpiPage {

    static final Set<String> ROLES = Set.of(Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN);

    @Inject
    Template kpis;
    @Inject
    KpiReport report;
    @Inject
    DeskClock clock;
    @Inject
    JWTParser parser;
    @Inject
    SecurityIdentity identity;
    @Inject
    AuditTrail trail;
    @Context
    HttpServerRequest request;

    /** The form; with a bearer token and a tenant, the figures at once. */
    @GET
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response page(@QueryParam("tenant") String tenant, @QueryParam("from") String from,
                         @QueryParam("to") String to, @QueryParam("hotel") String hotel) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return html(200, form(null, tenant, from, to, hotel));
        }
        if (tenant == null || tenant.isBlank()) {
            return html(200, form(null, tenant, from, to, hotel));
        }
        return figures(token, null, tenant, from, to, hotel, "GET /desk/kpis");
    }

    /** The form sent: the pasted token is verified, then the figures. */
    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response submit(@FormParam("token") String tokenText, @FormParam("tenant") String tenant,
                           @FormParam("from") String from, @FormParam("to") String to, @FormParam("hotel") String hotel) {
        String pasted = tokenText == null ? "" : tokenText.trim();
        if (pasted.toLowerCase(java.util.Locale.ROOT).startsWith("bearer ")) {
            pasted = pasted.substring(7).trim();
        }
        if (pasted.isEmpty()) {
            return html(401, form(null, tenant, from, to, hotel).data("refusal", "A staff token is required."));
        }
        JsonWebToken token;
        try {
            token = parser.parse(pasted);
        } catch (ParseException e) {
            return html(401, form(null, tenant, from, to, hotel)
                    .data("refusal", "The token was refused: expired, or not signed by the CRM's identity provider."));
        }
        return figures(token, pasted, tenant, from, to, hotel, "POST /desk/kpis");
    }

    private Response figures(JsonWebToken token, String pasted, String tenant, String from, String to, String hotel,
                             String action) {
        Set<String> roles = token.getGroups() == null ? Set.of() : token.getGroups();
        String actor = token.getName() != null ? token.getName() : token.getSubject();
        Checks checks = new Checks().requiredText(tenant, "tenant", 100);
        if (roles.stream().noneMatch(ROLES::contains)) {
            audit(actor, tenant, roles, action, 403);
            return html(403, form(pasted, tenant, from, to, hotel)
                    .data("refusal", "This token has none of the roles viewer, agent, marketer or admin."));
        }
        if (checks.ok()) {
            Set<String> tenants = TenantAccess.tenantsOf(token);
            if (!tenants.contains(TenantAccess.ALL) && !tenants.contains(tenant.trim())) {
                audit(actor, tenant, roles, action, 404);
                return html(404, form(pasted, tenant, from, to, hotel).data("refusal", "No such tenant for this token."));
            }
        }
        KpiPeriod period = KpiPeriod.parse(from, to, hotel, clock.now(), checks);
        if (!checks.ok()) {
            audit(actor, tenant, roles, action, 400);
            return html(400, form(pasted, tenant, from, to, hotel).data("refusal", "Some fields are not valid:")
                    .data("problems", checks.problems().stream().map(p -> p.name() + ": " + p.reason()).toList()));
        }
        Dtos.Kpis figures = report.compute(tenant.trim(), period.from(), period.to(), period.hotel());
        audit(actor, tenant.trim(), roles, action, 200);
        return html(200, form(pasted, tenant, from, to, hotel).data("model", KpiPageModel.of(figures)));
    }

    private TemplateInstance form(String token, String tenant, String from, String to, String hotel) {
        return kpis.data("token", token).data("tenant", tenant).data("from", from).data("to", to).data("hotel", hotel)
                .data("refusal", null).data("problems", List.of()).data("model", null);
    }

    private void audit(String actor, String tenant, Set<String> roles, String action, int status) {
        String address = request == null || request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        trail.record(new AuditEntry(0, Instant.now(), actor, tenant == null ? "" : tenant.trim(),
                String.join(",", new TreeSet<>(roles)), action, null, address, status));
    }

    private static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.render())
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                        + "frame-ancestors 'none'; base-uri 'none'")
                .build();
    }
}
