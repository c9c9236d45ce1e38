package org.guestcrm.journey.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What the journey planner needs to know about a reservation: its status, its stay dates, the hotel's time zone (the
 * zone the journey's local send times are meant in), when it was booked (PMS creation time, else its first PMS
 * modification time; null when the PMS said neither), whether its state is uncertain (missing from the PMS export:
 * guest mails are held until the PMS settles it) and the hotel's quiet hours. {@code noShowCutoff}: when the status
 * is NO_SHOW because the PMS never reported a check-in by the hotel's cut-off (the PMS still says CONFIRMED), the
 * cut-off in words ("23:00 on the arrival day"); null when the PMS itself said NO_SHOW or the status is another.
 */
public record ReservationState(ReservationStatus status, LocalDate arrival, LocalDate departure, ZoneId hotelZone,
                               Instant bookedAt, boolean uncertain, QuietHours quietHours, String noShowCutoff) {

    public ReservationState {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(departure, "departure");
        Objects.requireNonNull(hotelZone, "hotelZone");
        Objects.requireNonNull(quietHours, "quietHours");
        if (departure.isBefore(arrival)) {
            throw new InvalidReservationException("departure " + departure + " is before arrival " + arrival);
        }
        if (noShowCutoff != null && status != ReservationStatus.NO_SHOW) {
            throw new IllegalArgumentException("a cut-off makes a no-show, not " + status);
        }
    }

    /** A reservation whose status the PMS said (no cut-off applied). */
    public ReservationState(ReservationStatus status, LocalDate arrival, LocalDate departure, ZoneId hotelZone,
                            Instant bookedAt, boolean uncertain, QuietHours quietHours) {
        this(status, arrival, departure, hotelZone, bookedAt, uncertain, quietHours, null);
    }

    /** Without quiet hours. */
    public ReservationState(ReservationStatus status, LocalDate arrival, LocalDate departure, ZoneId hotelZone,
                            Instant bookedAt, boolean uncertain) {
        this(status, arrival, departure, hotelZone, bookedAt, uncertain, QuietHours.NONE, null);
    }

    /** A settled reservation whose booking time is unknown, without quiet hours. */
    public ReservationState(ReservationStatus status, LocalDate arrival, LocalDate departure, ZoneId hotelZone) {
        this(status, arrival, departure, hotelZone, null, false, QuietHours.NONE, null);
    }

    public long nights() {
        return ChronoUnit.DAYS.between(arrival, departure);
    }
}
