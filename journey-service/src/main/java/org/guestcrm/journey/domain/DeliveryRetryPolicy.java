package org.guestcrm.journey.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Bounded retry with exponential back-off for a failed delivery: after attempt {@code n} fails, the next attempt is
 * {@code initialBackoff * 2^(n-1)} later, until {@code maxAttempts} attempts have failed.
 */
public record DeliveryRetryPolicy(int maxAttempts, Duration initialBackoff) {

    public DeliveryRetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative");
        }
    }

    /** When to try again after {@code failedAttempts} failed attempts, or empty when it is time to give up. */
    public Optional<Instant> nextAttemptAfter(int failedAttempts, Instant now) {
        if (failedAttempts >= maxAttempts) {
            return Optional.empty();
        }
        long factor = 1L << Math.min(Math.max(failedAttempts - 1, 0), 20);
        return Optional.of(now.plus(initialBackoff.multipliedBy(factor)));
    }
}
