package org.guestcrm.journey.domain;

/** The reservation status as the journey sees it (mirrors the PMS status of pms.reservations). */
public enum ReservationStatus {
    TENTATIVE,
    CONFIRMED,
    WAITLISTED,
    CHECKED_IN,
    CHECKED_OUT,
    CANCELLED,
    NO_SHOW,
    /** A status this service does not know (e.g. a newer producer's): the journey is left as it is. */
    UNKNOWN;

    /** Booked and not yet arrived: the whole journey lies ahead. */
    public boolean isBooked() {
        return this == TENTATIVE || this == CONFIRMED || this == WAITLISTED;
    }
}
