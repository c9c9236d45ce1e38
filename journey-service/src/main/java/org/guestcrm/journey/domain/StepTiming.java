package org.guestcrm.journey.domain;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Objects;

/**
 * When a dated step is due: {@code dayOffset} days from its anchor date (arrival or departure), at {@code localTime}
 * in the hotel's time zone. A negative offset means before the anchor.
 */
public record StepTiming(Anchor anchor, int dayOffset, LocalTime localTime) {

    public enum Anchor {
        ARRIVAL,
        DEPARTURE
    }

    public StepTiming {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(localTime, "localTime");
    }

    public static StepTiming daysFromArrival(int days, LocalTime at) {
        return new StepTiming(Anchor.ARRIVAL, days, at);
    }

    public static StepTiming daysFromDeparture(int days, LocalTime at) {
        return new StepTiming(Anchor.DEPARTURE, days, at);
    }

    LocalDate dueDate(ReservationState reservation) {
        LocalDate anchorDate = anchor == Anchor.ARRIVAL ? reservation.arrival() : reservation.departure();
        return anchorDate.plusDays(dayOffset);
    }
}
