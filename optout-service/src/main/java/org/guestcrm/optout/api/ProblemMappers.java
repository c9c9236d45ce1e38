package org.guestcrm.optout.api;

import org.guestcrm.platform.api.Problems;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Turns every error of the HTTP API into an RFC 9457 problem+json body ({@code InvalidRequestException} is mapped by
 * the platform's {@link Problems}).
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        return Problems.webApplication(e, uri);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        return Problems.unexpected(e, uri);
    }

    /**
     * A form body the server's form or multipart reader cannot parse (a multipart body that does not follow its
     * boundary fails there with an index out of bounds, before any resource runs) is the client's error: 400 naming
     * the body, never its content. Any other such exception stays a 500.
     */
    @ServerExceptionMapper
    public Response unreadableBody(IndexOutOfBoundsException e, UriInfo uri) {
        if (!fromFormReader(e)) {
            return Problems.unexpected(e, uri);
        }
        return Problems.of(400, "urn:guestcrm:problem:invalid-request", "Invalid request",
                "The form body could not be read", uri,
                java.util.List.of(new org.guestcrm.platform.api.Problem.InvalidParam("body", "is not a readable form")));
    }

    /**
     * The same for an I/O failure of the form reader: a multipart body that ends before its closing boundary fails as
     * {@code IOException: Connection terminated parsing multipart request} (it was a bare 500 with the server's stack
     * page). Any other I/O failure is a 500 problem.
     */
    @ServerExceptionMapper
    public Response unreadableBody(java.io.IOException e, UriInfo uri) {
        if (!fromFormReader(e)) {
            return Problems.unexpected(new java.io.UncheckedIOException(e), uri);
        }
        return Problems.of(400, "urn:guestcrm:problem:invalid-request", "Invalid request",
                "The form body could not be read", uri,
                java.util.List.of(new org.guestcrm.platform.api.Problem.InvalidParam("body", "is not a readable form")));
    }

    static boolean fromFormReader(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            String name = frame.getClassName().toLowerCase(java.util.Locale.ROOT);
            if (name.contains("multipart") || name.contains("formparser") || name.contains("formdata")
                    || name.contains("formbody") || name.contains("formencoded")) {
                return true;
            }
        }
        return false;
    }
}
