package org.guestcrm.connector.domain;

/** Status of a reservation in the PMS after a change. */
public enum ReservationStatus {
    TENTATIVE, CONFIRMED, WAITLISTED, CHECKED_IN, CHECKED_OUT, CANCELLED, NO_SHOW
}
