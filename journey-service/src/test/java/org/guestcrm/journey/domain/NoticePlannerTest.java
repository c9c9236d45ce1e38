package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The modification and cancellation notice rules, with fixed instants. */
class NoticePlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final LocalDate ARRIVAL = LocalDate.parse("2027-01-10");
    private static final LocalDate DEPARTURE = LocalDate.parse("2027-01-13");
    private static final Duration WINDOW = Duration.ofMinutes(2);

    private final NoticePlanner planner = new NoticePlanner(new NoticeSettings(WINDOW, Duration.ofHours(48)));

    private static final ReservationTerms BOOKED = new ReservationTerms(ReservationStatus.CONFIRMED, ARRIVAL, DEPARTURE,
            "DBL", "BAR", 2, 0);
    private static final ExistingCommunication CONFIRMATION_SENT = existing(JourneyStep.CONFIRMATION,
            CommunicationStatus.SENT, NOW.minus(Duration.ofDays(1)), null);

    @Test
    void aGuestFacingChangeOfABookedReservationPlansOneModificationNoticeAfterTheWindow() {
        for (ReservationTerms after : List.of(
                withDates(ARRIVAL.plusDays(1), DEPARTURE.plusDays(1)),
                new ReservationTerms(ReservationStatus.CONFIRMED, ARRIVAL, DEPARTURE, "SUITE", "BAR", 2, 0),
                new ReservationTerms(ReservationStatus.CONFIRMED, ARRIVAL, DEPARTURE, "DBL", "NONREF", 2, 0),
                new ReservationTerms(ReservationStatus.CONFIRMED, ARRIVAL, DEPARTURE, "DBL", "BAR", 2, 1))) {
            List<CommunicationChange> changes = planner.plan(state(after), update(BOOKED, after, "seq:2", NOW),
                    List.of(CONFIRMATION_SENT), NOW);

            assertEquals(1, changes.size(), after.toString());
            CommunicationChange notice = changes.getFirst();
            assertTrue(notice.createsCommunication());
            assertEquals(JourneyStep.MODIFICATION, notice.step());
            assertEquals(CommunicationStatus.SCHEDULED, notice.status());
            assertEquals(NOW.plus(WINDOW), notice.dueAt());
            assertEquals("seq:2", notice.noticeVersion());
        }
    }

    @Test
    void aSnapshotThatChangesNothingTheGuestSeesPlansNoNotice() {
        // Same terms (e.g. a room number assigned, a comment added): nothing to tell.
        assertEquals(List.of(), planner.plan(state(BOOKED), update(BOOKED, BOOKED, "seq:2", NOW),
                List.of(CONFIRMATION_SENT), NOW));
        // A term the older row did not record (null) never counts as a change.
        ReservationTerms unrecorded = new ReservationTerms(ReservationStatus.CONFIRMED, ARRIVAL, DEPARTURE, null, null,
                null, null);
        assertEquals(List.of(), planner.plan(state(BOOKED), update(unrecorded, BOOKED, "seq:2", NOW),
                List.of(CONFIRMATION_SENT), NOW));
    }

    @Test
    void aLaterChangeJoinsThePendingNoticeWhichKeepsItsDueTime() {
        Instant firstDue = NOW.plus(Duration.ofMinutes(1));
        ExistingCommunication pending = new ExistingCommunication(UUID.randomUUID(), JourneyStep.MODIFICATION,
                Channel.EMAIL, CommunicationStatus.SCHEDULED, firstDue, null, "seq:2");
        ReservationTerms moved = withDates(ARRIVAL.plusDays(2), DEPARTURE.plusDays(2));

        List<CommunicationChange> changes = planner.plan(state(moved), update(withDates(ARRIVAL.plusDays(1),
                DEPARTURE.plusDays(1)), moved, "seq:3", NOW), List.of(CONFIRMATION_SENT, pending), NOW);

        assertEquals(1, changes.size());
        CommunicationChange joined = changes.getFirst();
        assertEquals(pending.id(), joined.communicationId(), "no second notice");
        assertEquals(CommunicationStatus.SCHEDULED, joined.status());
        assertEquals(firstDue, joined.dueAt(), "the window is not extended");
        assertEquals("seq:3", joined.noticeVersion());
    }

    @Test
    void aChangeAfterTheNoticeWentOutPlansANewNoticeForItsVersion() {
        ExistingCommunication sent = new ExistingCommunication(UUID.randomUUID(), JourneyStep.MODIFICATION,
                Channel.EMAIL, CommunicationStatus.SENT, NOW.minus(Duration.ofHours(1)), null, "seq:2");
        ReservationTerms moved = withDates(ARRIVAL.plusDays(2), DEPARTURE.plusDays(2));

        List<CommunicationChange> changes = planner.plan(state(moved), update(BOOKED, moved, "seq:3", NOW),
                List.of(CONFIRMATION_SENT, sent), NOW);

        assertEquals(1, changes.size());
        assertTrue(changes.getFirst().createsCommunication());
        assertEquals("seq:3", changes.getFirst().noticeVersion());
        // The same version again (a redelivery that got this far): nothing.
        ExistingCommunication already = new ExistingCommunication(UUID.randomUUID(), JourneyStep.MODIFICATION,
                Channel.EMAIL, CommunicationStatus.SENT, NOW, null, "seq:3");
        assertEquals(List.of(), planner.plan(state(moved), update(BOOKED, moved, "seq:3", NOW),
                List.of(CONFIRMATION_SENT, sent, already), NOW));
    }

    @Test
    void noModificationNoticeWhileTheConfirmationIsPendingItCarriesTheLatestState() {
        ReservationTerms moved = withDates(ARRIVAL.plusDays(1), DEPARTURE.plusDays(1));
        ExistingCommunication pendingConfirmation = existing(JourneyStep.CONFIRMATION, CommunicationStatus.SCHEDULED,
                NOW, null);

        assertEquals(List.of(), planner.plan(state(moved), update(BOOKED, moved, "seq:2", NOW),
                List.of(pendingConfirmation), NOW));
    }

    @Test
    void aCancellationOfABookedReservationPlansACancellationNoticeAndCancelsAPendingModificationNotice() {
        ExistingCommunication pendingModification = new ExistingCommunication(UUID.randomUUID(),
                JourneyStep.MODIFICATION, Channel.EMAIL, CommunicationStatus.SCHEDULED, NOW.plusSeconds(30), null,
                "seq:2");
        ReservationTerms cancelled = withStatus(ReservationStatus.CANCELLED);

        List<CommunicationChange> changes = planner.plan(state(cancelled), update(BOOKED, cancelled, "seq:3", NOW),
                List.of(CONFIRMATION_SENT, pendingModification), NOW);

        assertEquals(2, changes.size(), changes.toString());
        CommunicationChange modification = changes.stream().filter(c -> c.step() == JourneyStep.MODIFICATION)
                .findFirst().orElseThrow();
        assertEquals(CommunicationStatus.CANCELLED, modification.status());
        assertEquals(Reasons.RESERVATION_CANCELLED, modification.reason());
        CommunicationChange notice = changes.stream().filter(c -> c.step() == JourneyStep.CANCELLATION)
                .findFirst().orElseThrow();
        assertTrue(notice.createsCommunication());
        assertEquals(CommunicationStatus.SCHEDULED, notice.status());
        assertEquals(NOW.plus(WINDOW), notice.dueAt());
        assertEquals("seq:3", notice.noticeVersion());
    }

    @Test
    void aReinstatementBeforeTheCancellationNoticeWentCancelsIt() {
        ExistingCommunication pendingCancellation = new ExistingCommunication(UUID.randomUUID(),
                JourneyStep.CANCELLATION, Channel.EMAIL, CommunicationStatus.SCHEDULED, NOW.plusSeconds(30), null,
                "seq:3");

        List<CommunicationChange> changes = planner.plan(state(BOOKED),
                update(withStatus(ReservationStatus.CANCELLED), BOOKED, "seq:4", NOW),
                List.of(CONFIRMATION_SENT, pendingCancellation), NOW);

        assertEquals(1, changes.size());
        assertEquals(CommunicationStatus.CANCELLED, changes.getFirst().status());
        assertEquals(Reasons.RESERVATION_REINSTATED, changes.getFirst().reason());
    }

    @Test
    void noNoticeForAReservationFirstSeenOrAHistoryChangeOrAStatusThatWasNotBooked() {
        ReservationTerms cancelled = withStatus(ReservationStatus.CANCELLED);
        // First seen cancelled.
        assertEquals(List.of(), planner.plan(state(cancelled), update(null, cancelled, "seq:1", NOW), List.of(), NOW));
        // A history import or replay.
        assertEquals(List.of(), planner.plan(state(cancelled),
                new ReservationUpdate(BOOKED, cancelled, "seq:2", NOW, true), List.of(CONFIRMATION_SENT), NOW));
        // Checked in, then the dates change (an extension at the desk): the guest is there.
        ReservationTerms checkedIn = withStatus(ReservationStatus.CHECKED_IN);
        ReservationTerms extended = new ReservationTerms(ReservationStatus.CHECKED_IN, ARRIVAL, DEPARTURE.plusDays(1),
                "DBL", "BAR", 2, 0);
        assertEquals(List.of(), planner.plan(state(extended), update(checkedIn, extended, "seq:3", NOW),
                List.of(CONFIRMATION_SENT), NOW));
    }

    @Test
    void aStaleChangeIsRecordedSkippedWithItsReason() {
        // Replayed: the change was made 3 days ago.
        ReservationTerms moved = withDates(ARRIVAL.plusDays(1), DEPARTURE.plusDays(1));
        List<CommunicationChange> replayed = planner.plan(state(moved),
                update(BOOKED, moved, "seq:2", NOW.minus(Duration.ofDays(3))), List.of(CONFIRMATION_SENT), NOW);
        assertEquals(CommunicationStatus.SKIPPED, replayed.getFirst().status());
        assertEquals("stale: change made more than 2 days ago", replayed.getFirst().reason());
        assertEquals("seq:2", replayed.getFirst().noticeVersion());

        // The stay has ended.
        ReservationTerms past = new ReservationTerms(ReservationStatus.CANCELLED, LocalDate.parse("2005-03-01"),
                LocalDate.parse("2005-03-04"), null, null, 1, 0);
        ReservationTerms pastBooked = new ReservationTerms(ReservationStatus.CONFIRMED, LocalDate.parse("2005-03-01"),
                LocalDate.parse("2005-03-04"), null, null, 1, 0);
        List<CommunicationChange> ended = planner.plan(state(past), update(pastBooked, past, "seq:2", NOW),
                List.of(), NOW);
        assertEquals(JourneyStep.CANCELLATION, ended.getFirst().step());
        assertEquals(CommunicationStatus.SKIPPED, ended.getFirst().status());
        assertEquals(Reasons.STALE_STAY_ENDED, ended.getFirst().reason());
    }

    @Test
    void pendingNoticesAreHeldWhileUncertainReleasedWhenSettledAndSkippedWhenStaleAtSendTime() {
        ExistingCommunication pending = new ExistingCommunication(UUID.randomUUID(), JourneyStep.MODIFICATION,
                Channel.EMAIL, CommunicationStatus.SCHEDULED, NOW.plusSeconds(60), null, "seq:2");
        ReservationState uncertain = new ReservationState(ReservationStatus.CONFIRMED, ARRIVAL, DEPARTURE,
                ZoneOffset.UTC, null, true);
        List<CommunicationChange> held = planner.plan(uncertain, null, List.of(pending), NOW);
        assertEquals(CommunicationStatus.HELD, held.getFirst().status());

        ExistingCommunication heldRow = new ExistingCommunication(pending.id(), JourneyStep.MODIFICATION,
                Channel.EMAIL, CommunicationStatus.HELD, pending.dueAt(), Reasons.HELD_MISSING_FROM_EXPORT, "seq:2");
        Instant later = NOW.plus(Duration.ofMinutes(10));
        List<CommunicationChange> released = planner.plan(state(BOOKED), null, List.of(heldRow), later);
        assertEquals(CommunicationStatus.RESCHEDULED, released.getFirst().status());
        assertEquals(later, released.getFirst().dueAt(), "came due while held: now");
        assertNull(released.getFirst().reason());

        // At send time, three days after its due time (an outage): stale.
        List<CommunicationChange> stale = planner.plan(state(BOOKED), null, List.of(pending),
                pending.dueAt().plus(Duration.ofDays(3)));
        assertEquals(CommunicationStatus.SKIPPED, stale.getFirst().status());
        assertEquals("stale: more than 2 days after its due time", stale.getFirst().reason());
        // Fresh and wanted: nothing to change.
        assertEquals(List.of(), planner.plan(state(BOOKED), null, List.of(pending), NOW));
    }

    @Test
    void theJourneyPlannerLeavesNoticesAlone() {
        ExistingCommunication pending = new ExistingCommunication(UUID.randomUUID(), JourneyStep.MODIFICATION,
                Channel.EMAIL, CommunicationStatus.SCHEDULED, NOW.plusSeconds(60), null, "seq:2");
        ExistingCommunication other = new ExistingCommunication(UUID.randomUUID(), JourneyStep.MODIFICATION,
                Channel.EMAIL, CommunicationStatus.SENT, NOW.minusSeconds(60), null, "seq:1");
        List<CommunicationChange> changes = new JourneyPlanner(JourneySchedule.standard())
                .plan(state(BOOKED), List.of(CONFIRMATION_SENT, pending, other), NOW);
        assertTrue(changes.stream().noneMatch(c -> JourneyPlanner.isNotice(c.step())), changes.toString());
        assertTrue(!JourneyPlanner.respectsQuietHours(JourneyStep.MODIFICATION)
                && !JourneyPlanner.respectsQuietHours(JourneyStep.CANCELLATION), "notices answer the guest's booking");
    }

    private static ReservationState state(ReservationTerms terms) {
        return new ReservationState(terms.status(), terms.arrival(), terms.departure(), ZoneOffset.UTC);
    }

    private static ReservationUpdate update(ReservationTerms before, ReservationTerms after, String version,
                                            Instant changedAt) {
        return new ReservationUpdate(before, after, version, changedAt, false);
    }

    private static ReservationTerms withDates(LocalDate arrival, LocalDate departure) {
        return new ReservationTerms(ReservationStatus.CONFIRMED, arrival, departure, "DBL", "BAR", 2, 0);
    }

    private static ReservationTerms withStatus(ReservationStatus status) {
        return new ReservationTerms(status, ARRIVAL, DEPARTURE, "DBL", "BAR", 2, 0);
    }

    private static ExistingCommunication existing(JourneyStep step, CommunicationStatus status, Instant dueAt,
                                                  String reason) {
        return new ExistingCommunication(UUID.randomUUID(), step, Channel.EMAIL, status, dueAt, reason);
    }
}
