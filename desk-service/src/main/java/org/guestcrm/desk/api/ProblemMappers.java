package org.guestcrm.desk.api;

import java.util.List;
import java.util.stream.Collectors;

import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.api.Problems;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

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

    /** A body that is not JSON, or a field of the wrong type: the field's path is named, its value never quoted. */
    @ServerExceptionMapper(priority = 1)
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        String field = e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? mapping.getPath().stream()
                        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                        .collect(Collectors.joining(".")).replace(".[", "[")
                : "body";
        String reason = field.equals("body") ? "is not valid JSON" : "has the wrong type or format";
        return Problems.of(400, "urn:guestcrm:problem:invalid-request", "Invalid request",
                "The request has invalid fields: " + field, uri, List.of(new Problem.InvalidParam(field, reason)));
    }

    @ServerExceptionMapper(priority = 1)
    public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        return unreadable(e, uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unparseable(com.fasterxml.jackson.core.JsonParseException e, UriInfo uri) {
        return unreadable(e, uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadable(json, uri);
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
