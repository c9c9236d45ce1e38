package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.CanonicalLimits;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.RequestSignature;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.messaging.InboundMessageIntake;
import org.guestcrm.connector.messaging.InboundMessageIntake.AcceptedMessage;
import org.guestcrm.connector.messaging.InboundMessageIntake.Receipt;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Canonical JSON push of a batch: a JSON array of up to {@value CanonicalLimits#RESERVATIONS_PER_MESSAGE} canonical
 * reservations, answered per item. Each item is validated on its own (one bad booking never refuses the others) and
 * recorded as its own inbound message (id = feed + SHA-256 of the item), so a batch re-sent after a timeout answers the
 * stored items as duplicates and emits nothing again.
 */
@PermitAll
@Path("/api/v1/feeds/{feedId}/reservations/batch")
public class CanonicalBatchResource {

    private static final Logger LOG = Logger.getLogger(CanonicalBatchResource.class);

    static final String EXAMPLE_RESERVATION = """
            {"hotelCode": "BERHB", "pmsReservationId": "R1", "status": "CONFIRMED", "pmsSequence": 3,
             "pmsModifiedAt": "2026-06-01T10:00:00Z", "arrival": "2026-07-01", "departure": "2026-07-04",
             "totalAmount": {"amount": 399.90, "currency": "EUR"},
             "guests": [{"pmsProfileId": "P1", "firstName": "Anna", "lastName": "Example", "emails": ["anna@example.org"]}]}""";

    static final String EXAMPLE_BATCH = "[" + EXAMPLE_RESERVATION + """
            ,
             {"hotelCode": "BERHB", "pmsReservationId": "R2", "status": "CANCELLED", "arrival": "2026-07-02",
              "departure": "2026-07-03", "guests": [{"pmsProfileId": "P2", "emails": ["r..m51@leonard.net"]}]},
             {"pmsReservationId": "R3", "status": "CONFIRMED", "arrival": "2026-07-02", "departure": "2026-07-01"}]""";

    static final String EXAMPLE_ANSWER = """
            {"accepted": 2, "duplicates": 0, "rejected": 1, "items": [
             {"index": 0, "pmsReservationId": "R1", "outcome": "ACCEPTED", "messageId": "6f1c7a52-6c2e-3b5a-9d0e-0c1d5a1f2b3c",
              "eventIds": ["0b6a3f0e-2a4d-3c1b-8e7f-1a2b3c4d5e6f", "5c4b3a29-1807-36f5-a4d3-c2b1a0f9e8d7"]},
             {"index": 1, "pmsReservationId": "R2", "outcome": "ACCEPTED", "messageId": "1a2b3c4d-5e6f-3a1b-8c2d-3e4f5a6b7c8d",
              "eventIds": ["9f8e7d6c-5b4a-3928-8716-a5b4c3d2e1f0", "2d3c4b5a-6978-3a1b-9c0d-e1f2a3b4c5d6"],
              "warnings": [{"field": "guests[0].emails[0]", "message": "is not an e-mail address; dropped"}]},
             {"index": 2, "outcome": "REJECTED", "problems": [{"field": "departure", "message": "must not be before arrival"},
              {"field": "hotelCode", "message": "must not be blank"}]}]}""";

    /** What became of one item: ACCEPTED (events emitted or a version not emitted again), DUPLICATE, or REJECTED. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ItemResult(int index, String pmsReservationId, String outcome, UUID messageId, List<UUID> eventIds,
                             List<Problem.FieldError> warnings, List<Problem.FieldError> problems,
                             List<InboundMessageIntake.Skipped> unchanged) {
    }

    /** The answer to a batch: counts and one result per item, in the order sent. */
    public record BatchResult(int accepted, int duplicates, int rejected, List<ItemResult> items) {
    }

    @Inject
    JsonFeedDoor door;

    @Inject
    InboundMessageIntake intake;

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
    @Operation(summary = "Push a batch of up to 100 reservations in the canonical JSON form, answered per item",
            description = "Each item is the body of POST /api/v1/feeds/{feedId}/reservations. Items are validated and stored"
                    + " one by one: a rejected item names its fields (never their values) and does not refuse the others."
                    + " An item already stored (the batch re-sent) answers DUPLICATE and emits nothing again. The feed's"
                    + " credentials, size limit (connector.inbound.max-body-bytes) and rate limit (one token per request) apply.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = CanonicalReservation.class, maxItems = 100),
            examples = @ExampleObject(name = "three items", summary = "two bookings (one with an e-mail typo) and an invalid one",
                    value = EXAMPLE_BATCH)))
    @APIResponse(responseCode = "200", description = "Every item accepted (or a duplicate)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchResult.class)))
    @APIResponse(responseCode = "207", description = "At least one item rejected: see items[].problems",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchResult.class),
                    examples = @ExampleObject(name = "per item", value = EXAMPLE_ANSWER)))
    @APIResponse(responseCode = "400", description = "problem+json: not a JSON array, empty, or more than 100 items")
    @APIResponse(responseCode = "401", description = "problem+json: missing or wrong feed credential")
    @APIResponse(responseCode = "404", description = "problem+json: no such canonical JSON feed")
    @APIResponse(responseCode = "413", description = "problem+json: body larger than connector.inbound.max-body-bytes")
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

        JsonNode tree;
        try {
            tree = jsonReader.readTree(bytes);
        } catch (JsonProcessingException e) {
            metrics.rejected(feedId, "MALFORMED");
            return Problem.validation("The body is not a readable JSON array of canonical reservations.",
                    List.of(CanonicalReservationResource.jsonError(e))).toResponse();
        }
        if (tree == null || !tree.isArray() || tree.isEmpty()) {
            metrics.rejected(feedId, "MALFORMED");
            return Problem.validation("The body must be a non-empty JSON array of canonical reservations.",
                    List.of(new Problem.FieldError("items", "must be a non-empty array"))).toResponse();
        }
        if (tree.size() > CanonicalLimits.RESERVATIONS_PER_MESSAGE) {
            metrics.rejected(feedId, "TOO_LARGE");
            return Problem.validation("The batch is too large.", List.of(new Problem.FieldError("items",
                    "has more than " + CanonicalLimits.RESERVATIONS_PER_MESSAGE + " entries"))).toResponse();
        }

        List<ItemResult> results = new ArrayList<>();
        int accepted = 0;
        int duplicates = 0;
        int rejected = 0;
        for (int index = 0; index < tree.size(); index++) {
            ItemResult result = item(feed, index, tree.get(index));
            results.add(result);
            switch (result.outcome()) {
                case "ACCEPTED" -> accepted++;
                case "DUPLICATE" -> duplicates++;
                default -> rejected++;
            }
        }
        LOG.infof("Canonical batch on feed %s: %d item(s) accepted, %d duplicate(s), %d rejected.", feedId, accepted,
                duplicates, rejected);
        return Response.status(rejected == 0 ? 200 : 207).type(MediaType.APPLICATION_JSON)
                .entity(new BatchResult(accepted, duplicates, rejected, results)).build();
    }

    private ItemResult item(FeedAccess.Feed feed, int index, JsonNode node) throws IOException {
        String reservationId = node != null && node.path("pmsReservationId").isTextual()
                && node.path("pmsReservationId").textValue().length() <= CanonicalLimits.PMS_RESERVATION_ID
                ? node.path("pmsReservationId").textValue() : null;
        CanonicalReservation dto;
        try {
            dto = node == null || !node.isObject() ? null : jsonReader.convert(node, CanonicalReservation.class);
        } catch (JsonProcessingException e) {
            metrics.rejected(feed.feedId(), "INVALID_VALUE");
            return rejected(index, reservationId, List.of(CanonicalReservationResource.jsonError(e)));
        }
        if (dto == null) {
            metrics.rejected(feed.feedId(), "MALFORMED");
            return rejected(index, reservationId, List.of(new Problem.FieldError("item", "must be a JSON object")));
        }
        CanonicalItems.Checked checked = CanonicalItems.check(dto, validator);
        if (!checked.accepted()) {
            metrics.rejected(feed.feedId(), "INVALID_VALUE");
            LOG.infof("Canonical batch item %d on feed %s rejected: invalid fields %s.", index, feed.feedId(),
                    checked.problems().stream().map(Problem.FieldError::field).toList());
            refusedArchive.refusedJson(feed.feedId(), Tokens.sha256Hex(objectMapper.writeValueAsBytes(node)), dto,
                    checked.problems());
            return rejected(index, reservationId, checked.problems());
        }
        byte[] itemBytes = objectMapper.writeValueAsBytes(node);
        Receipt receipt = intake.record(new AcceptedMessage(feed.tenantId(), feed.feedId(), feed.defaultCurrency(),
                Tokens.sha256Hex(itemBytes), "CanonicalReservation",
                config.inbound().storeMaskedPayload() ? objectMapper.writeValueAsString(dto) : null,
                List.of(checked.reservation())));
        metrics.accepted(feed.feedId(), receipt.duplicate());
        if (!checked.warnings().isEmpty()) {
            metrics.fieldsDropped(feed.feedId(), checked.warnings());
        }
        return new ItemResult(index, checked.reservation().pmsReservationId(),
                receipt.duplicate() ? "DUPLICATE" : "ACCEPTED", receipt.messageId(), receipt.eventIds(),
                CanonicalItems.asErrors(checked.warnings()), List.of(), receipt.skipped());
    }

    private static ItemResult rejected(int index, String reservationId, List<Problem.FieldError> problems) {
        return new ItemResult(index, reservationId, "REJECTED", null, List.of(), List.of(), problems, List.of());
    }

}
