package org.guestcrm.desk.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReservationSignalTest {

    @Test
    void requestsBookingsAndCancellations() {
        assertEquals(ReservationSignal.REQUEST, ReservationSignal.of("TENTATIVE"));
        assertEquals(ReservationSignal.REQUEST, ReservationSignal.of("WAITLISTED"));
        assertEquals(ReservationSignal.BOOKED, ReservationSignal.of("CONFIRMED"));
        assertEquals(ReservationSignal.BOOKED, ReservationSignal.of("CHECKED_IN"));
        assertEquals(ReservationSignal.BOOKED, ReservationSignal.of("CHECKED_OUT"));
        assertEquals(ReservationSignal.CANCELLED, ReservationSignal.of("CANCELLED"));
        assertEquals(ReservationSignal.CANCELLED, ReservationSignal.of("NO_SHOW"));
        assertEquals(ReservationSignal.NONE, ReservationSignal.of("UNKNOWN"));
        assertEquals(ReservationSignal.NONE, ReservationSignal.of(null));
    }
}
