package org.guestcrm.connector.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.TokenBucket;

/**
 * One token bucket per feed ({@code connector.rate-limit.feeds.<feedId>}, else {@code connector.rate-limit.default}).
 * The buckets live in this replica's memory: N replicas admit up to N times the rate, which bounds the load each
 * replica takes (the point of the limit) without a shared store.
 */
@ApplicationScoped
public class FeedRateLimiter {

    private final ConnectorConfig.RateLimit config;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    FeedRateLimiter(ConnectorConfig config) {
        this.config = config.rateLimit();
    }

    /** 0 when the request may proceed, else the seconds to wait (for Retry-After). */
    public long tryAcquire(String feedId) {
        if (!config.enabled()) {
            return 0;
        }
        return buckets.computeIfAbsent(feedId, id -> {
            ConnectorConfig.RateLimit.Bucket bucket = config.feeds().getOrDefault(id, config.defaults());
            return new TokenBucket(bucket.capacity(), bucket.perSecond(), System::nanoTime);
        }).tryTake();
    }
}
