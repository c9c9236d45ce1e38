package org.guestcrm.desk.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class WorkingHoursTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final WorkingHours WEEKDAYS = new WorkingHours(BERLIN, LocalTime.of(9, 0), LocalTime.of(18, 0),
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));

    private static Instant berlin(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    @Test
    void withinTheDayTheDueTimeIsPlainlyLater() {
        assertEquals(berlin("2026-11-30T12:15"), WEEKDAYS.plusWorkingTime(berlin("2026-11-30T10:15"), Duration.ofHours(2)));
    }

    @Test
    void aRequestBeforeOpeningCountsFromTheOpening() {
        assertEquals(berlin("2026-11-30T11:00"), WEEKDAYS.plusWorkingTime(berlin("2026-11-30T06:40"), Duration.ofHours(2)));
    }

    @Test
    void whatDoesNotFitTodayCarriesOverToTheNextWorkingDay() {
        // Friday 17:30: 30 minutes on Friday, 90 on Monday.
        assertEquals(berlin("2026-12-07T10:30"), WEEKDAYS.plusWorkingTime(berlin("2026-12-04T17:30"), Duration.ofHours(2)));
        // Saturday: nothing until Monday's opening.
        assertEquals(berlin("2026-12-07T11:00"), WEEKDAYS.plusWorkingTime(berlin("2026-12-05T14:00"), Duration.ofHours(2)));
        // After closing on a weekday: the next morning.
        assertEquals(berlin("2026-12-02T11:00"), WEEKDAYS.plusWorkingTime(berlin("2026-12-01T19:00"), Duration.ofHours(2)));
    }

    @Test
    void moreThanADayOfWorkingTimeSpansSeveralDays() {
        // 20 working hours from Monday 09:00 = Monday 9 h + Tuesday 9 h + Wednesday 2 h.
        assertEquals(berlin("2026-12-02T11:00"), WEEKDAYS.plusWorkingTime(berlin("2026-11-30T09:00"), Duration.ofHours(20)));
    }

    @Test
    void daylightSavingTimeIsLocalTime() {
        // Sunday 29 March 2026 clocks go forward in Berlin; a desk open every day still opens at 09:00 local.
        WorkingHours daily = new WorkingHours(BERLIN, LocalTime.of(9, 0), LocalTime.of(18, 0), EnumSet.allOf(DayOfWeek.class));
        assertEquals(berlin("2026-03-29T10:00"), daily.plusWorkingTime(berlin("2026-03-28T17:00"), Duration.ofHours(2)));
    }

    @Test
    void isOpenFollowsTheWindowAndTheDays() {
        assertTrue(WEEKDAYS.isOpen(berlin("2026-11-30T09:00")));
        assertFalse(WEEKDAYS.isOpen(berlin("2026-11-30T18:00")));
        assertFalse(WEEKDAYS.isOpen(berlin("2026-12-05T12:00")));
    }

    @Test
    void impossibleHoursAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new WorkingHours(BERLIN, LocalTime.of(18, 0), LocalTime.of(9, 0), Set.of(DayOfWeek.MONDAY)));
        assertThrows(IllegalArgumentException.class,
                () -> new WorkingHours(BERLIN, LocalTime.of(9, 0), LocalTime.of(18, 0), Set.of()));
        assertThrows(IllegalArgumentException.class,
                () -> WEEKDAYS.plusWorkingTime(Instant.EPOCH, Duration.ofHours(-1)));
    }

    @Test
    void theRuleRetriesANoAnswerAfterItsWorkingTime() {
        DeskRule rule = new DeskRule(WEEKDAYS, Duration.ofHours(2), "reservations", Duration.ofHours(4), 3);
        assertEquals(berlin("2026-11-30T12:00"), rule.callBackDue(berlin("2026-11-30T10:00")));
        assertEquals(berlin("2026-12-01T11:00"), rule.retryDue(berlin("2026-11-30T16:00")));
    }
}
