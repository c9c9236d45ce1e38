package org.guestcrm.optout.api;

import java.util.List;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** Turns every error of the HTTP API into an RFC 9457 problem+json body. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e, UriInfo uri) {
        return problem(400, "urn:guestcrm:problem:invalid-request", "Invalid request", e.getMessage(), uri, e.invalidParams());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        String title = Response.Status.fromStatusCode(status) != null ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Error";
        return problem(status, "about:blank", title, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        LOG.errorf(e, "Request to %s failed unexpectedly.", uri.getPath());
        return problem(500, "about:blank", "Internal Server Error", "The request could not be completed.", uri, List.of());
    }

    static Response problem(int status, String type, String title, String detail, UriInfo uri, List<Problem.InvalidParam> params) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, uri.getPath(), params))
                .build();
    }
}
