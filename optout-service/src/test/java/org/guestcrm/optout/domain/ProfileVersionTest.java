package org.guestcrm.optout.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ProfileVersionTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void sequenceThenPmsTimeThenOccurredAt() {
        assertTrue(new ProfileVersion(2L, T0, T0).isNewerThan(new ProfileVersion(1L, T0.plusSeconds(9), T0.plusSeconds(9))));
        assertTrue(new ProfileVersion(null, T0.plusSeconds(1), T0).isNewerThan(new ProfileVersion(1L, T0, T0.plusSeconds(9))));
        assertTrue(new ProfileVersion(null, null, T0.plusSeconds(1)).isNewerThan(new ProfileVersion(null, null, T0)));
        assertFalse(new ProfileVersion(1L, T0, T0).isNewerThan(new ProfileVersion(1L, T0, T0)));
    }

    @Test
    void effectiveAtIsThePmsTimeWhenKnown() {
        assertEquals(T0, new ProfileVersion(null, T0, T0.plusSeconds(5)).effectiveAt());
        assertEquals(T0.plusSeconds(5), new ProfileVersion(null, null, T0.plusSeconds(5)).effectiveAt());
    }
}
