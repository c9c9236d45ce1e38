package org.guestcrm.deploy;

/** A problem the person running the stack can act on; its message says what and how. */
public class StackException extends RuntimeException {

    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
