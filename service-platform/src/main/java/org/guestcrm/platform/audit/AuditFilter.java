package org.guestcrm.platform.audit;

import java.lang.reflect.Method;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.guestcrm.platform.security.TenantAccess;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;

/**
 * Records every request to a staff API ({@code /api/v1/...}) made with a staff token in the {@link AuditTrail}: reads
 * of guests' personal data and writes alike, refused ones too (403, 404). Requests without a staff token (PMS feeds
 * with their own credentials, guests' signed links, rejected anonymous calls) are not staff actions and are counted
 * by their own endpoints instead.
 */
public class AuditFilter {

    @Inject
    AuditTrail trail;
    @Inject
    CurrentVertxRequest vertxRequest;

    @ServerResponseFilter
    public void audit(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/v1/") || vertxRequest.getCurrent() == null) {
            return;
        }
        // Only an identity already established by the endpoint's own security check: asking for one here would make
        // the lazy authentication read a feed's non-JWT bearer token as a JWT (and block the IO thread).
        if (!(vertxRequest.getCurrent().user() instanceof QuarkusHttpUser user)
                || user.getSecurityIdentity() == null || user.getSecurityIdentity().isAnonymous()
                || !(user.getSecurityIdentity().getPrincipal() instanceof JsonWebToken token)) {
            return;
        }
        String actor = token.getName() != null ? token.getName() : token.getSubject();
        Set<String> tokenTenants = TenantAccess.tenantsOf(token);
        Set<String> roles = user.getSecurityIdentity().getRoles();
        Map<String, List<String>> parameters = request.getUriInfo().getPathParameters();
        String requestTenant = first(parameters.get("tenant"));
        if (requestTenant == null) {
            requestTenant = request.getUriInfo().getQueryParameters().getFirst("tenant");
        }
        String tenant = requestTenant != null ? requestTenant : String.join(",", new TreeSet<>(tokenTenants));
        String target = parameters.entrySet().stream()
                .filter(entry -> !entry.getKey().equals("tenant"))
                .map(entry -> entry.getKey() + "=" + first(entry.getValue()))
                .sorted()
                .collect(Collectors.joining(","));
        String address = null;
        if (vertxRequest.getCurrent() != null && vertxRequest.getCurrent().request().remoteAddress() != null) {
            address = vertxRequest.getCurrent().request().remoteAddress().hostAddress();
        }
        trail.record(new AuditEntry(0, Instant.now(), actor, tenant, String.join(",", new TreeSet<>(roles)), request.getMethod() + " " + template(resource, path),
                target.isEmpty() ? null : target, address, response.getStatus()));
    }

    private static String template(ResourceInfo resource, String path) {
        if (resource == null || resource.getResourceClass() == null) {
            return path;
        }
        Path type = resource.getResourceClass().getAnnotation(Path.class);
        Method method = resource.getResourceMethod();
        Path sub = method == null ? null : method.getAnnotation(Path.class);
        String template = (type == null ? "" : type.value()) + (sub == null ? "" : "/" + sub.value());
        return template.isEmpty() ? path : template.replaceAll("/+", "/");
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
