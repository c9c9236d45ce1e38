package org.guestcrm.journey.domain;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The terms of a booking a guest cares about: status, stay dates, room type, rate plan and number of guests. A value
 * the PMS did not send (or that was not recorded yet, for reservations held before it was) is null and never counts as
 * a change.
 */
public record ReservationTerms(ReservationStatus status, LocalDate arrival, LocalDate departure, String roomTypeCode,
                               String ratePlanCode, Integer adults, Integer children) {

    /** What changed that a guest would want to hear about, in the order dates, room, rate, guests. */
    public enum Change {
        DATES, ROOM, RATE, GUESTS
    }

    public ReservationTerms {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(departure, "departure");
    }

    /** The guest-facing changes from these terms to {@code newer}; empty when nothing the guest would notice moved. */
    public List<Change> changesTo(ReservationTerms newer) {
        List<Change> changes = new ArrayList<>();
        if (!arrival.equals(newer.arrival) || !departure.equals(newer.departure)) {
            changes.add(Change.DATES);
        }
        if (differs(roomTypeCode, newer.roomTypeCode)) {
            changes.add(Change.ROOM);
        }
        if (differs(ratePlanCode, newer.ratePlanCode)) {
            changes.add(Change.RATE);
        }
        if (differs(adults, newer.adults) || differs(children, newer.children)) {
            changes.add(Change.GUESTS);
        }
        return List.copyOf(changes);
    }

    private static boolean differs(Object before, Object after) {
        return before != null && after != null && !before.equals(after);
    }
}
