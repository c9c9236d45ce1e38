package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.ReservationRules;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.messaging.InboundMessageIntake;
import org.guestcrm.connector.messaging.InboundMessageIntake.AcceptedMessage;
import org.guestcrm.connector.messaging.InboundMessageIntake.Receipt;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/** Canonical JSON push of one reservation; same outbox path as the OpenTravel push. */
@Path("/api/v1/feeds/{feedId}/reservations")
public class CanonicalReservationResource {

    private static final Logger LOG = Logger.getLogger(CanonicalReservationResource.class);

    /** The answer to an accepted message. */
    public record Accepted(UUID messageId, boolean duplicate, List<UUID> eventIds) {
    }

    @Inject
    FeedAccess feedAccess;

    @Inject
    InboundMessageIntake intake;

    @Inject
    InboundMetrics metrics;

    @Inject
    ConnectorConfig config;

    @Inject
    Validator validator;

    @Inject
    ObjectMapper objectMapper;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Push one reservation in the canonical JSON form")
    @RequestBody(content = @Content(schema = @Schema(implementation = CanonicalReservation.class)))
    @APIResponse(responseCode = "202", description = "Stored; its events are in the outbox")
    @APIResponse(responseCode = "400", description = "problem+json naming the invalid fields")
    public Response receive(@PathParam("feedId") String feedId,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            InputStream body) throws IOException {
        FeedAccess.Feed feed;
        try {
            feed = feedAccess.authorize(feedId, FeedKind.CANONICAL_JSON, authorization);
        } catch (FeedAccess.Denied denied) {
            metrics.rejected(denied.status == Response.Status.NOT_FOUND ? "unknown" : feedId, denied.status.name());
            return Problem.of(denied.status, denied.getMessage()).toResponse();
        }
        int limit = config.inbound().maxBodyBytes();
        byte[] bytes = body.readNBytes(limit + 1);
        if (bytes.length > limit) {
            metrics.rejected(feedId, "TOO_LARGE");
            return Problem.of(Response.Status.REQUEST_ENTITY_TOO_LARGE, "The body exceeds " + limit + " bytes.").toResponse();
        }

        CanonicalReservation dto;
        try {
            dto = objectMapper.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .forType(CanonicalReservation.class).readValue(bytes);
        } catch (JsonProcessingException e) {
            metrics.rejected(feedId, "MALFORMED");
            return Problem.validation("The body is not a readable canonical reservation.", List.of(jsonError(e))).toResponse();
        }
        if (dto == null) {
            metrics.rejected(feedId, "MALFORMED");
            return Problem.validation("The body is empty.", List.of()).toResponse();
        }
        List<Problem.FieldError> errors = validator.validate(dto).stream()
                .map(CanonicalReservationResource::fieldError)
                .distinct()
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        Reservation reservation = errors.isEmpty() ? CanonicalReservationMapper.toDomain(dto) : null;
        if (reservation != null) {
            errors = ReservationRules.violations(reservation).stream()
                    .map(v -> new Problem.FieldError(v.field(), v.message())).toList();
        }
        if (!errors.isEmpty()) {
            metrics.rejected(feedId, "INVALID_VALUE");
            LOG.infof("Canonical reservation on feed %s rejected: invalid fields %s.", feedId,
                    errors.stream().map(Problem.FieldError::field).toList());
            return Problem.validation("The reservation has invalid fields.", errors).toResponse();
        }

        Receipt receipt = intake.record(new AcceptedMessage(
                feed.tenantId(),
                feed.feedId(),
                feed.defaultCurrency(),
                Tokens.sha256Hex(bytes),
                "CanonicalReservation",
                config.inbound().storeMaskedPayload() ? objectMapper.writeValueAsString(dto) : null,
                List.of(reservation)));
        metrics.accepted(feedId, receipt.duplicate());
        return Response.accepted(new Accepted(receipt.messageId(), receipt.duplicate(), receipt.eventIds()))
                .type(MediaType.APPLICATION_JSON).build();
    }

    private static Problem.FieldError fieldError(ConstraintViolation<CanonicalReservation> violation) {
        String path = violation.getPropertyPath().toString();
        if (path.equals("departure") || path.equals("isDeparture")) {
            path = "departure";
        }
        return new Problem.FieldError(path, violation.getMessage());
    }

    private static Problem.FieldError jsonError(JsonProcessingException e) {
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = mismatch.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body");
            String message = e instanceof InvalidFormatException invalid
                    ? "has an invalid value for " + invalid.getTargetType().getSimpleName()
                    : "has the wrong type";
            return new Problem.FieldError(field, message);
        }
        return new Problem.FieldError("body", e.getLocation() == null ? "is not valid JSON"
                : "is not valid JSON (line " + e.getLocation().getLineNr() + ")");
    }
}
