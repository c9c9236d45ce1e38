package org.guestcrm.desk.api;

import java.util.List;

import org.guestcrm.platform.api.Problems;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** The desk's errors as problem+json: 400 naming the field (never its value), 404, 409; never a bare 500 for input. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response notFound(DeskNotFoundException e, UriInfo uri) {
        return Problems.of(404, "urn:guestcrm:problem:not-found", "Not found", e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response conflict(DeskConflictException e, UriInfo uri) {
        return Problems.of(409, "urn:guestcrm:problem:conflict", "Conflict", e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // A body that is not JSON, or a field of the wrong type: the platform's problem naming the field's path
            // (never its value); the platform maps the unwrapped Jackson exceptions itself.
            return Problems.unreadableJson(json, uri);
        }
        return Problems.webApplication(e, uri);
    }

    /** Two requests with the same Idempotency-Key at once: the second is told to retry (it then gets the first's lead). */
    @ServerExceptionMapper
    public Response duplicate(org.hibernate.exception.ConstraintViolationException e, UriInfo uri) {
        return Problems.of(409, "urn:guestcrm:problem:conflict", "Conflict",
                "A request with the same key is being processed; retry.", uri, List.of());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        return Problems.unexpected(e, uri);
    }
}
