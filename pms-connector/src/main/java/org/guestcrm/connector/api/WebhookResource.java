package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.RequestSignature;
import org.guestcrm.connector.messaging.WebhookFetchWorker;
import org.guestcrm.connector.persistence.WebhookFetches;
import org.guestcrm.connector.vendor.WebhookNotices;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The vendors' thin webhooks (feeds APALEO_WEBHOOK and MEWS_WEBHOOK). A notification names entities, not their state:
 * it is recorded (table {@code webhook_fetch}) and answered 202 at once; the {@link WebhookFetchWorker} then fetches
 * each entity from the feed's PMS API. Authenticated like every push: the feed's bearer token, an HMAC signature, or
 * HTTP basic authentication with the token as password (apaleo recommends basic authentication for webhook URLs).
 */
@PermitAll
@Path("/api/v1/feeds/{feedId}")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);

    /** What a webhook did: entities recorded for a fetch, events ignored (topics the connector does not follow). */
    public record Recorded(int recorded, int ignored) {
    }

    @Inject
    JsonFeedDoor door;
    @Inject
    InboundMetrics metrics;
    @Inject
    ConnectorConfig config;
    @Inject
    WebhookFetches fetches;
    @Inject
    WebhookFetchWorker worker;
    @Inject
    ObjectMapper json;

    @POST
    @Path("/apaleo")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "apaleo webhook: the reservation named by data.entityId is fetched from the Booking API")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "created",
            value = "{\"topic\": \"Reservation\", \"type\": \"created\", \"id\": \"ec5a1fe4-331c-450a-915c-5caa231cc825\","
                    + " \"accountId\": \"HFTF\", \"propertyId\": \"HFTF-AADS\", \"data\": {\"entityId\": \"XPGMSXGF-1\"},"
                    + " \"timestamp\": 1530741026}")))
    @APIResponse(responseCode = "202", description = "Recorded; the state is fetched shortly. Other topics (e.g. system healthcheck) are acknowledged and ignored")
    @APIResponse(responseCode = "400", description = "problem+json naming the unusable field (topic, type, data.entityId)")
    public Response apaleo(@PathParam("feedId") String feedId,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                           @HeaderParam(RequestSignature.SIGNATURE_HEADER) String signature,
                           @HeaderParam(RequestSignature.TIMESTAMP_HEADER) String signatureTimestamp,
                           InputStream body) throws IOException {
        return receive(feedId, FeedKind.APALEO_WEBHOOK, authorization, signature, signatureTimestamp, body);
    }

    @POST
    @Path("/mews")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Mews General Webhooks: ServiceOrderUpdated reservations and CustomerAdded/CustomerUpdated customers are fetched from the Connector API")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "events",
            value = "{\"EnterpriseId\": \"851df8c8-90f2-4c4a-8e01-a4fc46b25178\", \"IntegrationId\": \"c8bee838-7fb1-4f4e-8fac-ac87008b2f90\","
                    + " \"Events\": [{\"Discriminator\": \"ServiceOrderUpdated\", \"Value\": {\"Id\": \"bfee2c44-1f84-4326-a862-5289598f6e2d\"}},"
                    + " {\"Discriminator\": \"CustomerUpdated\", \"Value\": {\"Id\": \"35d4b117-4e60-44a3-9580-c582117eff98\"}}]}")))
    @APIResponse(responseCode = "202", description = "Recorded; the states are fetched shortly. Other discriminators are acknowledged and ignored")
    @APIResponse(responseCode = "400", description = "problem+json naming the unusable field (Events, Events[i].Discriminator, Events[i].Value.Id); nothing recorded")
    public Response mews(@PathParam("feedId") String feedId,
                         @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                         @HeaderParam(RequestSignature.SIGNATURE_HEADER) String signature,
                         @HeaderParam(RequestSignature.TIMESTAMP_HEADER) String signatureTimestamp,
                         InputStream body) throws IOException {
        return receive(feedId, FeedKind.MEWS_WEBHOOK, authorization, signature, signatureTimestamp, body);
    }

    private Response receive(String feedId, FeedKind kind, String authorization, String signature,
                             String signatureTimestamp, InputStream body) throws IOException {
        JsonFeedDoor.Entry entry = door.enter(feedId, kind, new FeedAccess.Presented(bearerFromBasic(authorization), signature, signatureTimestamp), body);
        if (entry.refused()) {
            return entry.refusal();
        }
        FeedAccess.Feed feed = entry.feed();
        byte[] bytes = entry.body();
        JsonNode tree;
        try {
            tree = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            metrics.rejected(feedId, "MALFORMED");
            LOG.infof("Webhook on feed %s rejected: the body is not JSON.", feedId);
            return Problem.validation("The webhook body is not JSON.",
                    List.of(new Problem.FieldError("body", "is not valid JSON"))).toResponse();
        }
        WebhookNotices.Read read = kind == FeedKind.APALEO_WEBHOOK ? WebhookNotices.apaleo(tree) : WebhookNotices.mews(tree);
        if (!read.problems().isEmpty()) {
            metrics.rejected(feedId, "INVALID_VALUE");
            LOG.infof("Webhook on feed %s rejected: unusable field(s) %s.", feedId,
                    read.problems().stream().map(WebhookNotices.Problem::field).toList());
            return Problem.validation("The webhook has unusable fields; nothing was recorded.", read.problems().stream()
                    .map(p -> new Problem.FieldError(p.field(), p.reason())).toList()).toResponse();
        }
        if (!read.notices().isEmpty()) {
            fetches.record(feedId, read.notices());
            worker.wake();
        }
        metrics.accepted(feedId, false);
        LOG.debugf("Webhook on feed %s: %d entit(ies) recorded for a fetch, %d event(s) ignored.", feedId,
                read.notices().size(), read.ignored());
        return Response.accepted(new Recorded(read.notices().size(), read.ignored())).type(MediaType.APPLICATION_JSON).build();
    }

    /** {@code Basic base64(user:token)} is read as {@code Bearer token}; any other header is passed on as it is. */
    static String bearerFromBasic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return authorization;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : "Bearer " + decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

}
