package org.guestcrm.connector.domain;

import java.util.function.LongSupplier;

/**
 * A token bucket: holds up to {@code capacity} tokens, refills {@code refillPerSecond} tokens a second,
 * and each request takes one. Thread-safe; the clock (nanoseconds) is passed in so tests need no sleeping.
 */
public final class TokenBucket {

    private final double capacity;
    private final double refillPerNano;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastRefill;

    public TokenBucket(int capacity, double refillPerSecond, LongSupplier nanoClock) {
        if (capacity < 1 || !(refillPerSecond > 0)) {
            throw new IllegalArgumentException("a token bucket needs a capacity >= 1 and a positive refill rate");
        }
        this.capacity = capacity;
        this.refillPerNano = refillPerSecond / 1_000_000_000d;
        this.nanoClock = nanoClock;
        this.tokens = capacity;
        this.lastRefill = nanoClock.getAsLong();
    }

    /** Takes a token: 0 when granted, else how many whole seconds (at least 1) until one is available. */
    public synchronized long tryTake() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(capacity, tokens + (now - lastRefill) * refillPerNano);
        lastRefill = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        double nanosUntilOne = (1 - tokens) / refillPerNano;
        return Math.max(1, (long) Math.ceil(nanosUntilOne / 1_000_000_000d));
    }
}
