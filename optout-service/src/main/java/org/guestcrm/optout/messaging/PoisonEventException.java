package org.guestcrm.optout.messaging;

/** An event that can never be applied as it is (missing key fields): not retried, sent to the dead-letter topic. */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String message) {
        super(message);
    }
}
