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
}
