package org.guestcrm.desk.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * One document a hotel owes: the journey step that delivers it and when it is due, either a time after the booking
 * was first seen, or a day relative to arrival or departure at a local time.
 */
public record DocumentDuty(DocumentKind kind, String step, Duration afterBooking, Integer daysFromArrival,
                           Integer daysFromDeparture, LocalTime at) {

    public DocumentDuty {
        int anchors = (afterBooking != null ? 1 : 0) + (daysFromArrival != null ? 1 : 0) + (daysFromDeparture != null ? 1 : 0);
        if (anchors != 1) {
            throw new IllegalArgumentException("document " + kind + " needs exactly one of after-booking, "
                    + "days-from-arrival, days-from-departure");
        }
    }

    public Instant dueAt(Instant bookedAt, LocalDate arrival, LocalDate departure, ZoneId zone) {
        if (afterBooking != null) {
            return bookedAt.plus(afterBooking);
        }
        LocalDate day = daysFromArrival != null ? arrival.plusDays(daysFromArrival) : departure.plusDays(daysFromDeparture);
        return day.atTime(at).atZone(zone).toInstant();
    }
}
