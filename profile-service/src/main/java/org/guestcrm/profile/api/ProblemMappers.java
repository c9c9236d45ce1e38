package org.guestcrm.profile.api;

import java.util.List;

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
    public Response guestNotFound(GuestNotFoundException e, UriInfo uri) {
        return Problems.of(404, "urn:guestcrm:problem:guest-not-found", "Guest not found", e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response conflict(org.guestcrm.profile.messaging.GuestMerges.Conflict e, UriInfo uri) {
        return Problems.of(409, "urn:guestcrm:problem:merge-conflict", "Cannot be done", e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        return Problems.webApplication(e, uri);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        return Problems.unexpected(e, uri);
    }
}
