package org.guestcrm.connector.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReservationRulesTest {

    static Reservation reservation(String hotel, String id, LocalDate arrival, LocalDate departure) {
        return new Reservation(hotel, null, null, id, Map.of(), ReservationStatus.CONFIRMED, ReservationChangeType.CREATED,
                arrival, departure, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                1, 0, List.of(), List.of(), List.of());
    }

    @Test
    void aDayUseIsValid() {
        LocalDate day = LocalDate.of(2026, 5, 1);
        assertTrue(ReservationRules.violations(reservation("H1", "R1", day, day)).isEmpty());
    }

    @Test
    void departureBeforeArrivalAndMissingIdsAreNamed() {
        var violations = ReservationRules.violations(reservation(" ", null, LocalDate.of(2026, 5, 2), LocalDate.of(2026, 5, 1)));
        assertEquals(List.of("hotelCode", "pmsReservationId", "departure"),
                violations.stream().map(ReservationRules.Violation::field).toList());
    }
}
