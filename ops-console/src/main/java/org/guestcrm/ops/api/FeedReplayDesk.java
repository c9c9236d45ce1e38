package org.guestcrm.ops.api;

import java.time.Duration;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.ops.config.OpsConfig;
import org.guestcrm.platform.security.Roles;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A feed's raw-archive replay from the ops page: after a mapping fix, the operator re-runs the messages a feed sent in a
 * time range through today's parsing (the pms-connector's {@code POST /api/v1/feeds/{feedId}/replay}). The console
 * decides nothing: the call goes to the connector ({@code ops.feeds-service}) with the caller's own token, so the
 * connector checks the role ({@code admin} of the feed's tenant), bounds the range, records the caller in its audit
 * trail and {@code feed_replay}, and its answer (the counts, or a problem naming {@code from} or {@code to}) comes back
 * as it is. Like every console call, it needs role {@code ops} with every tenant.
 */
@Path("/api/v1/ops/feeds/{feedId}")
@Tag(name = "Operations")
@Blocking
public class FeedReplayDesk {

    private static final Pattern FEED = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    @Inject
    OpsConfig config;
    @Inject
    ServiceCalls calls;

    @POST
    @Path("/replay")
    @RolesAllowed(Roles.OPS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replay a feed's archived messages of a range {from, to} through today's parsing (forwarded to the connector with the caller's token)")
    public Response replay(@PathParam("feedId") String feedId, JsonNode body,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String base = calls.base(config.feedsService());
        checkFeed(feedId);
        // A replay runs while the request waits (bounded by the connector to 20,000 messages): a longer timeout.
        return calls.forward(config.feedsService(), ServiceCalls.request(base + "/api/v1/feeds/"
                + ServiceCalls.encode(feedId) + "/replay", authorization, Duration.ofMinutes(10))
                .header("Content-Type", MediaType.APPLICATION_JSON).POST(ServiceCalls.body(body)).build());
    }

    @GET
    @Path("/replays")
    @RolesAllowed(Roles.OPS)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The feed's replays, newest first (forwarded): who asked, the range, the counts")
    public Response replays(@PathParam("feedId") String feedId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String base = calls.base(config.feedsService());
        checkFeed(feedId);
        return calls.forward(config.feedsService(), ServiceCalls.request(base + "/api/v1/feeds/"
                + ServiceCalls.encode(feedId) + "/replays?limit=20", authorization).GET().build());
    }

    private static void checkFeed(String feedId) {
        if (!FEED.matcher(feedId).matches()) {
            throw ServiceCalls.invalid("feedId", "a feed id (1-100 letters, digits, . _ -)");
        }
    }
}
