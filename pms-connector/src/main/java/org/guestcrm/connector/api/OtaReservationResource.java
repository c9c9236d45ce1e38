package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.guestcrm.connector.domain.FieldWarning;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.RequestSignature;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.messaging.InboundMessageIntake;
import org.guestcrm.connector.messaging.InboundMessageIntake.AcceptedMessage;
import org.guestcrm.connector.messaging.InboundMessageIntake.Receipt;
import org.guestcrm.connector.ota.OtaRejection;
import org.guestcrm.connector.ota.OtaReservationId;
import org.guestcrm.connector.ota.OtaEnvelope;
import org.guestcrm.connector.ota.OtaInbound;
import org.guestcrm.connector.ota.ParsedCancelMessage;
import org.guestcrm.connector.ota.ParsedProfileMessage;
import org.guestcrm.connector.ota.OtaResponseWriter;
import org.guestcrm.connector.ota.ParsedOtaMessage;
import org.guestcrm.connector.ota.ParsedOtaMessage.ParsedReservation;
import org.jboss.logging.Logger;

/**
 * OpenTravel push: OTA_HotelResNotifRQ, OTA_HotelResModifyNotifRQ, OTA_ProfileCreateRQ, OTA_ProfileModifyRQ,
 * OTA_ProfileMergeRQ and OTA_CancelRQ in (the root element decides), the matching RS out.
 */
@PermitAll
@Path("/api/v1/feeds/{feedId}/ota")
public class OtaReservationResource {

    private static final Logger LOG = Logger.getLogger(OtaReservationResource.class);
    private static final String XML_UTF8 = "application/xml;charset=UTF-8";

    private final OtaInbound inbound = new OtaInbound();
    private final OtaResponseWriter responses = new OtaResponseWriter();

    @Inject
    FeedAccess feedAccess;

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
    FeedRateLimiter rateLimiter;

    @POST
    @Consumes({MediaType.APPLICATION_XML, MediaType.TEXT_XML})
    @Produces({MediaType.APPLICATION_XML, Problem.MEDIA_TYPE})
    @Operation(summary = "Push an OTA_HotelResNotifRQ, OTA_HotelResModifyNotifRQ, OTA_ProfileCreateRQ, OTA_ProfileModifyRQ, OTA_ProfileMergeRQ or OTA_CancelRQ",
            description = "The root element decides. Answers the matching OTA RS: Success (with Warnings for dropped optional fields) and the ids once the message is stored; Errors naming the element at fault otherwise.")
    @APIResponse(responseCode = "200", description = "OTA RS with Success")
    @APIResponse(responseCode = "400", description = "OTA RS with Errors: malformed or invalid message")
    @APIResponse(responseCode = "401", description = "OTA RS with Errors: missing or wrong bearer token")
    @APIResponse(responseCode = "404", description = "problem+json: no such OpenTravel feed")
    @APIResponse(responseCode = "413", description = "OTA RS with Errors: body larger than connector.inbound.max-body-bytes")
    @APIResponse(responseCode = "429", description = "OTA RS with Errors: the feed's rate limit is exceeded; Retry-After says when to retry")
    public Response receive(@PathParam("feedId") String feedId,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @HeaderParam(RequestSignature.SIGNATURE_HEADER) String signature,
                            @HeaderParam(RequestSignature.TIMESTAMP_HEADER) String signatureTimestamp,
                            InputStream body) throws IOException {
        FeedAccess.Feed feed;
        try {
            feed = feedAccess.find(feedId, FeedKind.OTA_XML);
        } catch (FeedAccess.Denied denied) {
            metrics.rejected("unknown", denied.status.name());
            LOG.infof("OTA message on an unknown feed refused with status %d.", denied.status.getStatusCode());
            return JsonFeedDoor.refusal(denied);
        }

        int limit = config.inbound().maxBodyBytes();
        byte[] bytes = body.readNBytes(limit + 1);
        if (bytes.length > limit) {
            metrics.rejected(feedId, "TOO_LARGE");
            LOG.infof("OTA message on feed %s refused: body larger than %d bytes.", feedId, limit);
            return otaError(Response.Status.REQUEST_ENTITY_TOO_LARGE, new OtaRejection(OtaRejection.Kind.TOO_LARGE,
                    "the message body exceeds " + limit + " bytes"));
        }

        try {
            feedAccess.authenticate(feed, new FeedAccess.Presented(authorization, signature, signatureTimestamp), bytes);
        } catch (FeedAccess.Denied denied) {
            metrics.rejected(feedId, denied.status.name());
            LOG.infof("OTA message on feed %s refused with status %d.", feedId, denied.status.getStatusCode());
            if (denied.status == Response.Status.UNAUTHORIZED) {
                return otaError(Response.Status.UNAUTHORIZED,
                        new OtaRejection(OtaRejection.Kind.UNAUTHORIZED, denied.getMessage()));
            }
            return JsonFeedDoor.refusal(denied);
        }

        long retryAfter = rateLimiter.tryAcquire(feedId);
        if (retryAfter > 0) {
            metrics.rejected(feedId, "RATE_LIMITED");
            return Response.fromResponse(otaError(Response.Status.TOO_MANY_REQUESTS, new OtaRejection(
                            OtaRejection.Kind.RATE_LIMITED, "feed " + feedId + " sends faster than its rate limit; retry in "
                            + retryAfter + " s")))
                    .header(HttpHeaders.RETRY_AFTER, retryAfter).build();
        }

        OtaInbound.Message read;
        try {
            read = inbound.read(bytes);
        } catch (OtaRejection rejection) {
            metrics.rejected(feedId, rejection.kind().name());
            LOG.infof("OTA message on feed %s rejected (%s): %s", feedId, rejection.kind(), rejection.getMessage());
            // The rejection names the element or attribute, never its value, so it may be logged.
            refusedArchive.refusedOta(feedId, bytes, rejection.kind() + ": " + rejection.getMessage());
            return otaError(Response.Status.BAD_REQUEST, rejection);
        }
        if (read.profiles() != null) {
            return profiles(feed, bytes, read.profiles());
        }
        if (read.cancel() != null) {
            return cancel(feed, bytes, read.cancel());
        }
        ParsedOtaMessage message = read.reservations();

        Receipt receipt = groupCommit.record(new AcceptedMessage(
                feed.tenantId(),
                feed.feedId(),
                feed.defaultCurrency(),
                Tokens.sha256Hex(bytes),
                message.envelope().messageType().requestRoot,
                config.inbound().storeMaskedPayload() ? message.cardFreeXml() : null,
                message.reservations().stream().map(ParsedReservation::reservation).toList()));
        metrics.accepted(feedId, receipt.duplicate());
        if (!message.warnings().isEmpty()) {
            metrics.fieldsDropped(feedId, message.warnings());
            LOG.infof("OTA message %s on feed %s accepted with %d optional field(s) dropped: %s", receipt.messageId(), feedId,
                    message.warnings().size(), message.warnings().stream().map(w -> w.location()).toList());
        }
        List<List<OtaReservationId>> ids = message.reservations().stream().map(ParsedReservation::reservationIds).toList();
        return Response.ok(responses.success(message.envelope(), ids, message.warnings()), XML_UTF8)
                .header("X-Message-Id", receipt.messageId().toString())
                .build();
    }

    private Response profiles(FeedAccess.Feed feed, byte[] bytes, ParsedProfileMessage message) {
        Receipt receipt = groupCommit.record(new AcceptedMessage(feed.tenantId(), feed.feedId(), feed.defaultCurrency(),
                Tokens.sha256Hex(bytes), message.envelope().messageType().requestRoot,
                config.inbound().storeMaskedPayload() ? message.cardFreeXml() : null, List.of(), message.changes(),
                List.of()));
        accepted(feed.feedId(), receipt, message.envelope(), message.retransmission(), message.warnings());
        return Response.ok(responses.profileSuccess(message.envelope(), message.echoedId(), message.warnings()), XML_UTF8)
                .header("X-Message-Id", receipt.messageId().toString())
                .build();
    }

    private Response cancel(FeedAccess.Feed feed, byte[] bytes, ParsedCancelMessage message) {
        List<FieldWarning> warnings = new ArrayList<>(message.warnings());
        Receipt receipt;
        try {
            receipt = groupCommit.record(new AcceptedMessage(feed.tenantId(), feed.feedId(), feed.defaultCurrency(),
                    Tokens.sha256Hex(bytes), message.envelope().messageType().requestRoot,
                    config.inbound().storeMaskedPayload() ? message.cardFreeXml() : null, List.of(), List.of(),
                    message.cancellation() == null ? List.of() : List.of(message.cancellation())));
        } catch (InboundMessageIntake.Refused refused) {
            metrics.rejected(feed.feedId(), OtaRejection.Kind.UNKNOWN_RESERVATION.name());
            LOG.infof("OTA_CancelRQ on feed %s rejected: %s %s", feed.feedId(), refused.field(), refused.getMessage());
            refusedArchive.refusedOta(feed.feedId(), bytes, refused.field() + " " + refused.getMessage());
            return otaError(Response.Status.BAD_REQUEST, new OtaRejection(OtaRejection.Kind.UNKNOWN_RESERVATION,
                    refused.field() + " " + refused.getMessage()).withEnvelope(message.envelope()));
        }
        for (String reservationId : receipt.heldCancellations()) {
            warnings.add(new FieldWarning("pmsReservationId", "UniqueID", "names a reservation not received yet; the"
                    + " cancellation is held, so an older version of it arriving later is not emitted"));
            LOG.infof("OTA_CancelRQ %s on feed %s cancels reservation %s, not received yet: held as its version.",
                    receipt.messageId(), feed.feedId(), reservationId);
        }
        accepted(feed.feedId(), receipt, message.envelope(), message.retransmission(), warnings);
        return Response.ok(responses.cancelSuccess(message.envelope(), message.echoedId(), message.cancellation() != null,
                        warnings), XML_UTF8)
                .header("X-Message-Id", receipt.messageId().toString())
                .build();
    }

    private void accepted(String feedId, Receipt receipt, OtaEnvelope envelope, boolean retransmission,
                          List<FieldWarning> warnings) {
        metrics.accepted(feedId, receipt.duplicate());
        if (retransmission) {
            metrics.retransmission(feedId, receipt.eventIds().isEmpty());
        }
        List<FieldWarning> dropped = warnings.stream().filter(w -> !"cancelType".equals(w.field())
                && !"pmsReservationId".equals(w.field())).toList();
        if (!dropped.isEmpty()) {
            metrics.fieldsDropped(feedId, dropped);
        }
        LOG.debugf("%s %s on feed %s accepted: %d event(s) in the outbox, %d unchanged, %d warning(s)%s.",
                envelope.messageType().requestRoot, receipt.messageId(), feedId, receipt.eventIds().size(),
                receipt.skipped().size(), warnings.size(), retransmission ? " (marked as a retransmission)" : "");
    }

    private Response otaError(Response.Status status, OtaRejection rejection) {
        return Response.status(status).type(XML_UTF8).entity(responses.error(rejection.envelope(), rejection)).build();
    }

}
