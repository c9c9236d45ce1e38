package org.guestcrm.journey.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides a reservation's communications from its current state, the communications already recorded and the
 * current time. Pure: it returns the changes to make and touches nothing.
 *
 * <p>Rules (see the service README for the table):
 * <ul>
 * <li>Which steps a status wants: a booked reservation (tentative, confirmed, waitlisted) wants all five steps;
 * checked in wants IN_STAY and POST_STAY_SURVEY; checked out wants POST_STAY_SURVEY; cancelled and no-show want
 * none. IN_STAY only for stays of at least {@link JourneySchedule#inStayMinimumNights()} nights. An UNKNOWN status
 * changes nothing.</li>
 * <li>A wanted step without a communication is created: CONFIRMATION due now (whatever the stay dates), the others at
 * their due time, or recorded SKIPPED ("due time passed") when that time has already passed.</li>
 * <li>A pending communication whose due time moved is RESCHEDULED (or SKIPPED if the new time has passed); a
 * pending CONFIRMATION keeps its time.</li>
 * <li>A pending communication of a step that is no longer wanted is CANCELLED with the reason.</li>
 * <li>A CANCELLED communication of a step wanted again (reservation reinstated) is SCHEDULED again if its due time
 * is still ahead; a SKIPPED "due time passed" one is RESCHEDULED when the dates moved so that it is ahead again.
 * SENT and FAILED communications are final: a step is never sent twice.</li>
 * </ul>
 */
public final class JourneyPlanner {

    private final JourneySchedule schedule;

    public JourneyPlanner(JourneySchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    public List<CommunicationChange> plan(ReservationState reservation, List<ExistingCommunication> existing,
                                          Instant now) {
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(existing, "existing");
        Objects.requireNonNull(now, "now");
        if (reservation.status() == ReservationStatus.UNKNOWN) {
            return List.of();
        }
        Map<JourneyStep, ExistingCommunication> existingByStep = new EnumMap<>(JourneyStep.class);
        for (ExistingCommunication communication : existing) {
            if (existingByStep.putIfAbsent(communication.step(), communication) != null) {
                throw new IllegalArgumentException("Two communications for step " + communication.step());
            }
        }
        Map<JourneyStep, Instant> wanted = wantedSteps(reservation, now);
        List<CommunicationChange> changes = new ArrayList<>();

        for (ExistingCommunication communication : existingByStep.values()) {
            if (communication.status().isPending() && !wanted.containsKey(communication.step())) {
                changes.add(CommunicationChange.update(communication, CommunicationStatus.CANCELLED,
                        communication.dueAt(), reasonNotWanted(reservation, communication.step())));
            }
        }
        wanted.forEach((step, dueAt) -> {
            ExistingCommunication communication = existingByStep.get(step);
            CommunicationChange change = communication == null
                    ? firstPlan(step, dueAt, now)
                    : replan(communication, dueAt, now);
            if (change != null) {
                changes.add(change);
            }
        });
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
        return wanted;
    }

    private Instant dueAt(JourneyStep step, ReservationState reservation) {
        StepTiming timing = schedule.timingOf(step);
        return timing.dueDate(reservation).atTime(timing.localTime()).atZone(reservation.hotelZone()).toInstant();
    }

    private static CommunicationChange firstPlan(JourneyStep step, Instant dueAt, Instant now) {
        if (step != JourneyStep.CONFIRMATION && dueAt.isBefore(now)) {
            return CommunicationChange.create(step, CommunicationStatus.SKIPPED, dueAt, Reasons.DUE_TIME_PASSED);
        }
        return CommunicationChange.create(step, CommunicationStatus.SCHEDULED, dueAt, null);
    }

    private static CommunicationChange replan(ExistingCommunication communication, Instant dueAt, Instant now) {
        boolean confirmation = communication.step() == JourneyStep.CONFIRMATION;
        boolean dueAhead = confirmation || !dueAt.isBefore(now);
        return switch (communication.status()) {
            case SCHEDULED, RESCHEDULED -> {
                if (confirmation || dueAt.equals(communication.dueAt())) {
                    yield null;
                }
                yield dueAhead
                        ? CommunicationChange.update(communication, CommunicationStatus.RESCHEDULED, dueAt, null)
                        : CommunicationChange.update(communication, CommunicationStatus.SKIPPED, dueAt,
                                Reasons.DUE_TIME_PASSED);
            }
            case CANCELLED -> dueAhead
                    ? CommunicationChange.update(communication, CommunicationStatus.SCHEDULED, dueAt, null)
                    : null;
            case SKIPPED -> Reasons.DUE_TIME_PASSED.equals(communication.reason()) && dueAhead && !confirmation
                    ? CommunicationChange.update(communication, CommunicationStatus.RESCHEDULED, dueAt, null)
                    : null;
            case SENT, FAILED -> null;
        };
    }

    private String reasonNotWanted(ReservationState reservation, JourneyStep step) {
        return switch (reservation.status()) {
            case CANCELLED -> Reasons.RESERVATION_CANCELLED;
            case NO_SHOW -> Reasons.NO_SHOW;
            case CHECKED_IN -> step == JourneyStep.IN_STAY
                    ? Reasons.stayTooShort(schedule.inStayMinimumNights())
                    : Reasons.GUEST_CHECKED_IN;
            case CHECKED_OUT -> Reasons.GUEST_CHECKED_OUT;
            case TENTATIVE, CONFIRMED, WAITLISTED, UNKNOWN -> Reasons.stayTooShort(schedule.inStayMinimumNights());
        };
    }
}
