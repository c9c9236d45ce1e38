package org.guestcrm.journey.domain;

/** A reservation snapshot that cannot be planned (e.g. departure before arrival). Retrying will not help. */
public class InvalidReservationException extends RuntimeException {

    public InvalidReservationException(String message) {
        super(message);
    }
}
