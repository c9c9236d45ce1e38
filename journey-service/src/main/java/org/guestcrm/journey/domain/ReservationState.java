package org.guestcrm.journey.domain;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What the journey planner needs to know about a reservation: its status, its stay dates and the hotel's time zone
 * (the zone the journey's local send times are meant in).
 */
public record ReservationState(ReservationStatus status, LocalDate arrival, LocalDate departure, ZoneId hotelZone) {

    public ReservationState {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(departure, "departure");
        Objects.requireNonNull(hotelZone, "hotelZone");
        if (departure.isBefore(arrival)) {
            throw new InvalidReservationException("departure " + departure + " is before arrival " + arrival);
        }
    }

    public long nights() {
        return ChronoUnit.DAYS.between(arrival, departure);
    }
}
