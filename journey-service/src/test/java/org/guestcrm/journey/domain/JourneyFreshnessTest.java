package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Freshness per step, late bookings, history changes and holds of uncertain reservations (issue 9). */
class JourneyFreshnessTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final LocalDate ARRIVAL = LocalDate.parse("2027-01-10");
    private static final LocalDate DEPARTURE = LocalDate.parse("2027-01-13");

    private final JourneyPlanner planner = new JourneyPlanner(JourneySchedule.standard());

    // ---- confirmation ----------------------------------------------------------------------------------------------

    @Test
    void aStayThatHasEndedGetsNoConfirmation() {
        // The OpenTravel sample reservation is from 2005 and carries no creation time.
        Map<JourneyStep, CommunicationChange> byStep = byStep(planner.plan(
                booked(LocalDate.parse("2005-03-01"), LocalDate.parse("2005-03-04"), null), List.of(), NOW));

        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.CONFIRMATION).status());
        assertEquals(Reasons.STALE_STAY_ENDED, byStep.get(JourneyStep.CONFIRMATION).reason());
        assertTrue(byStep.values().stream().noneMatch(c -> c.status().isPending()));
    }

    @Test
    void aConfirmationOnTheDepartureDayIsStale() {
        Instant departureMorning = Instant.parse("2027-01-13T07:00:00Z");
        Map<JourneyStep, CommunicationChange> byStep = byStep(planner.plan(
                booked(ARRIVAL, DEPARTURE, departureMorning.minusSeconds(60)), List.of(), departureMorning));

        assertEquals(Reasons.STALE_STAY_ENDED, byStep.get(JourneyStep.CONFIRMATION).reason());
    }

    @Test
    void aBookingFirstSeenLongAfterItWasMadeGetsNoConfirmation() {
        Map<JourneyStep, CommunicationChange> byStep = byStep(planner.plan(
                booked(ARRIVAL, DEPARTURE, NOW.minus(Duration.ofDays(3))), List.of(), NOW));

        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.CONFIRMATION).status());
        assertEquals("stale: booking made more than 2 days ago", byStep.get(JourneyStep.CONFIRMATION).reason());
        // The dated steps still follow their own rules: the stay is ahead.
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.PRE_STAY).status());
    }

    @Test
    void aBookingSeenWithinItsWindowIsConfirmedNow() {
        Map<JourneyStep, CommunicationChange> byStep = byStep(planner.plan(
                booked(ARRIVAL, DEPARTURE, NOW.minus(Duration.ofHours(47))), List.of(), NOW));

        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.CONFIRMATION).status());
        assertEquals(NOW, byStep.get(JourneyStep.CONFIRMATION).dueAt());
    }

    @Test
    void aPendingConfirmationThatOutlivesItsWindowIsSkippedStale() {
        Instant bookedAt = NOW.minus(Duration.ofHours(50));
        List<ExistingCommunication> existing = List.of(
                existing(JourneyStep.CONFIRMATION, CommunicationStatus.SCHEDULED, bookedAt));

        Map<JourneyStep, CommunicationChange> byStep = byStep(
                planner.plan(booked(ARRIVAL, DEPARTURE, bookedAt), existing, NOW));

        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.CONFIRMATION).status());
        assertEquals(bookedAt, byStep.get(JourneyStep.CONFIRMATION).dueAt(), "keeps its time");
    }

    @Test
    void theConfirmationWindowIsConfigurable() {
        Freshness oneHour = new Freshness(Duration.ofHours(1), Freshness.standard().preStay(),
                Freshness.standard().preCheckIn(), Freshness.standard().inStay(), Freshness.standard().postStaySurvey());
        JourneySchedule standard = JourneySchedule.standard();
        JourneyPlanner strict = new JourneyPlanner(new JourneySchedule(standard.preStay(), standard.preCheckIn(),
                standard.inStay(), standard.postStaySurvey(), 2, oneHour));

        Map<JourneyStep, CommunicationChange> byStep = byStep(strict.plan(
                booked(ARRIVAL, DEPARTURE, NOW.minus(Duration.ofHours(2))), List.of(), NOW));

        assertEquals("stale: booking made more than 1 h ago", byStep.get(JourneyStep.CONFIRMATION).reason());
    }

    // ---- late bookings and late sends ------------------------------------------------------------------------------

    @Test
    void aLateBookingGetsThePreCheckInNowButNoPreStayForTonight() {
        // Booked at noon for tomorrow: the pre-check-in was due today 10:00 and still makes sense; pre-stay does not.
        LocalDate tomorrow = LocalDate.parse("2026-11-23");
        Map<JourneyStep, CommunicationChange> byStep = byStep(
                planner.plan(booked(tomorrow, tomorrow.plusDays(2), NOW), List.of(), NOW));

        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.PRE_STAY).status());
        assertEquals(Reasons.DUE_TIME_PASSED, byStep.get(JourneyStep.PRE_STAY).reason());
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.PRE_CHECK_IN).status());
        assertEquals(NOW, byStep.get(JourneyStep.PRE_CHECK_IN).dueAt());
    }

    @Test
    void aSameDayBookingGetsNoPreArrivalMailAtAll() {
        LocalDate today = LocalDate.parse("2026-11-22");
        Map<JourneyStep, CommunicationChange> byStep = byStep(
                planner.plan(booked(today, today.plusDays(3), NOW), List.of(), NOW));

        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.PRE_CHECK_IN).status());
        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.PRE_STAY).status());
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.CONFIRMATION).status());
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.IN_STAY).status());
    }

    @Test
    void aLatePlannedStepIsNotReplannedAgainAndAgain() {
        LocalDate tomorrow = LocalDate.parse("2026-11-23");
        ReservationState state = booked(tomorrow, tomorrow.plusDays(2), NOW);
        List<ExistingCommunication> existing = applied(planner.plan(state, List.of(), NOW));

        assertEquals(List.of(), planner.plan(state, existing, NOW.plusSeconds(30)));
    }

    @Test
    void aPendingStepDueLongerAgoThanItsWindowIsSkippedStale() {
        // The service (or its SMTP server) was down: the pre-stay mail due 25 h ago is not sent any more.
        Instant due = NOW.minus(Duration.ofHours(25));
        LocalDate arrival = due.atZone(UTC).toLocalDate().plusDays(7);
        List<ExistingCommunication> existing = List.of(
                existing(JourneyStep.CONFIRMATION, CommunicationStatus.SENT, NOW.minus(Duration.ofDays(30))),
                existing(JourneyStep.PRE_STAY, CommunicationStatus.SCHEDULED,
                        arrival.minusDays(7).atTime(LocalTime.of(9, 0)).atZone(UTC).toInstant()));

        Map<JourneyStep, CommunicationChange> byStep = byStep(planner.plan(
                booked(arrival, arrival.plusDays(2), NOW.minus(Duration.ofDays(30))), existing, NOW));

        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.PRE_STAY).status());
        assertEquals("stale: more than 1 day after its due time", byStep.get(JourneyStep.PRE_STAY).reason());
    }

    @Test
    void aStepDueAMomentAgoIsStillSent() {
        Instant due = NOW.minus(Duration.ofMinutes(5));
        LocalDate arrival = LocalDate.parse("2026-11-23");
        List<ExistingCommunication> existing = List.of(
                existing(JourneyStep.CONFIRMATION, CommunicationStatus.SENT, NOW.minus(Duration.ofDays(30))),
                existing(JourneyStep.PRE_CHECK_IN, CommunicationStatus.SCHEDULED,
                        Instant.parse("2026-11-22T10:00:00Z")));

        List<CommunicationChange> changes = planner.plan(
                booked(arrival, arrival.plusDays(1), NOW.minus(Duration.ofDays(30))), existing, due.plusSeconds(1));

        assertTrue(changes.stream().noneMatch(c -> c.step() == JourneyStep.PRE_CHECK_IN), changes.toString());
    }

    // ---- history ---------------------------------------------------------------------------------------------------

    @Test
    void aHistoryChangeCreatesNoCommunication() {
        assertEquals(List.of(), planner.plan(booked(ARRIVAL, DEPARTURE, NOW), List.of(), NOW, true));
    }

    @Test
    void aHistoryCancellationStillCancelsWhatIsPending() {
        List<ExistingCommunication> existing = applied(planner.plan(booked(ARRIVAL, DEPARTURE, NOW), List.of(), NOW));

        List<CommunicationChange> changes = planner.plan(
                new ReservationState(ReservationStatus.CANCELLED, ARRIVAL, DEPARTURE, UTC, NOW, false), existing, NOW,
                true);

        assertEquals(5, changes.size());
        assertTrue(changes.stream().allMatch(c -> c.status() == CommunicationStatus.CANCELLED));
    }

    @Test
    void aHistoryReinstatementStartsNothingAgain() {
        List<ExistingCommunication> existing = applied(planner.plan(booked(ARRIVAL, DEPARTURE, NOW), List.of(), NOW));
        existing = applied(planner.plan(new ReservationState(ReservationStatus.CANCELLED, ARRIVAL, DEPARTURE, UTC, NOW,
                false), existing, NOW), existing);

        assertEquals(List.of(), planner.plan(booked(ARRIVAL, DEPARTURE, NOW), existing, NOW, true));
        assertEquals(5, planner.plan(booked(ARRIVAL, DEPARTURE, NOW), existing, NOW, false).size(),
                "a live reinstatement does");
    }

    @Test
    void aHistoryChangeMayMoveWhatIsPending() {
        List<ExistingCommunication> existing = applied(planner.plan(booked(ARRIVAL, DEPARTURE, NOW), List.of(), NOW));

        Map<JourneyStep, CommunicationChange> byStep = byStep(planner.plan(
                booked(ARRIVAL.plusDays(7), DEPARTURE.plusDays(7), NOW), existing, NOW, true));

        assertEquals(CommunicationStatus.RESCHEDULED, byStep.get(JourneyStep.PRE_STAY).status());
    }

    // ---- holds -----------------------------------------------------------------------------------------------------

    @Test
    void anUncertainReservationHoldsEveryPendingCommunicationAndCreatesNone() {
        List<ExistingCommunication> existing = applied(planner.plan(booked(ARRIVAL, DEPARTURE, NOW), List.of(), NOW));
        existing = withStatus(existing, JourneyStep.CONFIRMATION, CommunicationStatus.SENT);

        List<CommunicationChange> changes = planner.plan(uncertain(ARRIVAL, DEPARTURE), existing, NOW);

        assertEquals(4, changes.size());
        assertTrue(changes.stream().allMatch(c -> c.status() == CommunicationStatus.HELD));
        assertTrue(changes.stream().allMatch(c -> Reasons.HELD_MISSING_FROM_EXPORT.equals(c.reason())));
        assertTrue(changes.stream().noneMatch(c -> c.step() == JourneyStep.CONFIRMATION));
        assertEquals(List.of(), planner.plan(uncertain(ARRIVAL, DEPARTURE), List.of(), NOW), "nothing new");
    }

    @Test
    void aSettledReservationReleasesItsHeldCommunications() {
        List<ExistingCommunication> existing = applied(planner.plan(booked(ARRIVAL, DEPARTURE, NOW), List.of(), NOW));
        existing = applied(planner.plan(uncertain(ARRIVAL, DEPARTURE), existing, NOW), existing);

        Map<JourneyStep, CommunicationChange> byStep = byStep(
                planner.plan(booked(ARRIVAL, DEPARTURE, NOW), existing, NOW.plusSeconds(600)));

        assertEquals(5, byStep.size());
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.PRE_STAY).status());
        assertEquals(Instant.parse("2027-01-03T09:00:00Z"), byStep.get(JourneyStep.PRE_STAY).dueAt());
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.CONFIRMATION).status());
        assertNull(byStep.get(JourneyStep.PRE_STAY).reason());
    }

    @Test
    void aSettledCancellationCancelsItsHeldCommunications() {
        List<ExistingCommunication> existing = applied(planner.plan(booked(ARRIVAL, DEPARTURE, NOW), List.of(), NOW));
        existing = applied(planner.plan(uncertain(ARRIVAL, DEPARTURE), existing, NOW), existing);

        List<CommunicationChange> changes = planner.plan(
                new ReservationState(ReservationStatus.CANCELLED, ARRIVAL, DEPARTURE, UTC, NOW, false), existing, NOW);

        assertEquals(5, changes.size());
        assertTrue(changes.stream().allMatch(c -> c.status() == CommunicationStatus.CANCELLED
                && Reasons.RESERVATION_CANCELLED.equals(c.reason())));
    }

    @Test
    void aHoldThatOutlastsFreshnessEndsSkipped() {
        List<ExistingCommunication> existing = applied(planner.plan(booked(ARRIVAL, DEPARTURE, NOW), List.of(), NOW));
        existing = applied(planner.plan(uncertain(ARRIVAL, DEPARTURE), existing, NOW), existing);

        // Settled only three days later: the confirmation is stale, the dated steps are still ahead.
        Map<JourneyStep, CommunicationChange> byStep = byStep(
                planner.plan(booked(ARRIVAL, DEPARTURE, NOW), existing, NOW.plus(Duration.ofDays(3))));

        assertEquals(CommunicationStatus.SKIPPED, byStep.get(JourneyStep.CONFIRMATION).status());
        assertTrue(byStep.get(JourneyStep.CONFIRMATION).reason().startsWith(Reasons.STALE_PREFIX));
        assertEquals(CommunicationStatus.SCHEDULED, byStep.get(JourneyStep.PRE_STAY).status());
    }

    @Test
    void staleReasonsNameNoData() {
        assertFalse(Reasons.lateBy(Duration.ofHours(36)).matches(".*\\d{4}-.*"));
        assertEquals("stale: more than 36 h after its due time", Reasons.lateBy(Duration.ofHours(36)));
        assertEquals("stale: more than 7 days after its due time", Reasons.lateBy(Duration.ofDays(7)));
    }

    // ---- no-show follow-up -----------------------------------------------------------------------------------------

    @Test
    void aNoShowReportedLateIsFollowedUpNowWhileFreshAndNotAfter() {
        LocalDate arrival = LocalDate.parse("2026-11-20");
        ReservationState noShow = new ReservationState(ReservationStatus.NO_SHOW, arrival, arrival.plusDays(2), UTC,
                NOW.minus(Duration.ofDays(20)), false);

        // Due 2026-11-21 10:00; reported 26 h later: still within its 3 days, sent now.
        CommunicationChange now = byStep(planner.plan(noShow, List.of(), NOW)).get(JourneyStep.NO_SHOW);
        assertEquals(CommunicationStatus.SCHEDULED, now.status());
        assertEquals(NOW, now.dueAt());
        // Reported a week later: skipped.
        CommunicationChange late = byStep(planner.plan(noShow, List.of(), NOW.plus(Duration.ofDays(5))))
                .get(JourneyStep.NO_SHOW);
        assertEquals(CommunicationStatus.SKIPPED, late.status());
    }

    @Test
    void aReversedNoShowCancelsThePendingFollowUp() {
        LocalDate arrival = LocalDate.parse("2026-11-22");
        ReservationState noShow = new ReservationState(ReservationStatus.NO_SHOW, arrival, arrival.plusDays(2), UTC,
                NOW.minus(Duration.ofDays(20)), false);
        List<ExistingCommunication> existing = applied(planner.plan(noShow, List.of(), NOW));

        Map<JourneyStep, CommunicationChange> byStep = byStep(planner.plan(
                new ReservationState(ReservationStatus.CHECKED_IN, arrival, arrival.plusDays(2), UTC,
                        NOW.minus(Duration.ofDays(20)), false), existing, NOW));

        assertEquals(CommunicationStatus.CANCELLED, byStep.get(JourneyStep.NO_SHOW).status());
        assertEquals(Reasons.NO_SHOW_REVERSED, byStep.get(JourneyStep.NO_SHOW).reason());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static ReservationState booked(LocalDate arrival, LocalDate departure, Instant bookedAt) {
        return new ReservationState(ReservationStatus.CONFIRMED, arrival, departure, UTC, bookedAt, false);
    }

    private static ReservationState uncertain(LocalDate arrival, LocalDate departure) {
        return new ReservationState(ReservationStatus.CONFIRMED, arrival, departure, UTC, NOW, true);
    }

    private static ExistingCommunication existing(JourneyStep step, CommunicationStatus status, Instant dueAt) {
        return new ExistingCommunication(UUID.randomUUID(), step, Channel.EMAIL, status, dueAt, null);
    }

    private static Map<JourneyStep, CommunicationChange> byStep(List<CommunicationChange> changes) {
        return changes.stream().collect(Collectors.toMap(CommunicationChange::step, Function.identity()));
    }

    private static List<ExistingCommunication> applied(List<CommunicationChange> changes) {
        return applied(changes, List.of());
    }

    private static List<ExistingCommunication> applied(List<CommunicationChange> changes,
                                                       List<ExistingCommunication> existing) {
        List<ExistingCommunication> result = new java.util.ArrayList<>(existing);
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
}
