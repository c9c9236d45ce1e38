package org.guestcrm.connector.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.persistence.FeedEntity;

/** Resolves the feed of a push request and checks its bearer token (never logged). */
@ApplicationScoped
public class FeedAccess {

    /** What the rest of the request needs to know about its feed. */
    public record Feed(String feedId, String tenantId, FeedKind kind, String defaultCurrency) {
    }

    /** Why a request may not use a feed; {@code status} is 404, 403 or 401. */
    public static class Denied extends RuntimeException {
        public final Response.Status status;

        Denied(Response.Status status, String detail) {
            super(detail);
            this.status = status;
        }
    }

    private final ConnectorConfig config;

    FeedAccess(ConnectorConfig config) {
        this.config = config;
    }

    @Transactional
    public Feed authorize(String feedId, FeedKind expectedKind, String authorizationHeader) {
        FeedEntity feed = FeedEntity.findById(feedId);
        if (feed == null || feed.kind != expectedKind) {
            throw new Denied(Response.Status.NOT_FOUND, feed == null
                    ? "No feed " + feedId + " exists."
                    : "Feed " + feedId + " does not accept this format; it is a " + feed.kind + " feed.");
        }
        String token = bearerToken(authorizationHeader);
        if (!Tokens.matches(token, feed.tokenSha256)) {
            throw new Denied(Response.Status.UNAUTHORIZED, "A valid bearer token for feed " + feedId + " is required.");
        }
        if (!feed.enabled) {
            throw new Denied(Response.Status.FORBIDDEN, "Feed " + feedId + " is disabled.");
        }
        return new Feed(feed.feedId, feed.tenantId, feed.kind,
                feed.defaultCurrency != null ? feed.defaultCurrency : config.defaultCurrency());
    }

    private static String bearerToken(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).trim();
    }
}
