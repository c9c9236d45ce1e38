package org.guestcrm.journey.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a reservation's communications from its current state, the communications already recorded and the
 * current time. Pure: it returns the changes to make and touches nothing.
 *
 * <p>Rules (see the service README for the table):
 * <ul>
 * <li>Which steps a status wants: a booked reservation (tentative, confirmed, waitlisted) wants the five stay steps;
 * checked in wants IN_STAY and POST_STAY_SURVEY; checked out wants POST_STAY_SURVEY; cancelled and no-show want
 * none, except that a no-show wants NO_SHOW (the follow-up). IN_STAY only for stays of at least {@link JourneySchedule#inStayMinimumNights()} nights. An UNKNOWN status
 * changes nothing.</li>
 * <li>A wanted step without a communication is created: CONFIRMATION due now unless stale (booked longer ago than its
 * window, or the stay has ended), the others at their due time; a step whose due time has passed follows its
 * late-booking policy (sent now while fresh, else SKIPPED "due time passed").</li>
 * <li>A pending communication whose due time moved is RESCHEDULED (or SKIPPED if the new time has passed and the
 * step may not go late); a pending CONFIRMATION keeps its time. A pending communication that is no longer fresh is
 * SKIPPED "stale: ...".</li>
 * <li>A pending communication of a step that is no longer wanted is CANCELLED with the reason.</li>
 * <li>An uncertain reservation (missing from the PMS export) HOLDS every pending communication and creates none; once
 * settled, a HELD one is released (SCHEDULED, or skipped when no longer fresh) or CANCELLED when not wanted.</li>
 * <li>A CANCELLED communication of a step wanted again (reservation reinstated) is SCHEDULED again if still fresh;
 * a SKIPPED late or stale one is RESCHEDULED when the dates moved so that it is ahead again.
 * SENT and FAILED communications are final: a step is never sent twice.</li>
 * <li>A history change (a history import or replay) may stop or move a planned communication, never start one: it
 * creates nothing and turns nothing back to pending.</li>
 * <li>Quiet hours (the hotel's, local time): a non-urgent step (every step but the CONFIRMATION, which answers the
 * guest's own booking) due inside them moves to their end; freshness is then judged at that time.</li>
 * </ul>
 */
public final class JourneyPlanner {

    private final JourneySchedule schedule;

    public JourneyPlanner(JourneySchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    public List<CommunicationChange> plan(ReservationState reservation, List<ExistingCommunication> existing,
                                          Instant now) {
        return plan(reservation, existing, now, false);
    }

    /** As {@link #plan(ReservationState, List, Instant)}; {@code history}: the change comes from a history import. */
    public List<CommunicationChange> plan(ReservationState reservation, List<ExistingCommunication> existing,
                                          Instant now, boolean history) {
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(existing, "existing");
        Objects.requireNonNull(now, "now");
        Map<JourneyStep, ExistingCommunication> existingByStep = new EnumMap<>(JourneyStep.class);
        for (ExistingCommunication communication : existing) {
            if (isNotice(communication.step())) {
                // Notices (one per reservation version) are the NoticePlanner's.
                continue;
            }
            if (existingByStep.putIfAbsent(communication.step(), communication) != null) {
                throw new IllegalArgumentException("Two communications for step " + communication.step());
            }
        }
        List<CommunicationChange> changes = new ArrayList<>();
        if (reservation.uncertain()) {
            for (ExistingCommunication communication : existingByStep.values()) {
                if (communication.status().isPending()) {
                    changes.add(CommunicationChange.update(communication, CommunicationStatus.HELD,
                            communication.dueAt(), Reasons.HELD_MISSING_FROM_EXPORT));
                }
            }
            return List.copyOf(changes);
        }
        if (reservation.status() == ReservationStatus.UNKNOWN) {
            return List.of();
        }
        Map<JourneyStep, Instant> wanted = wantedSteps(reservation, now);

        for (ExistingCommunication communication : existingByStep.values()) {
            if ((communication.status().isPending() || communication.status() == CommunicationStatus.HELD)
                    && !wanted.containsKey(communication.step())) {
                changes.add(CommunicationChange.update(communication, CommunicationStatus.CANCELLED,
                        communication.dueAt(), reasonNotWanted(reservation, communication.step())));
            }
        }
        wanted.forEach((step, dueAt) -> {
            ExistingCommunication communication = existingByStep.get(step);
            CommunicationChange change = communication == null
                    ? firstPlan(step, dueAt, reservation, now)
                    : replan(communication, dueAt, reservation, now);
            if (change != null) {
                changes.add(change);
            }
        });
        if (history) {
            // A history change never starts a communication: no new rows, nothing turned (back) to pending.
            changes.removeIf(change -> change.createsCommunication() || (change.status().isPending()
                    && !existingByStep.get(change.step()).status().isPending()));
        }
        return List.copyOf(changes);
    }

    /** The steps the reservation's status wants, in journey order, with their due times. */
    private Map<JourneyStep, Instant> wantedSteps(ReservationState reservation, Instant now) {
        Map<JourneyStep, Instant> wanted = new LinkedHashMap<>();
        ReservationStatus status = reservation.status();
        if (status.isBooked()) {
            wanted.put(JourneyStep.CONFIRMATION, now);
            wanted.put(JourneyStep.PRE_STAY, dueAt(JourneyStep.PRE_STAY, reservation));
            wanted.put(JourneyStep.PRE_CHECK_IN, dueAt(JourneyStep.PRE_CHECK_IN, reservation));
        }
        if ((status.isBooked() || status == ReservationStatus.CHECKED_IN)
                && reservation.nights() >= schedule.inStayMinimumNights()) {
            wanted.put(JourneyStep.IN_STAY, dueAt(JourneyStep.IN_STAY, reservation));
        }
        if (status.isBooked() || status == ReservationStatus.CHECKED_IN || status == ReservationStatus.CHECKED_OUT) {
            wanted.put(JourneyStep.POST_STAY_SURVEY, dueAt(JourneyStep.POST_STAY_SURVEY, reservation));
        }
        if (status == ReservationStatus.NO_SHOW) {
            wanted.put(JourneyStep.NO_SHOW, dueAt(JourneyStep.NO_SHOW, reservation));
        }
        return wanted;
    }

    private Instant dueAt(JourneyStep step, ReservationState reservation) {
        StepTiming timing = schedule.timingOf(step);
        return outsideQuietHours(step, reservation,
                timing.dueDate(reservation).atTime(timing.localTime()).atZone(reservation.hotelZone()).toInstant());
    }

    /**
     * Whether {@code step} waits for the end of quiet hours: every step but the CONFIRMATION and the modification and
     * cancellation notices, which answer a change of the guest's own booking.
     */
    public static boolean respectsQuietHours(JourneyStep step) {
        return step != JourneyStep.CONFIRMATION && !isNotice(step);
    }

    /** Whether {@code step} is a notice of a change (one per reservation version, planned by {@link NoticePlanner}). */
    public static boolean isNotice(JourneyStep step) {
        return step == JourneyStep.MODIFICATION || step == JourneyStep.CANCELLATION;
    }

    private static Instant outsideQuietHours(JourneyStep step, ReservationState reservation, Instant at) {
        return respectsQuietHours(step) ? reservation.quietHours().nextAllowed(at, reservation.hotelZone()) : at;
    }

    /**
     * Why {@code step}, due at {@code dueAt}, no longer means anything at {@code now}; empty while it is fresh. For a
     * CONFIRMATION {@code dueAt} is ignored (its window runs from the booking's creation).
     */
    public Optional<String> staleness(JourneyStep step, Instant dueAt, ReservationState reservation, Instant now) {
        LocalDate today = now.atZone(reservation.hotelZone()).toLocalDate();
        Freshness freshness = schedule.freshness();
        switch (step) {
            case CONFIRMATION -> {
                if (!today.isBefore(reservation.departure())) {
                    return Optional.of(Reasons.STALE_STAY_ENDED);
                }
                if (reservation.bookedAt() != null
                        && now.isAfter(reservation.bookedAt().plus(freshness.confirmationWindow()))) {
                    return Optional.of(Reasons.bookedTooLongAgo(freshness.confirmationWindow()));
                }
                return Optional.empty();
            }
            case PRE_STAY, PRE_CHECK_IN -> {
                if (!today.isBefore(reservation.arrival())) {
                    return Optional.of(Reasons.STALE_ARRIVAL_DAY);
                }
            }
            case IN_STAY -> {
                if (!today.isBefore(reservation.departure())) {
                    return Optional.of(Reasons.STALE_STAY_ENDED);
                }
            }
            case POST_STAY_SURVEY, NO_SHOW -> {
            }
            case MODIFICATION, CANCELLATION, CAMPAIGN, WIN_BACK, BIRTHDAY, STAY_ANNIVERSARY ->
                    throw new IllegalArgumentException(step + " is not a step of the journey's schedule");
        }
        Duration window = freshness.of(step).window();
        if (now.isAfter(dueAt.plus(window))) {
            return Optional.of(Reasons.lateBy(window));
        }
        return Optional.empty();
    }

    /** The due time a step planned at {@code now} gets: its own when ahead, now when it may go late, else none. */
    private Optional<Instant> sendableAt(JourneyStep step, Instant dueAt, ReservationState reservation, Instant now) {
        if (step == JourneyStep.CONFIRMATION) {
            return staleness(step, dueAt, reservation, now).isPresent() ? Optional.empty() : Optional.of(dueAt);
        }
        if (!dueAt.isBefore(now)) {
            return Optional.of(dueAt);
        }
        if (schedule.freshness().of(step).lateBooking() == StepFreshness.LateBooking.SEND_NOW
                && staleness(step, dueAt, reservation, now).isEmpty()) {
            Instant at = outsideQuietHours(step, reservation, now);
            return staleness(step, dueAt, reservation, at).isEmpty() ? Optional.of(at) : Optional.empty();
        }
        return Optional.empty();
    }

    private String notSendableReason(JourneyStep step, Instant dueAt, ReservationState reservation, Instant now) {
        if (step == JourneyStep.CONFIRMATION) {
            return staleness(step, dueAt, reservation, now).orElse(Reasons.DUE_TIME_PASSED);
        }
        return Reasons.DUE_TIME_PASSED;
    }

    private CommunicationChange firstPlan(JourneyStep step, Instant dueAt, ReservationState reservation, Instant now) {
        Optional<Instant> at = sendableAt(step, dueAt, reservation, now);
        if (at.isEmpty()) {
            return CommunicationChange.create(step, CommunicationStatus.SKIPPED, dueAt,
                    notSendableReason(step, dueAt, reservation, now));
        }
        return CommunicationChange.create(step, CommunicationStatus.SCHEDULED, at.get(), null);
    }

    private CommunicationChange replan(ExistingCommunication communication, Instant dueAt, ReservationState reservation,
                                       Instant now) {
        JourneyStep step = communication.step();
        boolean confirmation = step == JourneyStep.CONFIRMATION;
        return switch (communication.status()) {
            case SCHEDULED, RESCHEDULED -> {
                if (confirmation) {
                    yield staleness(step, dueAt, reservation, now)
                            .map(reason -> CommunicationChange.update(communication, CommunicationStatus.SKIPPED,
                                    communication.dueAt(), reason))
                            .orElse(null);
                }
                boolean unchanged = dueAt.equals(communication.dueAt())
                        || (dueAt.isBefore(now) && !communication.dueAt().isAfter(now)
                        && communication.dueAt().isAfter(dueAt));
                Optional<Instant> at = sendableAt(step, dueAt, reservation, now);
                if (unchanged || (at.isPresent() && at.get().equals(communication.dueAt()))) {
                    // Unchanged (or planned late, due now): only freshness can change it.
                    yield staleness(step, dueAt, reservation, now)
                            .map(reason -> CommunicationChange.update(communication, CommunicationStatus.SKIPPED,
                                    communication.dueAt(), reason))
                            .orElse(null);
                }
                yield at.isPresent()
                        ? CommunicationChange.update(communication, CommunicationStatus.RESCHEDULED, at.get(), null)
                        : CommunicationChange.update(communication, CommunicationStatus.SKIPPED, dueAt,
                                notSendableReason(step, dueAt, reservation, now));
            }
            case HELD -> {
                Instant target = confirmation ? communication.dueAt() : dueAt;
                Optional<Instant> at = sendableAt(step, target, reservation, now);
                if (at.isEmpty()) {
                    Optional<String> stale = staleness(step, target, reservation, now);
                    yield CommunicationChange.update(communication, CommunicationStatus.SKIPPED, target,
                            stale.orElse(Reasons.DUE_TIME_PASSED));
                }
                yield CommunicationChange.update(communication,
                        at.get().equals(communication.dueAt()) ? CommunicationStatus.SCHEDULED
                                : CommunicationStatus.RESCHEDULED, at.get(), null);
            }
            case CANCELLED -> sendableAt(step, dueAt, reservation, now)
                    .map(at -> CommunicationChange.update(communication, CommunicationStatus.SCHEDULED, at, null))
                    .orElse(null);
            case SKIPPED -> !confirmation && Reasons.isLateOrStale(communication.reason()) && !dueAt.isBefore(now)
                    ? CommunicationChange.update(communication, CommunicationStatus.RESCHEDULED, dueAt, null)
                    : null;
            case SENT, FAILED, BOUNCED, COMPLAINED -> null;
        };
    }

    private String reasonNotWanted(ReservationState reservation, JourneyStep step) {
        if (step == JourneyStep.NO_SHOW) {
            return reservation.status() == ReservationStatus.CANCELLED ? Reasons.RESERVATION_CANCELLED
                    : Reasons.NO_SHOW_REVERSED;
        }
        return switch (reservation.status()) {
            case CANCELLED -> Reasons.RESERVATION_CANCELLED;
            case NO_SHOW -> reservation.noShowCutoff() == null ? Reasons.NO_SHOW
                    : Reasons.noShowByCutoff(reservation.noShowCutoff());
            case CHECKED_IN -> step == JourneyStep.IN_STAY
                    ? Reasons.stayTooShort(schedule.inStayMinimumNights())
                    : Reasons.GUEST_CHECKED_IN;
            case CHECKED_OUT -> Reasons.GUEST_CHECKED_OUT;
            case TENTATIVE, CONFIRMED, WAITLISTED, UNKNOWN -> Reasons.stayTooShort(schedule.inStayMinimumNights());
        };
    }
}
