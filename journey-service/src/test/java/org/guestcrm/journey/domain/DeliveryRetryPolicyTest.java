package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DeliveryRetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final DeliveryRetryPolicy policy = new DeliveryRetryPolicy(4, Duration.ofSeconds(30));

    @Test
    void backOffDoublesAfterEachFailure() {
        assertEquals(Optional.of(NOW.plusSeconds(30)), policy.nextAttemptAfter(1, NOW));
        assertEquals(Optional.of(NOW.plusSeconds(60)), policy.nextAttemptAfter(2, NOW));
        assertEquals(Optional.of(NOW.plusSeconds(120)), policy.nextAttemptAfter(3, NOW));
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        assertTrue(policy.nextAttemptAfter(4, NOW).isEmpty());
        assertTrue(policy.nextAttemptAfter(9, NOW).isEmpty());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new DeliveryRetryPolicy(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new DeliveryRetryPolicy(1, Duration.ofSeconds(-1)));
    }
}
