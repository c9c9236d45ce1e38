package org.guestcrm.connector.api;

import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 9457 problem details; {@code errors} names the invalid fields of a validation problem. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    public static Problem of(Response.Status status, String detail) {
        return new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail, List.of());
    }

    public static Problem validation(String detail, List<FieldError> errors) {
        return new Problem("https://guestcrm.org/problems/invalid-reservation", "Invalid reservation", 400, detail, errors);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
