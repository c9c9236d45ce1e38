package org.guestcrm.connector.domain;

import java.util.ArrayList;
import java.util.List;

/** The rules every reservation must meet, whichever feed format it came in. */
public final class ReservationRules {

    private ReservationRules() {
    }

    /** Violations of the rules and of the {@link CanonicalLimits}, each naming the field; empty when the reservation is valid. */
    public static List<Violation> violations(Reservation reservation) {
        List<Violation> violations = new ArrayList<>();
        if (isBlank(reservation.hotelCode())) {
            violations.add(new Violation("hotelCode", "is required"));
        }
        if (isBlank(reservation.pmsReservationId())) {
            violations.add(new Violation("pmsReservationId", "is required"));
        }
        if (reservation.status() == null) {
            violations.add(new Violation("status", "is required"));
        }
        if (reservation.arrival() == null) {
            violations.add(new Violation("arrival", "is required"));
        }
        if (reservation.departure() == null) {
            violations.add(new Violation("departure", "is required"));
        }
        if (reservation.arrival() != null && reservation.departure() != null
                && reservation.departure().isBefore(reservation.arrival())) {
            violations.add(new Violation("departure", "must not be before arrival"));
        }
        if (reservation.adults() < 0 || reservation.children() < 0) {
            violations.add(new Violation("adults", "guest counts must not be negative"));
        }
        for (int i = 0; i < reservation.guests().size(); i++) {
            if (isBlank(reservation.guests().get(i).pmsProfileId())) {
                violations.add(new Violation("guests[" + i + "].pmsProfileId", "is required"));
            }
        }
        violations.addAll(CanonicalLimits.violations(reservation));
        return violations;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    public record Violation(String field, String message) {
        @Override
        public String toString() {
            return field + " " + message;
        }
    }
}
