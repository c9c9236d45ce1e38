package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

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
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.messaging.InboundMessageIntake;
import org.guestcrm.connector.messaging.InboundMessageIntake.AcceptedMessage;
import org.guestcrm.connector.messaging.InboundMessageIntake.Receipt;
import org.guestcrm.connector.ota.OtaRejection;
import org.guestcrm.connector.ota.OtaReservationId;
import org.guestcrm.connector.ota.OtaReservationParser;
import org.guestcrm.connector.ota.OtaResponseWriter;
import org.guestcrm.connector.ota.ParsedOtaMessage;
import org.guestcrm.connector.ota.ParsedOtaMessage.ParsedReservation;
import org.jboss.logging.Logger;

/** OpenTravel push: OTA_HotelResNotifRQ / OTA_HotelResModifyNotifRQ in, the matching RS out. */
@Path("/api/v1/feeds/{feedId}/ota")
public class OtaReservationResource {

    private static final Logger LOG = Logger.getLogger(OtaReservationResource.class);
    private static final String XML_UTF8 = "application/xml;charset=UTF-8";

    private final OtaReservationParser parser = new OtaReservationParser();
    private final OtaResponseWriter responses = new OtaResponseWriter();

    @Inject
    FeedAccess feedAccess;

    @Inject
    InboundMessageIntake intake;

    @Inject
    InboundMetrics metrics;

    @Inject
    ConnectorConfig config;

    @POST
    @Consumes({MediaType.APPLICATION_XML, MediaType.TEXT_XML})
    @Produces({MediaType.APPLICATION_XML, Problem.MEDIA_TYPE})
    @Operation(summary = "Push an OTA_HotelResNotifRQ or OTA_HotelResModifyNotifRQ",
            description = "Answers the OTA RS: Success with the reservation ids once the message is stored; Errors naming the element at fault otherwise.")
    @APIResponse(responseCode = "200", description = "OTA RS with Success")
    @APIResponse(responseCode = "400", description = "OTA RS with Errors: malformed or invalid message")
    @APIResponse(responseCode = "401", description = "OTA RS with Errors: missing or wrong bearer token")
    @APIResponse(responseCode = "404", description = "problem+json: no such OpenTravel feed")
    @APIResponse(responseCode = "413", description = "OTA RS with Errors: body larger than connector.inbound.max-body-bytes")
    public Response receive(@PathParam("feedId") String feedId,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            InputStream body) throws IOException {
        FeedAccess.Feed feed;
        try {
            feed = feedAccess.authorize(feedId, FeedKind.OTA_XML, authorization);
        } catch (FeedAccess.Denied denied) {
            metrics.rejected(denied.status == Response.Status.NOT_FOUND ? "unknown" : feedId, denied.status.name());
            LOG.infof("OTA message on feed %s refused with status %d.", denied.status == Response.Status.NOT_FOUND ? "(unknown)" : feedId,
                    denied.status.getStatusCode());
            if (denied.status == Response.Status.UNAUTHORIZED) {
                return otaError(Response.Status.UNAUTHORIZED,
                        new OtaRejection(OtaRejection.Kind.UNAUTHORIZED, denied.getMessage()));
            }
            return Problem.of(denied.status, denied.getMessage()).toResponse();
        }

        int limit = config.inbound().maxBodyBytes();
        byte[] bytes = body.readNBytes(limit + 1);
        if (bytes.length > limit) {
            metrics.rejected(feedId, "TOO_LARGE");
            LOG.infof("OTA message on feed %s refused: body larger than %d bytes.", feedId, limit);
            return otaError(Response.Status.REQUEST_ENTITY_TOO_LARGE, new OtaRejection(OtaRejection.Kind.TOO_LARGE,
                    "the message body exceeds " + limit + " bytes"));
        }

        ParsedOtaMessage message;
        try {
            message = parser.parse(bytes);
        } catch (OtaRejection rejection) {
            metrics.rejected(feedId, rejection.kind().name());
            LOG.infof("OTA message on feed %s rejected (%s): %s", feedId, rejection.kind(), rejection.getMessage());
            return otaError(Response.Status.BAD_REQUEST, rejection);
        }

        Receipt receipt = intake.record(new AcceptedMessage(
                feed.tenantId(),
                feed.feedId(),
                feed.defaultCurrency(),
                Tokens.sha256Hex(bytes),
                message.envelope().messageType().requestRoot,
                config.inbound().storeMaskedPayload() ? message.cardFreeXml() : null,
                message.reservations().stream().map(ParsedReservation::reservation).toList()));
        metrics.accepted(feedId, receipt.duplicate());
        List<List<OtaReservationId>> ids = message.reservations().stream().map(ParsedReservation::reservationIds).toList();
        return Response.ok(responses.success(message.envelope(), ids), XML_UTF8)
                .header("X-Message-Id", receipt.messageId().toString())
                .build();
    }

    private Response otaError(Response.Status status, OtaRejection rejection) {
        return Response.status(status).type(XML_UTF8).entity(responses.error(rejection.envelope(), rejection)).build();
    }
}
