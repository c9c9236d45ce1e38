package org.guestcrm.desk.domain;

/**
 * What a PMS reservation status means to the desk. The connector maps OTA Requested/Waitlisted, Mews
 * Inquired/Optional and canonical REQUESTED to TENTATIVE or WAITLISTED: a request that is not a booking yet.
 */
public enum ReservationSignal {
    /** A request: opens a lead and a call-back task. */
    REQUEST,
    /** A booking: closes a lead of the same stay as booked. */
    BOOKED,
    /** Cancelled or no-show: an open lead of it is lost. */
    CANCELLED,
    /** Nothing the desk acts on. */
    NONE;

    public static ReservationSignal of(String status) {
        if (status == null) {
            return NONE;
        }
        return switch (status) {
            case "TENTATIVE", "WAITLISTED" -> REQUEST;
            case "CONFIRMED", "CHECKED_IN", "CHECKED_OUT" -> BOOKED;
            case "CANCELLED", "NO_SHOW" -> CANCELLED;
            default -> NONE;
        };
    }
}
