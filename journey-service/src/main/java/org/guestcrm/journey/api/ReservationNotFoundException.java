package org.guestcrm.journey.api;

/** No reservation with this key has been seen on pms.reservations. */
public class ReservationNotFoundException extends RuntimeException {

    public ReservationNotFoundException(String tenant, String hotelCode, String pmsReservationId) {
        super("No reservation " + pmsReservationId + " of hotel " + hotelCode + " (tenant " + tenant
                + ") has been seen on pms.reservations.");
    }
}
