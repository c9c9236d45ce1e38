package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class SnapshotVersionTest {

    private static final Instant T1 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-22T11:00:00Z");

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
}
