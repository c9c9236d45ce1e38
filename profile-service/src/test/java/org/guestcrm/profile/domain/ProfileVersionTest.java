package org.guestcrm.profile.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ProfileVersionTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void anythingIsNewerThanNothing() {
        assertTrue(new ProfileVersion(null, null, T0).isNewerThan(null));
    }

    @Test
    void pmsSequenceDecidesWhenBothHaveOne() {
        ProfileVersion seven = new ProfileVersion(7L, T0, T0);
        ProfileVersion eight = new ProfileVersion(8L, T0.minusSeconds(60), T0.minusSeconds(60));
        assertTrue(eight.isNewerThan(seven), "a higher sequence wins even with older timestamps");
        assertFalse(seven.isNewerThan(eight));
        assertFalse(seven.isNewerThan(seven), "the same sequence is not newer");
    }

    @Test
    void pmsUpdateTimeDecidesWhenASequenceIsMissing() {
        ProfileVersion older = new ProfileVersion(5L, T0, T0.plusSeconds(999));
        ProfileVersion newer = new ProfileVersion(null, T0.plusSeconds(1), T0);
        assertTrue(newer.isNewerThan(older));
        assertFalse(older.isNewerThan(newer));
    }

    @Test
    void occurredAtDecidesWhenThePmsSaysNothing() {
        ProfileVersion older = new ProfileVersion(null, null, T0);
        ProfileVersion newer = new ProfileVersion(null, null, T0.plusMillis(1));
        assertTrue(newer.isNewerThan(older));
        assertFalse(older.isNewerThan(newer));
        assertFalse(older.isNewerThan(older));
    }
}
