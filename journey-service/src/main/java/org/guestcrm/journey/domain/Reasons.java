package org.guestcrm.journey.domain;

/** The reasons recorded on a communication that was cancelled, skipped or failed. Never personal data. */
public final class Reasons {

    public static final String RESERVATION_CANCELLED = "reservation cancelled";
    public static final String NO_SHOW = "no-show";
    public static final String DUE_TIME_PASSED = "due time passed";
    public static final String GUEST_CHECKED_IN = "guest checked in";
    public static final String GUEST_CHECKED_OUT = "guest checked out";
    public static final String NO_EMAIL_ADDRESS = "no e-mail address";

    private Reasons() {
    }

    public static String stayTooShort(int minimumNights) {
        return "stay shorter than " + minimumNights + " nights";
    }
}
