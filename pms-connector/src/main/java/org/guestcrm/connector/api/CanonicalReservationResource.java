package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
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
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.RequestSignature;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.messaging.InboundMessageIntake;
import org.guestcrm.connector.messaging.InboundMessageIntake.AcceptedMessage;
import org.guestcrm.connector.messaging.InboundMessageIntake.Receipt;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

/** Canonical JSON push of one reservation; same outbox path as the OpenTravel push. */
@PermitAll
@Path("/api/v1/feeds/{feedId}/reservations")
public class CanonicalReservationResource {

    private static final Logger LOG = Logger.getLogger(CanonicalReservationResource.class);

    /** The answer to an accepted message. */
    public record Accepted(UUID messageId, boolean duplicate, List<UUID> eventIds, List<Problem.FieldError> warnings,
                           List<InboundMessageIntake.Skipped> unchanged) {
    }

    @Inject
    JsonFeedDoor door;

    @Inject
    InboundMessageIntake intake;


    @Inject

    org.guestcrm.connector.messaging.PushGroupCommit groupCommit;

    @Inject
    RefusedArchive refusedArchive;

    @Inject
    InboundMetrics metrics;

    @Inject
    ConnectorConfig config;


    @Inject
    CanonicalJsonReader jsonReader;

    @Inject
    Validator validator;

    @Inject
    ObjectMapper objectMapper;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Push one reservation in the canonical JSON form")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CanonicalReservation.class),
            examples = @ExampleObject(name = "booking", summary = "A confirmed booking with its guest",
                    value = CanonicalBatchResource.EXAMPLE_RESERVATION)))
    @APIResponse(responseCode = "202", description = "Stored; its events are in the outbox. duplicate = nothing new (the identical"
            + " body again, or the same change in a new envelope); unchanged lists aggregates not emitted again (REDELIVERY, OLDER)")
    @APIResponse(responseCode = "400", description = "problem+json naming the invalid fields")
    @APIResponse(responseCode = "429", description = "problem+json: the feed's rate limit is exceeded; Retry-After says when to retry")
    public Response receive(@PathParam("feedId") String feedId,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @HeaderParam(RequestSignature.SIGNATURE_HEADER) String signature,
                            @HeaderParam(RequestSignature.TIMESTAMP_HEADER) String signatureTimestamp,
                            InputStream body) throws IOException {
        JsonFeedDoor.Entry entry = door.enter(feedId, FeedKind.CANONICAL_JSON, new FeedAccess.Presented(authorization, signature, signatureTimestamp), body);
        if (entry.refused()) {
            return entry.refusal();
        }
        FeedAccess.Feed feed = entry.feed();
        byte[] bytes = entry.body();

        CanonicalReservation dto;
        try {
            dto = jsonReader.read(bytes);
        } catch (JsonProcessingException e) {
            metrics.rejected(feedId, "MALFORMED");
            return Problem.validation("The body is not a readable canonical reservation.", List.of(jsonError(e))).toResponse();
        }
        if (dto == null) {
            metrics.rejected(feedId, "MALFORMED");
            return Problem.validation("The body is empty.", List.of()).toResponse();
        }
        CanonicalItems.Checked checked = CanonicalItems.check(dto, validator);
        List<Problem.FieldError> errors = checked.problems();
        List<FieldWarning> warnings = checked.warnings();
        Reservation reservation = checked.reservation();
        if (!errors.isEmpty()) {
            metrics.rejected(feedId, "INVALID_VALUE");
            LOG.infof("Canonical reservation on feed %s rejected: invalid fields %s.", feedId,
                    errors.stream().map(Problem.FieldError::field).toList());
            refusedArchive.refusedJson(feedId, Tokens.sha256Hex(bytes), dto, errors);
            return Problem.validation("The reservation has invalid fields.", errors).toResponse();
        }

        Receipt receipt = groupCommit.record(new AcceptedMessage(
                feed.tenantId(),
                feed.feedId(),
                feed.defaultCurrency(),
                Tokens.sha256Hex(bytes),
                "CanonicalReservation",
                config.inbound().storeMaskedPayload() ? objectMapper.writeValueAsString(dto) : null,
                List.of(reservation)));
        metrics.accepted(feedId, receipt.duplicate());
        if (!warnings.isEmpty()) {
            metrics.fieldsDropped(feedId, warnings);
            LOG.infof("Canonical reservation %s on feed %s accepted with optional field(s) dropped: %s", receipt.messageId(),
                    feedId, warnings.stream().map(FieldWarning::location).toList());
        }
        return Response.accepted(new Accepted(receipt.messageId(), receipt.duplicate(), receipt.eventIds(),
                        CanonicalItems.asErrors(warnings),
                        receipt.skipped()))
                .type(MediaType.APPLICATION_JSON).build();
    }

    static Problem.FieldError fieldError(ConstraintViolation<CanonicalReservation> violation) {
        String path = violation.getPropertyPath().toString();
        if (path.equals("departure") || path.equals("stayInOrder")) {
            path = "departure";
        }
        return new Problem.FieldError(path, violation.getMessage());
    }

    public static Problem.FieldError jsonError(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body");
            String message;
            if (e instanceof CanonicalJsonReader.NumberLimitException limit) {
                message = limit.getOriginalMessage();
            } else if (e instanceof PreferencesDeserializer.NotText notText) {
                message = notText.getOriginalMessage();
            } else if (e instanceof InvalidFormatException invalid) {
                message = "has an invalid value for " + invalid.getTargetType().getSimpleName();
            } else {
                message = "has the wrong type";
            }
            return new Problem.FieldError(field, message);
        }
        if (e instanceof StreamConstraintsException) {
            return new Problem.FieldError("body", "nests deeper than " + CanonicalJsonReader.MAX_DEPTH + " levels or is too long");
        }
        return new Problem.FieldError("body", e.getLocation() == null ? "is not valid JSON"
                : "is not valid JSON (line " + e.getLocation().getLineNr() + ")");
    }

}
