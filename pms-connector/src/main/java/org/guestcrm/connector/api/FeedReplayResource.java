package org.guestcrm.connector.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.messaging.FeedReplay;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.connector.persistence.RawArchive;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.api.Problems;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Replay of a feed's raw archive for a time range (after a mapping fix), role {@code admin} of the feed's tenant (another
 * tenant's feed is 404 like a missing one). Runs while the request waits, bounded by {@code connector.replay.max-range}
 * and {@code connector.replay.max-messages}; the audit trail records the request, {@code feed_replay} its outcome.
 */
@Path("/api/v1/feeds/{feedId}")
@Tag(name = "Feeds")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class FeedReplayResource {

    @Schema(name = "ReplayRequest", description = "The range of receipt times to replay: from (inclusive) to (exclusive)")
    public record ReplayRequest(
            @Schema(description = "ISO-8601 instant with offset, e.g. 2026-12-01T00:00:00Z", required = true) String from,
            @Schema(description = "ISO-8601 instant with offset, after from; at most connector.replay.max-range later", required = true) String to) {
    }

    @Schema(name = "Replay", description = "What a replay re-ran: messages of the range, re-emitted (a message whose events"
            + " changed, or refused before and accepted now), unchanged (nothing new), refused (today's code refuses it),"
            + " notReplayable (no payload kept)")
    public record ReplayAnswer(UUID replayId, String feedId, Instant from, Instant to, int messages, int reEmitted,
                               int unchanged, int refused, int notReplayable, int eventsEmitted) {
    }

    @Inject
    TenantAccess access;
    @Inject
    FeedReplay replay;
    @Inject
    RawArchive archive;
    @Inject
    ConnectorConfig config;

    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replay the feed's archived messages received in a range through today's parsing and mapping",
            description = "In received order, one transaction per message; unchanged content emits nothing, changed content"
                    + " and messages refused before but accepted now emit their events, marked history (never a trigger"
                    + " for guest mail).")
    @APIResponse(responseCode = "200", description = "The replay's counts")
    @APIResponse(responseCode = "400", description = "problem+json naming from or to (missing, unreadable, empty or too long a range, too many messages)")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public Response replay(@PathParam("feedId") String feedId, ReplayRequest request, @Context UriInfo uri) {
        FeedEntity feed = QuarkusTransaction.requiringNew().call(() -> feed(feedId));
        if (feed == null) {
            return Problems.of(404, "about:blank", "Not Found", "No feed " + feedId + ".", uri, List.of());
        }
        List<Problem.InvalidParam> problems = new ArrayList<>();
        Instant from = instant(request == null ? null : request.from(), "from", problems);
        Instant to = instant(request == null ? null : request.to(), "to", problems);
        if (from != null && to != null) {
            Duration max = config.replay().maxRange();
            if (!from.isBefore(to)) {
                problems.add(new Problem.InvalidParam("to", "must be after from"));
            } else if (Duration.between(from, to).compareTo(max) > 0) {
                problems.add(new Problem.InvalidParam("to", "must be at most " + max.toDays() + " days ("
                        + max.toHours() + " h) after from; replay a longer period in parts"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("The replay range is invalid.", problems);
        }
        FeedReplay.Outcome outcome;
        try {
            outcome = replay.replay(new FeedReplay.Feed(feed.feedId, feed.tenantId,
                    feed.defaultCurrency != null ? feed.defaultCurrency : config.defaultCurrency()), from, to, actor());
        } catch (FeedReplay.TooManyMessages tooMany) {
            throw new InvalidRequestException("The replay range holds too many messages.", List.of(new Problem.InvalidParam(
                    "to", "the range holds " + tooMany.found + " archived messages, more than "
                    + config.replay().maxMessages() + " (connector.replay.max-messages); replay it in parts")));
        }
        return Response.ok(new ReplayAnswer(outcome.replayId(), outcome.feedId(), outcome.from(), outcome.to(),
                outcome.messages(), outcome.reEmitted(), outcome.unchanged(), outcome.refused(), outcome.notReplayable(),
                outcome.eventsEmitted())).build();
    }

    @GET
    @Path("/replays")
    @Operation(summary = "The feed's replays, newest first: who asked, the range, the counts, when it finished")
    @APIResponse(responseCode = "200", description = "The replays")
    @APIResponse(responseCode = "400", description = "problem+json naming limit")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public Response replays(@PathParam("feedId") String feedId, @QueryParam("limit") @DefaultValue("20") int limit,
                            @Context UriInfo uri) {
        FeedEntity feed = QuarkusTransaction.requiringNew().call(() -> feed(feedId));
        if (feed == null) {
            return Problems.of(404, "about:blank", "Not Found", "No feed " + feedId + ".", uri, List.of());
        }
        if (limit < 1 || limit > 200) {
            throw new InvalidRequestException("The query has invalid parameters.",
                    List.of(new Problem.InvalidParam("limit", "must be 1-200")));
        }
        return Response.ok(archive.replays(feedId, limit)).build();
    }

    private String actor() {
        String actor = access.actor();
        return actor == null || actor.isBlank() ? "unknown" : actor;
    }

    private FeedEntity feed(String feedId) {
        FeedEntity feed = FeedEntity.findById(feedId);
        if (feed == null || feed.deletedAt != null) {
            return null;
        }
        return access.mayAccess(feed.tenantId) ? feed : null;
    }

    private static Instant instant(String value, String field, List<Problem.InvalidParam> problems) {
        if (value == null || value.isBlank()) {
            problems.add(new Problem.InvalidParam(field, "is required (an ISO-8601 instant with offset)"));
            return null;
        }
        try {
            Instant instant = java.time.OffsetDateTime.parse(value.trim()).toInstant();
            if (instant.isBefore(Instant.parse("1900-01-01T00:00:00Z"))
                    || instant.isAfter(Instant.parse("2199-12-31T23:59:59Z"))) {
                problems.add(new Problem.InvalidParam(field, "must lie in 1900-2199"));
                return null;
            }
            return instant;
        } catch (java.time.format.DateTimeParseException e) {
            problems.add(new Problem.InvalidParam(field, "is not an ISO-8601 instant with an offset"));
            return null;
        }
    }
}
