package org.guestcrm.connector.ota;

/** One HotelReservationID as sent (echoed in the response). */
public record OtaReservationId(String type, String value, String source) {
}
