package org.guestcrm.connector.domain;

/** What happened to a reservation in the PMS. */
public enum ReservationChangeType {
    CREATED, MODIFIED, CANCELLED, NO_SHOW, CHECKED_IN, CHECKED_OUT
}
