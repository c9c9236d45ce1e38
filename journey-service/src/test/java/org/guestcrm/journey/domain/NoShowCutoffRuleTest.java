package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class NoShowCutoffRuleTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void readsTheArrivalDayTheNextMorningAndNone() {
        assertEquals(Optional.of(new NoShowCutoff(LocalTime.of(23, 0), 0)), NoShowCutoff.parse("23:00"));
        assertEquals(Optional.of(new NoShowCutoff(LocalTime.of(6, 0), 1)), NoShowCutoff.parse(" 06:00+1 "));
        assertEquals(Optional.empty(), NoShowCutoff.parse("none"));
        assertEquals(Optional.empty(), NoShowCutoff.parse(null));
        assertEquals("06:00+1", NoShowCutoff.parse("06:00+1").orElseThrow().toString());
        for (String bad : new String[] {"25:00", "6:00", "06:00+3", "06:00+x", "tomorrow", "06:00-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NoShowCutoff.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("must be HH:mm"), e.getMessage());
        }
    }

    @Test
    void theCutoffIsInTheHotelsZoneOnTheArrivalDayOrAfterIt() {
        LocalDate arrival = LocalDate.of(2027, 3, 27); // the night clocks go forward in Berlin
        NoShowCutoff evening = NoShowCutoff.parse("23:00").orElseThrow();
        assertEquals(Instant.parse("2027-03-27T22:00:00Z"), evening.of(arrival, BERLIN));
        NoShowCutoff morning = NoShowCutoff.parse("06:00+1").orElseThrow();
        assertEquals(Instant.parse("2027-03-28T04:00:00Z"), morning.of(arrival, BERLIN), "summer time by then");
        assertFalse(morning.passed(arrival, BERLIN, Instant.parse("2027-03-28T03:59:59Z")));
        assertTrue(morning.passed(arrival, BERLIN, Instant.parse("2027-03-28T04:00:00Z")));
        assertEquals("06:00 the day after arrival", morning.describe());
    }

    @Test
    void aNoShowByCutoffCancelsTheStayStepsWithTheCutoffAsReasonAndPlansTheFollowUp() {
        JourneyPlanner planner = new JourneyPlanner(JourneySchedule.standard());
        LocalDate arrival = LocalDate.of(2027, 5, 10);
        ReservationState noShow = new ReservationState(ReservationStatus.NO_SHOW, arrival, arrival.plusDays(3),
                BERLIN, null, false, QuietHours.NONE, "23:00 on the arrival day");
        Instant now = Instant.parse("2027-05-10T21:30:00Z");
        var booked = planner.plan(new ReservationState(ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3),
                BERLIN), java.util.List.of(), Instant.parse("2027-05-01T10:00:00Z"));
        var existing = booked.stream().map(c -> new ExistingCommunication(java.util.UUID.randomUUID(), c.step(),
                Channel.EMAIL, c.status(), c.dueAt(), c.reason(), null)).toList();
        var changes = planner.plan(noShow, existing, now);
        assertEquals("no-show: not checked in by the cut-off (23:00 on the arrival day)", changes.stream()
                .filter(c -> c.step() == JourneyStep.IN_STAY).findFirst().orElseThrow().reason());
        assertEquals(CommunicationStatus.SCHEDULED, changes.stream().filter(c -> c.step() == JourneyStep.NO_SHOW)
                .findFirst().orElseThrow().status());
        assertThrows(IllegalArgumentException.class, () -> new ReservationState(ReservationStatus.CONFIRMED, arrival,
                arrival.plusDays(1), BERLIN, null, false, QuietHours.NONE, "23:00 on the arrival day"));
    }
}
