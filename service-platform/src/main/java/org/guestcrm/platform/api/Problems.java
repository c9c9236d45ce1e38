package org.guestcrm.platform.api;

import java.util.List;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * problem+json responses. The mapper of {@link InvalidRequestException} applies in every service (only code that
 * uses this platform throws it); the static methods are for a service's own {@code @ServerExceptionMapper}s, so a
 * service chooses which of its errors it maps this way.
 */
public class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e, UriInfo uri) {
        return of(400, "urn:guestcrm:problem:invalid-request", "Invalid request", e.getMessage(), uri, e.invalidParams());
    }

    /** A WebApplicationException's status with its reason phrase as title ({@code about:blank}). */
    public static Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        return of(status, "about:blank", known != null ? known.getReasonPhrase() : "Error", e.getMessage(), uri, List.of());
    }

    /** A 500 that logs the failure (with the path, never the request body) and tells the caller nothing more. */
    public static Response unexpected(RuntimeException e, UriInfo uri) {
        LOG.errorf(e, "Request to %s failed unexpectedly.", uri.getPath());
        return of(500, "about:blank", "Internal Server Error", "The request could not be completed.", uri, List.of());
    }

    public static Response of(int status, String type, String title, String detail, UriInfo uri,
                              List<Problem.InvalidParam> params) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, uri.getPath(), params))
                .build();
    }
}
