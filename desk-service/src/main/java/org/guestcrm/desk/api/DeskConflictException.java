package org.guestcrm.desk.api;

/** The request cannot be done in the state the task or lead is in (e.g. completing a task that is done). */
public class DeskConflictException extends RuntimeException {

    public DeskConflictException(String detail) {
        super(detail);
    }
}
