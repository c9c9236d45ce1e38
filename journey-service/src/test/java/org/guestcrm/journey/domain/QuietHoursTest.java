package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class QuietHoursTest {

    private static final QuietHours NIGHT = QuietHours.parse("21:00-08:00");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void aWindowAcrossMidnightHoldsTheNightOnly() {
        assertTrue(NIGHT.contains(LocalTime.of(21, 0)));
        assertTrue(NIGHT.contains(LocalTime.of(2, 0)));
        assertFalse(NIGHT.contains(LocalTime.of(8, 0)));
        assertFalse(NIGHT.contains(LocalTime.of(20, 59)));
    }

    @Test
    void aMessageDueAtTwoInTheMorningWaitsForEightLocalTime() {
        // 02:00 in Berlin in January is 01:00 UTC; 08:00 Berlin is 07:00 UTC.
        assertEquals(Instant.parse("2027-01-10T07:00:00Z"),
                NIGHT.nextAllowed(Instant.parse("2027-01-10T01:00:00Z"), BERLIN));
    }

    @Test
    void aMessageDueLateInTheEveningWaitsForTheNextMorning() {
        assertEquals(Instant.parse("2027-01-11T07:00:00Z"),
                NIGHT.nextAllowed(Instant.parse("2027-01-10T21:30:00Z"), BERLIN));
    }

    @Test
    void anAllowedTimeStays() {
        Instant noon = Instant.parse("2027-01-10T11:00:00Z");
        assertEquals(noon, NIGHT.nextAllowed(noon, BERLIN));
        assertEquals(noon, QuietHours.NONE.nextAllowed(noon, BERLIN));
    }

    @Test
    void aWindowWithinOneDayWorksToo() {
        QuietHours lunch = QuietHours.parse("12:00-14:00");
        assertEquals(Instant.parse("2027-01-10T14:00:00Z"),
                lunch.nextAllowed(Instant.parse("2027-01-10T12:30:00Z"), ZoneOffset.UTC));
        assertFalse(lunch.contains(LocalTime.of(14, 0)));
    }

    @Test
    void theZoneDecidesWhatNightIs() {
        Instant at = Instant.parse("2027-01-10T12:00:00Z");
        // Noon UTC is 21:00 in Tokyo (quiet) and 07:00 in New York (quiet, ends 08:00 the same day).
        assertEquals(Instant.parse("2027-01-10T23:00:00Z"), NIGHT.nextAllowed(at, ZoneId.of("Asia/Tokyo")));
        assertEquals(Instant.parse("2027-01-10T13:00:00Z"), NIGHT.nextAllowed(at, ZoneId.of("America/New_York")));
    }

    @Test
    void parsesNoneAndRejectsNonsenseWithoutEchoingIt() {
        assertTrue(QuietHours.parse("none").isNone());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuietHours.parse("late-ish"));
        assertFalse(e.getMessage().contains("late-ish"));
        assertThrows(IllegalArgumentException.class, () -> QuietHours.parse("2100"));
    }

    // ---- in the planner --------------------------------------------------------------------------------------------

    private static final JourneyPlanner PLANNER = new JourneyPlanner(JourneySchedule.standard());

    private static ReservationState atHotel(java.time.LocalDate arrival, QuietHours quiet, Instant bookedAt) {
        return new ReservationState(ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3), BERLIN, bookedAt, false,
                quiet);
    }

    private static CommunicationChange step(java.util.List<CommunicationChange> changes, JourneyStep step) {
        return changes.stream().filter(c -> c.step() == step).findFirst().orElseThrow();
    }

    @Test
    void aStepDueInsideTheHotelsQuietHoursMovesToTheirEnd() {
        Instant now = Instant.parse("2026-11-22T12:00:00Z");
        java.util.List<CommunicationChange> changes = PLANNER.plan(
                atHotel(java.time.LocalDate.parse("2027-01-10"), QuietHours.parse("00:00-10:30"), now),
                java.util.List.of(), now);

        // Pre-stay 09:00 Berlin -> 10:30 Berlin (09:30 UTC); pre-check-in 10:00 -> 10:30; the confirmation is not held.
        assertEquals(Instant.parse("2027-01-03T09:30:00Z"), step(changes, JourneyStep.PRE_STAY).dueAt());
        assertEquals(Instant.parse("2027-01-09T09:30:00Z"), step(changes, JourneyStep.PRE_CHECK_IN).dueAt());
        assertEquals(now, step(changes, JourneyStep.CONFIRMATION).dueAt());
    }

    @Test
    void aLateStepBookedAtNightWaitsForTheMorningAndIsNotReplannedAgain() {
        // Booked 22:00 Berlin (21:00 UTC) for an arrival two days later: the pre-check-in is due tomorrow 10:00 anyway;
        // the in-stay of a guest already arriving is not concerned. Take a late one instead: the survey after a stay
        // that ended yesterday (checked out), sent at 08:00 tomorrow instead of tonight.
        Instant night = Instant.parse("2027-01-14T21:00:00Z");
        ReservationState checkedOut = new ReservationState(ReservationStatus.CHECKED_OUT,
                java.time.LocalDate.parse("2027-01-10"), java.time.LocalDate.parse("2027-01-13"), BERLIN, null, false,
                NIGHT);
        java.util.List<CommunicationChange> changes = PLANNER.plan(checkedOut, java.util.List.of(), night);

        CommunicationChange survey = step(changes, JourneyStep.POST_STAY_SURVEY);
        assertEquals(CommunicationStatus.SCHEDULED, survey.status());
        assertEquals(Instant.parse("2027-01-15T07:00:00Z"), survey.dueAt());

        java.util.List<ExistingCommunication> existing = java.util.List.of(new ExistingCommunication(
                java.util.UUID.randomUUID(), JourneyStep.POST_STAY_SURVEY, Channel.EMAIL, survey.status(),
                survey.dueAt(), null));
        assertEquals(java.util.List.of(), PLANNER.plan(checkedOut, existing, night.plusSeconds(300)));
    }

    @Test
    void aPreCheckInThatQuietHoursWouldPushIntoTheArrivalDayIsSkipped() {
        // Booked 23:00 Berlin the evening before arrival: 08:00 tomorrow is the arrival day, too late for it.
        Instant lateEvening = Instant.parse("2027-01-09T22:00:00Z");
        java.util.List<CommunicationChange> changes = PLANNER.plan(
                atHotel(java.time.LocalDate.parse("2027-01-10"), NIGHT, lateEvening), java.util.List.of(), lateEvening);

        assertEquals(CommunicationStatus.SKIPPED, step(changes, JourneyStep.PRE_CHECK_IN).status());
        assertEquals(CommunicationStatus.SCHEDULED, step(changes, JourneyStep.CONFIRMATION).status());
        assertEquals(lateEvening, step(changes, JourneyStep.CONFIRMATION).dueAt(), "confirmations are not held back");
    }
}
