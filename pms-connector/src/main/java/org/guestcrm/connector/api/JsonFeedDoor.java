package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;

/**
 * The door every JSON push of a feed goes through before its body is read (canonical reservation, canonical batch,
 * vendor webhooks), in this order: the feed exists and takes this kind (404), the body is within
 * {@code connector.inbound.max-body-bytes} (413), the request authenticates on the feed and the feed is not paused
 * (401, 503 with Retry-After), the feed's rate limit (429 with Retry-After). Each refusal is a problem+json and is
 * counted by reason. The OpenTravel door answers in OTA RS documents instead and keeps its own sequence.
 */
@ApplicationScoped
public class JsonFeedDoor {

    /** Either the admitted feed and the body read, or the refusal to answer. */
    public record Entry(FeedAccess.Feed feed, byte[] body, Response refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    @Inject
    FeedAccess feedAccess;
    @Inject
    InboundMetrics metrics;
    @Inject
    ConnectorConfig config;
    @Inject
    FeedRateLimiter rateLimiter;

    public Entry enter(String feedId, FeedKind kind, FeedAccess.Presented presented, InputStream body) throws IOException {
        FeedAccess.Feed feed;
        try {
            feed = feedAccess.find(feedId, kind);
        } catch (FeedAccess.Denied denied) {
            metrics.rejected("unknown", denied.status.name());
            return refused(refusal(denied));
        }
        int limit = config.inbound().maxBodyBytes();
        byte[] bytes = body.readNBytes(limit + 1);
        if (bytes.length > limit) {
            metrics.rejected(feedId, "TOO_LARGE");
            return refused(Problem.of(Response.Status.REQUEST_ENTITY_TOO_LARGE, "The body exceeds " + limit + " bytes.")
                    .toResponse());
        }
        try {
            feedAccess.authenticate(feed, presented, bytes);
        } catch (FeedAccess.Denied denied) {
            metrics.rejected(feedId, denied.status.name());
            return refused(refusal(denied));
        }
        long retryAfter = rateLimiter.tryAcquire(feedId);
        if (retryAfter > 0) {
            metrics.rejected(feedId, "RATE_LIMITED");
            return refused(Response.fromResponse(Problem.of(Response.Status.TOO_MANY_REQUESTS, "Feed " + feedId
                            + " sends faster than its rate limit; retry in " + retryAfter + " s.").toResponse())
                    .header(HttpHeaders.RETRY_AFTER, retryAfter).build());
        }
        return new Entry(feed, bytes, null);
    }

    /** A feed access refusal as problem+json, with Retry-After for a paused feed. */
    static Response refusal(FeedAccess.Denied denied) {
        Response.ResponseBuilder response = Response.fromResponse(Problem.of(denied.status, denied.getMessage()).toResponse());
        if (denied.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, denied.retryAfterSeconds());
        }
        return response.build();
    }

    private static Entry refused(Response refusal) {
        return new Entry(null, null, refusal);
    }
}
