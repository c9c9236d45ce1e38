package org.guestcrm.profile.domain.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RefitScheduleTest {

    private final RefitSchedule zurichAtThree = new RefitSchedule(3, ZoneId.of("Europe/Zurich"), Duration.ofHours(1), 500);

    @Test
    void aCheckInsideTheNightsWindowNamesThatNightsSlot() {
        Instant slot = Instant.parse("2030-01-10T02:00:00Z"); // 03:00 in Zurich in winter
        assertEquals(Optional.of(slot), zurichAtThree.slotOf(Instant.parse("2030-01-10T02:00:00Z")));
        assertEquals(Optional.of(slot), zurichAtThree.slotOf(Instant.parse("2030-01-10T02:59:59Z")));
        assertEquals(Optional.empty(), zurichAtThree.slotOf(Instant.parse("2030-01-10T01:59:59Z")), "before 03:00");
        assertEquals(Optional.empty(), zurichAtThree.slotOf(Instant.parse("2030-01-10T03:00:00Z")), "the window is over");
        assertEquals(Optional.empty(), zurichAtThree.slotOf(Instant.parse("2030-01-10T14:00:00Z")), "never in the day");
        // Summer time: 03:00 in Zurich is 01:00 UTC.
        assertEquals(Optional.of(Instant.parse("2030-07-10T01:00:00Z")),
                zurichAtThree.slotOf(Instant.parse("2030-07-10T01:30:00Z")));
    }

    @Test
    void aWindowAcrossMidnightBelongsToTheNightItStarted() {
        RefitSchedule lateEvening = new RefitSchedule(23, ZoneId.of("UTC"), Duration.ofHours(3), 500);
        assertEquals(Optional.of(Instant.parse("2030-01-09T23:00:00Z")),
                lateEvening.slotOf(Instant.parse("2030-01-10T01:30:00Z")));
        assertEquals(Optional.empty(), lateEvening.slotOf(Instant.parse("2030-01-10T02:00:00Z")));
    }

    @Test
    void onlyATenantWithEnoughNewProfilesIsRefitted() {
        assertFalse(zurichAtThree.refits(0));
        assertFalse(zurichAtThree.refits(499));
        assertTrue(zurichAtThree.refits(500));
        assertThrows(IllegalArgumentException.class, () -> new RefitSchedule(24, ZoneId.of("UTC"), Duration.ofHours(1), 1));
        assertThrows(IllegalArgumentException.class, () -> new RefitSchedule(3, ZoneId.of("UTC"), Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new RefitSchedule(3, ZoneId.of("UTC"), Duration.ofHours(1), 0));
    }
}
