package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class JourneyPlannerTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final LocalDate ARRIVAL = LocalDate.parse("2027-01-10");
    private static final LocalDate DEPARTURE = LocalDate.parse("2027-01-13");

    private final JourneyPlanner planner = new JourneyPlanner(JourneySchedule.standard());

    // ---- first sight ---------------------------------------------------------------------------------------------

    @Test
    void newConfirmedReservationSchedulesTheWholeJourney() {
        List<CommunicationChange> changes = planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW);

        Map<JourneyStep, CommunicationChange> byStep = byStep(changes);
        assertEquals(List.of(JourneyStep.CONFIRMATION, JourneyStep.PRE_STAY, JourneyStep.PRE_CHECK_IN,
                JourneyStep.IN_STAY, JourneyStep.POST_STAY_SURVEY),
                changes.stream().map(CommunicationChange::step).toList());
        assertTrue(changes.stream().allMatch(CommunicationChange::createsCommunication));
        assertTrue(changes.stream().allMatch(c -> c.status() == CommunicationStatus.SCHEDULED));
        assertTrue(changes.stream().allMatch(c -> c.channel() == Channel.EMAIL));
        assertEquals(NOW, byStep.get(JourneyStep.CONFIRMATION).dueAt());
        assertEquals(Instant.parse("2027-01-03T09:00:00Z"), byStep.get(JourneyStep.PRE_STAY).dueAt());
        assertEquals(Instant.parse("2027-01-09T10:00:00Z"), byStep.get(JourneyStep.PRE_CHECK_IN).dueAt());
        assertEquals(Instant.parse("2027-01-11T10:00:00Z"), byStep.get(JourneyStep.IN_STAY).dueAt());
        assertEquals(Instant.parse("2027-01-14T10:00:00Z"), byStep.get(JourneyStep.POST_STAY_SURVEY).dueAt());
    }

    @Test
    void tentativeAndWaitlistedReservationsAreBookedToo() {
        for (ReservationStatus status : List.of(ReservationStatus.TENTATIVE, ReservationStatus.WAITLISTED)) {
            List<CommunicationChange> changes = planner.plan(
                    new ReservationState(status, ARRIVAL, DEPARTURE, UTC), List.of(), NOW);
            assertEquals(5, changes.size(), status.name());
        }
    }

    @Test
    void dueTimesAreLocalTimesOfTheHotelZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        List<CommunicationChange> changes = planner.plan(
                new ReservationState(ReservationStatus.CONFIRMED, ARRIVAL, DEPARTURE, berlin), List.of(), NOW);

        // January in Berlin is UTC+1: 09:00 local is 08:00 UTC.
        assertEquals(Instant.parse("2027-01-03T08:00:00Z"), byStep(changes).get(JourneyStep.PRE_STAY).dueAt());
    }

    @Test
    void dueTimesFollowDaylightSavingTime() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        LocalDate summerArrival = LocalDate.parse("2027-07-10");
        List<CommunicationChange> changes = planner.plan(
                new ReservationState(ReservationStatus.CONFIRMED, summerArrival, summerArrival.plusDays(2), berlin),
                List.of(), NOW);

        assertEquals(Instant.parse("2027-07-09T08:00:00Z"), byStep(changes).get(JourneyStep.PRE_CHECK_IN).dueAt());
    }

    @Test
    void oneNightStayGetsNoInStayMessage() {
        List<CommunicationChange> changes = planner.plan(confirmed(ARRIVAL, ARRIVAL.plusDays(1)), List.of(), NOW);

        assertEquals(List.of(JourneyStep.CONFIRMATION, JourneyStep.PRE_STAY, JourneyStep.PRE_CHECK_IN,
                JourneyStep.POST_STAY_SURVEY), changes.stream().map(CommunicationChange::step).toList());
    }

    @Test
    void twoNightStayGetsAnInStayMessage() {
        List<CommunicationChange> changes = planner.plan(confirmed(ARRIVAL, ARRIVAL.plusDays(2)), List.of(), NOW);

        assertTrue(byStep(changes).containsKey(JourneyStep.IN_STAY));
    }

    @Test
    void dayUseReservationIsPlannedWithoutInStay() {
        List<CommunicationChange> changes = planner.plan(confirmed(ARRIVAL, ARRIVAL), List.of(), NOW);

        assertEquals(4, changes.size());
        assertEquals(Instant.parse("2027-01-11T10:00:00Z"), byStep(changes).get(JourneyStep.POST_STAY_SURVEY).dueAt());
    }

    @Test
    void theInStayMinimumIsConfigurable() {
        JourneySchedule standard = JourneySchedule.standard();
        JourneyPlanner strict = new JourneyPlanner(new JourneySchedule(standard.preStay(), standard.preCheckIn(),
                standard.inStay(), standard.postStaySurvey(), 4));

        assertTrue(!byStep(strict.plan(confirmed(ARRIVAL, ARRIVAL.plusDays(3)), List.of(), NOW))
                .containsKey(JourneyStep.IN_STAY));
        assertTrue(byStep(strict.plan(confirmed(ARRIVAL, ARRIVAL.plusDays(4)), List.of(), NOW))
                .containsKey(JourneyStep.IN_STAY));
    }

    @Test
    void offsetsAndTimesAreConfigurable() {
        JourneySchedule custom = new JourneySchedule(
                StepTiming.daysFromArrival(-14, LocalTime.of(8, 30)),
                StepTiming.daysFromArrival(-2, LocalTime.of(18, 0)),
                StepTiming.daysFromArrival(2, LocalTime.of(11, 0)),
                StepTiming.daysFromDeparture(3, LocalTime.of(7, 15)),
                2);
        Map<JourneyStep, CommunicationChange> byStep = byStep(
                new JourneyPlanner(custom).plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW));

        assertEquals(Instant.parse("2026-12-27T08:30:00Z"), byStep.get(JourneyStep.PRE_STAY).dueAt());
        assertEquals(Instant.parse("2027-01-08T18:00:00Z"), byStep.get(JourneyStep.PRE_CHECK_IN).dueAt());
        assertEquals(Instant.parse("2027-01-12T11:00:00Z"), byStep.get(JourneyStep.IN_STAY).dueAt());
        assertEquals(Instant.parse("2027-01-16T07:15:00Z"), byStep.get(JourneyStep.POST_STAY_SURVEY).dueAt());
    }

    // ---- past dates ----------------------------------------------------------------------------------------------

    @Test
    void stepsWhoseDueTimeHasPassedAreRecordedSkippedAndAnEndedStayGetsNoConfirmation() {
        // The OpenTravel sample reservation is from 2005 (before issue 9 it got a confirmation mailed today).
        List<CommunicationChange> changes = planner.plan(
                confirmed(LocalDate.parse("2005-03-01"), LocalDate.parse("2005-03-04")), List.of(), NOW);

        Map<JourneyStep, CommunicationChange> byStep = byStep(changes);
        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.CONFIRMATION).status());
        assertEquals(Reasons.STALE_STAY_ENDED, byStep.get(JourneyStep.CONFIRMATION).reason());
        for (JourneyStep step : List.of(JourneyStep.PRE_STAY, JourneyStep.PRE_CHECK_IN, JourneyStep.IN_STAY,
                JourneyStep.POST_STAY_SURVEY)) {
            assertEquals(CommunicationStatus.SKIPPED, byStep.get(step).status(), step.name());
            assertEquals(Reasons.DUE_TIME_PASSED, byStep.get(step).reason(), step.name());
        }
    }

    @Test
    void lastMinuteBookingSkipsOnlyTheStepsThatMayNotGoLate() {
        // Booked at noon for tomorrow: pre-stay (7 days before) has passed, pre-check-in (today 10:00) too.
        LocalDate tomorrow = LocalDate.parse("2026-11-23");
        Map<JourneyStep, CommunicationChange> byStep = byStep(
                planner.plan(confirmed(tomorrow, tomorrow.plusDays(2)), List.of(), NOW));

        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.PRE_STAY).status());
        // Pre-check-in may go late (late-booking policy SEND_NOW, fresh until the arrival day): sent now.
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.PRE_CHECK_IN).status());
        assertEquals(NOW, byStep.get(JourneyStep.PRE_CHECK_IN).dueAt());
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.IN_STAY).status());
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.POST_STAY_SURVEY).status());
    }

    @Test
    void aStepDueExactlyNowIsStillScheduled() {
        // Pre-check-in of an arrival on 2026-11-23 is due 2026-11-22T10:00Z.
        Instant dueNow = Instant.parse("2026-11-22T10:00:00Z");
        Map<JourneyStep, CommunicationChange> byStep = byStep(planner.plan(
                confirmed(LocalDate.parse("2026-11-23"), LocalDate.parse("2026-11-25")), List.of(), dueNow));

        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.PRE_CHECK_IN).status());
    }

    // ---- idempotence ---------------------------------------------------------------------------------------------

    @Test
    void planningTheSameStateTwiceChangesNothingTheSecondTime() {
        ReservationState reservation = confirmed(ARRIVAL, DEPARTURE);
        List<ExistingCommunication> existing = applied(planner.plan(reservation, List.of(), NOW), List.of());

        assertEquals(List.of(), planner.plan(reservation, existing, NOW.plusSeconds(3600)));
    }

    @Test
    void theConfirmationIsPlannedOncePerReservation() {
        ReservationState reservation = confirmed(ARRIVAL, DEPARTURE);
        List<ExistingCommunication> existing = applied(planner.plan(reservation, List.of(), NOW), List.of());
        existing = withStatus(existing, JourneyStep.CONFIRMATION, CommunicationStatus.SENT);

        List<CommunicationChange> changes = planner.plan(confirmed(ARRIVAL.plusDays(1), DEPARTURE.plusDays(1)),
                existing, NOW.plusSeconds(60));

        assertTrue(changes.stream().noneMatch(c -> c.step() == JourneyStep.CONFIRMATION));
    }

    @Test
    void aPendingConfirmationKeepsItsDueTimeWhenTheDatesChange() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());

        List<CommunicationChange> changes = planner.plan(confirmed(ARRIVAL.plusDays(3), DEPARTURE.plusDays(3)),
                existing, NOW.plusSeconds(5));

        assertTrue(changes.stream().noneMatch(c -> c.step() == JourneyStep.CONFIRMATION));
    }

    @Test
    void rejectsTwoCommunicationsForOneStep() {
        List<ExistingCommunication> duplicated = List.of(
                existing(JourneyStep.PRE_STAY, CommunicationStatus.SCHEDULED, NOW, null),
                existing(JourneyStep.PRE_STAY, CommunicationStatus.SENT, NOW, null));

        assertThrows(IllegalArgumentException.class,
                () -> planner.plan(confirmed(ARRIVAL, DEPARTURE), duplicated, NOW));
    }

    // ---- date changes --------------------------------------------------------------------------------------------

    @Test
    void movedDatesRescheduleThePendingSteps() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());
        existing = withStatus(existing, JourneyStep.CONFIRMATION, CommunicationStatus.SENT);

        List<CommunicationChange> changes = planner.plan(
                confirmed(ARRIVAL.plusDays(7), DEPARTURE.plusDays(7)), existing, NOW.plusSeconds(60));

        Map<JourneyStep, CommunicationChange> byStep = byStep(changes);
        assertEquals(4, changes.size());
        assertTrue(changes.stream().allMatch(c -> c.status() == CommunicationStatus.RESCHEDULED));
        assertTrue(changes.stream().noneMatch(CommunicationChange::createsCommunication));
        assertEquals(Instant.parse("2027-01-10T09:00:00Z"), byStep.get(JourneyStep.PRE_STAY).dueAt());
        assertEquals(Instant.parse("2027-01-21T10:00:00Z"), byStep.get(JourneyStep.POST_STAY_SURVEY).dueAt());
        assertEquals(idOf(existing, JourneyStep.PRE_STAY), byStep.get(JourneyStep.PRE_STAY).communicationId());
    }

    @Test
    void anExtendedDepartureReschedulesOnlyTheSurvey() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());

        List<CommunicationChange> changes = planner.plan(confirmed(ARRIVAL, DEPARTURE.plusDays(2)), existing, NOW);

        assertEquals(1, changes.size());
        assertEquals(JourneyStep.POST_STAY_SURVEY, changes.getFirst().step());
        assertEquals(CommunicationStatus.RESCHEDULED, changes.getFirst().status());
        assertEquals(Instant.parse("2027-01-16T10:00:00Z"), changes.getFirst().dueAt());
    }

    @Test
    void aShortenedStayCancelsThePendingInStayMessage() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());

        Map<JourneyStep, CommunicationChange> byStep = byStep(
                planner.plan(confirmed(ARRIVAL, ARRIVAL.plusDays(1)), existing, NOW));

        assertEquals(CommunicationStatus.CANCELLED, byStep.get(JourneyStep.IN_STAY).status());
        assertEquals("stay shorter than 2 nights", byStep.get(JourneyStep.IN_STAY).reason());
        assertEquals(CommunicationStatus.RESCHEDULED, byStep.get(JourneyStep.POST_STAY_SURVEY).status());
    }

    @Test
    void datesMovedIntoThePastSkipThePendingSteps() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());
        LocalDate tomorrow = LocalDate.parse("2026-11-23");

        Map<JourneyStep, CommunicationChange> byStep = byStep(
                planner.plan(confirmed(tomorrow, tomorrow.plusDays(3)), existing, NOW));

        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.PRE_STAY).status());
        assertEquals(Reasons.DUE_TIME_PASSED, byStep.get(JourneyStep.PRE_STAY).reason());
        assertEquals(CommunicationStatus.RESCHEDULED, byStep.get(JourneyStep.IN_STAY).status());
    }

    @Test
    void aStepSkippedForLatenessIsRescheduledWhenTheDatesMoveLater() {
        LocalDate tomorrow = LocalDate.parse("2026-11-23");
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(tomorrow, tomorrow.plusDays(2)), List.of(), NOW), List.of());
        assertEquals(CommunicationStatus.SKIPPED, statusOf(existing, JourneyStep.PRE_STAY));

        Map<JourneyStep, CommunicationChange> byStep = byStep(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), existing, NOW));

        assertEquals(CommunicationStatus.RESCHEDULED, byStep.get(JourneyStep.PRE_STAY).status());
        assertNull(byStep.get(JourneyStep.PRE_STAY).reason());
    }

    @Test
    void aStepSkippedForAnotherReasonStaysSkipped() {
        List<ExistingCommunication> existing = List.of(
                existing(JourneyStep.CONFIRMATION, CommunicationStatus.SKIPPED, NOW, Reasons.NO_EMAIL_ADDRESS),
                existing(JourneyStep.PRE_STAY, CommunicationStatus.SKIPPED, NOW, Reasons.NO_EMAIL_ADDRESS));

        List<CommunicationChange> changes = planner.plan(confirmed(ARRIVAL, DEPARTURE), existing, NOW);

        assertTrue(changes.stream().noneMatch(c -> c.step() == JourneyStep.CONFIRMATION));
        assertTrue(changes.stream().noneMatch(c -> c.step() == JourneyStep.PRE_STAY));
    }

    @Test
    void sentAndFailedStepsAreNeverTouched() {
        List<ExistingCommunication> existing = List.of(
                existing(JourneyStep.PRE_STAY, CommunicationStatus.SENT, Instant.parse("2027-01-03T09:00:00Z"), null),
                existing(JourneyStep.PRE_CHECK_IN, CommunicationStatus.FAILED, Instant.parse("2027-01-09T10:00:00Z"),
                        "smtp down"));

        List<CommunicationChange> moved = planner.plan(confirmed(ARRIVAL.plusDays(5), DEPARTURE.plusDays(5)),
                existing, NOW);
        List<CommunicationChange> cancelled = planner.plan(cancelled(ARRIVAL, DEPARTURE), existing, NOW);

        assertTrue(moved.stream().noneMatch(c -> !c.createsCommunication()));
        assertEquals(List.of(), cancelled);
    }

    // ---- cancellation, no-show, reinstatement -------------------------------------------------------------------

    @Test
    void cancellationCancelsEveryPendingCommunication() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());
        existing = withStatus(existing, JourneyStep.CONFIRMATION, CommunicationStatus.SENT);

        List<CommunicationChange> changes = planner.plan(cancelled(ARRIVAL, DEPARTURE), existing, NOW);

        assertEquals(4, changes.size());
        assertTrue(changes.stream().allMatch(c -> c.status() == CommunicationStatus.CANCELLED));
        assertTrue(changes.stream().allMatch(c -> Reasons.RESERVATION_CANCELLED.equals(c.reason())));
        assertTrue(changes.stream().noneMatch(c -> c.step() == JourneyStep.CONFIRMATION));
    }

    @Test
    void aReservationFirstSeenCancelledGetsNoCommunication() {
        assertEquals(List.of(), planner.plan(cancelled(ARRIVAL, DEPARTURE), List.of(), NOW));
    }

    @Test
    void aCancelledReservationCancelledAgainChangesNothing() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());
        existing = applied(planner.plan(cancelled(ARRIVAL, DEPARTURE), existing, NOW), existing);

        assertEquals(List.of(), planner.plan(cancelled(ARRIVAL, DEPARTURE), existing, NOW));
    }

    @Test
    void reinstatedReservationIsPlannedAgain() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());
        existing = withStatus(existing, JourneyStep.CONFIRMATION, CommunicationStatus.SENT);
        existing = applied(planner.plan(cancelled(ARRIVAL, DEPARTURE), existing, NOW), existing);

        List<CommunicationChange> changes = planner.plan(confirmed(ARRIVAL, DEPARTURE), existing,
                NOW.plusSeconds(600));

        assertEquals(List.of(JourneyStep.PRE_STAY, JourneyStep.PRE_CHECK_IN, JourneyStep.IN_STAY,
                JourneyStep.POST_STAY_SURVEY), changes.stream().map(CommunicationChange::step).toList());
        assertTrue(changes.stream().allMatch(c -> c.status() == CommunicationStatus.SCHEDULED));
        assertTrue(changes.stream().noneMatch(CommunicationChange::createsCommunication));
        assertTrue(changes.stream().allMatch(c -> c.reason() == null));
    }

    @Test
    void aConfirmationCancelledBeforeItWasSentIsSentOnReinstatement() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());
        existing = applied(planner.plan(cancelled(ARRIVAL, DEPARTURE), existing, NOW), existing);
        Instant later = NOW.plusSeconds(3600);

        CommunicationChange confirmation = byStep(planner.plan(confirmed(ARRIVAL, DEPARTURE), existing, later))
                .get(JourneyStep.CONFIRMATION);

        assertEquals(CommunicationStatus.SCHEDULED, confirmation.status());
        assertEquals(later, confirmation.dueAt());
    }

    @Test
    void aReservationFirstSeenCancelledThenConfirmedGetsItsConfirmation() {
        List<CommunicationChange> changes = planner.plan(confirmed(ARRIVAL, DEPARTURE),
                applied(planner.plan(cancelled(ARRIVAL, DEPARTURE), List.of(), NOW), List.of()), NOW);

        assertEquals(CommunicationStatus.SCHEDULED, byStep(changes).get(JourneyStep.CONFIRMATION).status());
    }

    @Test
    void reinstatedTooLateLeavesPastStepsCancelled() {
        LocalDate soon = LocalDate.parse("2026-11-26");
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(soon, soon.plusDays(3)), List.of(), NOW), List.of());
        existing = applied(planner.plan(cancelled(soon, soon.plusDays(3)), existing, NOW), existing);

        // Reinstated on the day of arrival: pre-check-in (the day before) is past.
        Instant arrivalDay = Instant.parse("2026-11-26T08:00:00Z");
        Map<JourneyStep, CommunicationChange> byStep = byStep(
                planner.plan(confirmed(soon, soon.plusDays(3)), existing, arrivalDay));

        assertTrue(!byStep.containsKey(JourneyStep.PRE_CHECK_IN));
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.IN_STAY).status());
    }

    @Test
    void noShowCancelsInStayAndSurvey() {
        LocalDate today = LocalDate.parse("2026-11-22");
        List<ExistingCommunication> existing = List.of(
                existing(JourneyStep.CONFIRMATION, CommunicationStatus.SENT, NOW.minusSeconds(86400 * 10), null),
                existing(JourneyStep.PRE_CHECK_IN, CommunicationStatus.SENT, NOW.minusSeconds(86400), null),
                existing(JourneyStep.IN_STAY, CommunicationStatus.SCHEDULED, Instant.parse("2026-11-23T10:00:00Z"), null),
                existing(JourneyStep.POST_STAY_SURVEY, CommunicationStatus.SCHEDULED,
                        Instant.parse("2026-11-26T10:00:00Z"), null));

        List<CommunicationChange> changes = planner.plan(
                new ReservationState(ReservationStatus.NO_SHOW, today, today.plusDays(3), UTC), existing, NOW);

        List<CommunicationChange> cancelled = changes.stream()
                .filter(c -> c.step() != JourneyStep.NO_SHOW).toList();
        assertEquals(List.of(JourneyStep.IN_STAY, JourneyStep.POST_STAY_SURVEY),
                cancelled.stream().map(CommunicationChange::step).toList());
        assertTrue(cancelled.stream().allMatch(c -> c.status() == CommunicationStatus.CANCELLED));
        assertTrue(cancelled.stream().allMatch(c -> Reasons.NO_SHOW.equals(c.reason())));
        // ... and starts the no-show follow-up, the morning after the missed arrival.
        CommunicationChange followUp = byStep(changes).get(JourneyStep.NO_SHOW);
        assertEquals(CommunicationStatus.SCHEDULED, followUp.status());
        assertEquals(Instant.parse("2026-11-23T10:00:00Z"), followUp.dueAt());
    }

    @Test
    void checkInCancelsThePendingPreArrivalSteps() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());

        Map<JourneyStep, CommunicationChange> byStep = byStep(planner.plan(
                new ReservationState(ReservationStatus.CHECKED_IN, ARRIVAL, DEPARTURE, UTC), existing, NOW));

        assertEquals(Reasons.GUEST_CHECKED_IN, byStep.get(JourneyStep.PRE_STAY).reason());
        assertEquals(Reasons.GUEST_CHECKED_IN, byStep.get(JourneyStep.PRE_CHECK_IN).reason());
        assertEquals(Reasons.GUEST_CHECKED_IN, byStep.get(JourneyStep.CONFIRMATION).reason());
        assertTrue(!byStep.containsKey(JourneyStep.IN_STAY));
        assertTrue(!byStep.containsKey(JourneyStep.POST_STAY_SURVEY));
    }

    @Test
    void checkOutCancelsThePendingInStayMessageAndKeepsTheSurvey() {
        List<ExistingCommunication> existing = List.of(
                existing(JourneyStep.IN_STAY, CommunicationStatus.SCHEDULED, Instant.parse("2027-01-11T10:00:00Z"), null),
                existing(JourneyStep.POST_STAY_SURVEY, CommunicationStatus.SCHEDULED,
                        Instant.parse("2027-01-14T10:00:00Z"), null));

        List<CommunicationChange> changes = planner.plan(
                new ReservationState(ReservationStatus.CHECKED_OUT, ARRIVAL, DEPARTURE, UTC), existing, NOW);

        assertEquals(1, changes.size());
        assertEquals(JourneyStep.IN_STAY, changes.getFirst().step());
        assertEquals(Reasons.GUEST_CHECKED_OUT, changes.getFirst().reason());
    }

    @Test
    void aReservationFirstSeenCheckedInGetsNoConfirmation() {
        List<CommunicationChange> changes = planner.plan(
                new ReservationState(ReservationStatus.CHECKED_IN, ARRIVAL, DEPARTURE, UTC), List.of(), NOW);

        assertEquals(List.of(JourneyStep.IN_STAY, JourneyStep.POST_STAY_SURVEY),
                changes.stream().map(CommunicationChange::step).toList());
    }

    @Test
    void anUnknownStatusChangesNothing() {
        List<ExistingCommunication> existing = applied(
                planner.plan(confirmed(ARRIVAL, DEPARTURE), List.of(), NOW), List.of());

        assertEquals(List.of(), planner.plan(
                new ReservationState(ReservationStatus.UNKNOWN, ARRIVAL, DEPARTURE, UTC), existing, NOW));
    }

    @Test
    void departureBeforeArrivalIsRejected() {
        assertThrows(InvalidReservationException.class, () -> confirmed(ARRIVAL, ARRIVAL.minusDays(1)));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static ReservationState confirmed(LocalDate arrival, LocalDate departure) {
        return new ReservationState(ReservationStatus.CONFIRMED, arrival, departure, UTC);
    }

    private static ReservationState cancelled(LocalDate arrival, LocalDate departure) {
        return new ReservationState(ReservationStatus.CANCELLED, arrival, departure, UTC);
    }

    private static ExistingCommunication existing(JourneyStep step, CommunicationStatus status, Instant dueAt,
                                                  String reason) {
        return new ExistingCommunication(UUID.randomUUID(), step, Channel.EMAIL, status, dueAt, reason);
    }

    private static Map<JourneyStep, CommunicationChange> byStep(List<CommunicationChange> changes) {
        return changes.stream().collect(Collectors.toMap(CommunicationChange::step, Function.identity()));
    }

    /** What the store holds after applying {@code changes} to {@code existing}, as the persistence layer does. */
    private static List<ExistingCommunication> applied(List<CommunicationChange> changes,
                                                       List<ExistingCommunication> existing) {
        List<ExistingCommunication> result = new ArrayList<>(existing);
        for (CommunicationChange change : changes) {
            if (change.createsCommunication()) {
                result.add(new ExistingCommunication(UUID.randomUUID(), change.step(), change.channel(),
                        change.status(), change.dueAt(), change.reason()));
            } else {
                result.replaceAll(c -> c.id().equals(change.communicationId())
                        ? new ExistingCommunication(c.id(), c.step(), c.channel(), change.status(), change.dueAt(),
                        change.reason())
                        : c);
            }
        }
        return result;
    }

    private static List<ExistingCommunication> withStatus(List<ExistingCommunication> existing, JourneyStep step,
                                                          CommunicationStatus status) {
        return existing.stream()
                .map(c -> c.step() == step
                        ? new ExistingCommunication(c.id(), c.step(), c.channel(), status, c.dueAt(), c.reason())
                        : c)
                .toList();
    }

    private static UUID idOf(List<ExistingCommunication> existing, JourneyStep step) {
        return existing.stream().filter(c -> c.step() == step).findFirst().orElseThrow().id();
    }

    private static CommunicationStatus statusOf(List<ExistingCommunication> existing, JourneyStep step) {
        return existing.stream().filter(c -> c.step() == step).findFirst().orElseThrow().status();
    }
}
