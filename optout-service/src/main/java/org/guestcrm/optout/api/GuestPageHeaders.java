package org.guestcrm.optout.api;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

/**
 * Headers of the guests' pages ({@code /u/}, {@code /api/v1/unsubscribe}, {@code /p/}, {@code /preferences}): no
 * framing by another site (clickjacking a form such as the erasure), no script or foreign resource at all, forms only
 * to this origin, no referrer (a link token in the URL never leaks to another site), no caching.
 */
public class GuestPageHeaders {

    static final String POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    @ServerResponseFilter
    public void secure(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/u/") || path.startsWith("/api/v1/unsubscribe") || path.startsWith("/p/")
                || path.startsWith("/preferences")) {
            response.getHeaders().putSingle("Content-Security-Policy", POLICY);
            response.getHeaders().putSingle("X-Frame-Options", "DENY");
            response.getHeaders().putSingle("Referrer-Policy", "no-referrer");
            response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
            response.getHeaders().putSingle("Cache-Control", "no-store");
        }
    }
}
