package org.guestcrm.profile.api;

/** No guest with that id or source profile. */
public class GuestNotFoundException extends RuntimeException {

    public GuestNotFoundException(String detail) {
        super(detail);
    }
}
