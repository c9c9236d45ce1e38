package org.guestcrm.platform.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The ordering rule of reservation snapshots (journey-service) and profile snapshots (profile-, optout-service). */
class SnapshotVersionTest {

    private static final Instant T1 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-22T11:00:00Z");
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void anythingIsNewerThanNothing() {
        assertTrue(new SnapshotVersion(null, null, T1).isNewerThan(null));
    }

    @Test
    void sequenceDecidesWhenBothHaveOne() {
        // The higher sequence wins even though its timestamps are older.
        assertTrue(new SnapshotVersion(5L, T1, T1).isNewerThan(new SnapshotVersion(4L, T2, T2)));
        assertFalse(new SnapshotVersion(4L, T2, T2).isNewerThan(new SnapshotVersion(5L, T1, T1)));
    }

    @Test
    void theSameSequenceIsNotNewer() {
        assertFalse(new SnapshotVersion(5L, T2, T2).isNewerThan(new SnapshotVersion(5L, T1, T1)));
    }

    @Test
    void modificationTimeDecidesWithoutSequences() {
        assertTrue(new SnapshotVersion(null, T2, T1).isNewerThan(new SnapshotVersion(3L, T1, T2)));
        assertFalse(new SnapshotVersion(null, T1, T2).isNewerThan(new SnapshotVersion(null, T2, T1)));
        assertFalse(new SnapshotVersion(null, T1, T2).isNewerThan(new SnapshotVersion(null, T1, T1)));
    }

    @Test
    void occurredAtDecidesAsALastResort() {
        assertTrue(new SnapshotVersion(null, null, T2).isNewerThan(new SnapshotVersion(null, T1, T1)));
        assertFalse(new SnapshotVersion(null, null, T1).isNewerThan(new SnapshotVersion(null, null, T2)));
        assertFalse(new SnapshotVersion(null, null, T1).isNewerThan(new SnapshotVersion(null, null, T1)));
    }

    // From profile-service's ProfileVersionTest.

    @Test
    void pmsSequenceDecidesWhenBothHaveOne() {
        SnapshotVersion seven = new SnapshotVersion(7L, T0, T0);
        SnapshotVersion eight = new SnapshotVersion(8L, T0.minusSeconds(60), T0.minusSeconds(60));
        assertTrue(eight.isNewerThan(seven), "a higher sequence wins even with older timestamps");
        assertFalse(seven.isNewerThan(eight));
        assertFalse(seven.isNewerThan(seven), "the same sequence is not newer");
    }

    @Test
    void pmsUpdateTimeDecidesWhenASequenceIsMissing() {
        SnapshotVersion older = new SnapshotVersion(5L, T0, T0.plusSeconds(999));
        SnapshotVersion newer = new SnapshotVersion(null, T0.plusSeconds(1), T0);
        assertTrue(newer.isNewerThan(older));
        assertFalse(older.isNewerThan(newer));
    }

    @Test
    void occurredAtDecidesWhenThePmsSaysNothing() {
        SnapshotVersion older = new SnapshotVersion(null, null, T0);
        SnapshotVersion newer = new SnapshotVersion(null, null, T0.plusMillis(1));
        assertTrue(newer.isNewerThan(older));
        assertFalse(older.isNewerThan(newer));
        assertFalse(older.isNewerThan(older));
    }

    // From optout-service's ProfileVersionTest.

    @Test
    void sequenceThenPmsTimeThenOccurredAt() {
        assertTrue(new SnapshotVersion(2L, T0, T0).isNewerThan(new SnapshotVersion(1L, T0.plusSeconds(9), T0.plusSeconds(9))));
        assertTrue(new SnapshotVersion(null, T0.plusSeconds(1), T0).isNewerThan(new SnapshotVersion(1L, T0, T0.plusSeconds(9))));
        assertTrue(new SnapshotVersion(null, null, T0.plusSeconds(1)).isNewerThan(new SnapshotVersion(null, null, T0)));
        assertFalse(new SnapshotVersion(1L, T0, T0).isNewerThan(new SnapshotVersion(1L, T0, T0)));
    }

    @Test
    void effectiveAtIsThePmsTimeWhenKnown() {
        assertEquals(T0, new SnapshotVersion(null, T0, T0.plusSeconds(5)).effectiveAt());
        assertEquals(T0.plusSeconds(5), new SnapshotVersion(null, null, T0.plusSeconds(5)).effectiveAt());
    }
}
