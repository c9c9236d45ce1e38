package org.guestcrm.desk.api;

/** A lead, task or tenant that does not exist for the caller (or belongs to another tenant: answered alike). */
public class DeskNotFoundException extends RuntimeException {

    public DeskNotFoundException(String what) {
        super(what + " not found");
    }
}
