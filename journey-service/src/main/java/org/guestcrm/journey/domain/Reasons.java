package org.guestcrm.journey.domain;

import java.time.Duration;

/** The reasons recorded on a communication that was cancelled, skipped, held or failed. Never personal data. */
public final class Reasons {

    public static final String RESERVATION_CANCELLED = "reservation cancelled";
    public static final String NO_SHOW = "no-show";
    public static final String NO_SHOW_REVERSED = "no-show reversed";
    public static final String DUE_TIME_PASSED = "due time passed";
    public static final String GUEST_CHECKED_IN = "guest checked in";
    public static final String GUEST_CHECKED_OUT = "guest checked out";
    public static final String NO_EMAIL_ADDRESS = "no e-mail address";
    public static final String HELD_MISSING_FROM_EXPORT = "held: reservation missing from the PMS export";
    public static final String STALE_PREFIX = "stale: ";
    public static final String STALE_STAY_ENDED = STALE_PREFIX + "the stay has ended";
    public static final String STALE_ARRIVAL_DAY = STALE_PREFIX + "the arrival day has begun";
    public static final String RESERVATION_REINSTATED = "reservation reinstated";
    public static final String GUEST_ERASED = "guest erased";

    private Reasons() {
    }

    /** A step cancelled because the guest had not checked in by the hotel's no-show cut-off. */
    public static String noShowByCutoff(String cutoff) {
        return NO_SHOW + ": not checked in by the cut-off (" + cutoff + ")";
    }

    public static String stayTooShort(int minimumNights) {
        return "stay shorter than " + minimumNights + " nights";
    }

    public static String bookedTooLongAgo(Duration window) {
        return STALE_PREFIX + "booking made more than " + readable(window) + " ago";
    }

    public static String changedTooLongAgo(Duration window) {
        return STALE_PREFIX + "change made more than " + readable(window) + " ago";
    }

    public static String lateBy(Duration window) {
        return STALE_PREFIX + "more than " + readable(window) + " after its due time";
    }

    /** A step skipped for being late or stale: it may be planned again when the dates move it ahead. */
    public static boolean isLateOrStale(String reason) {
        return reason != null && (DUE_TIME_PASSED.equals(reason) || reason.startsWith(STALE_PREFIX));
    }

    private static String readable(Duration window) {
        if (window.toMinutes() % (24 * 60) == 0 && window.toDays() > 0) {
            return window.toDays() + (window.toDays() == 1 ? " day" : " days");
        }
        if (window.toSeconds() % 3600 == 0) {
            return window.toHours() + " h";
        }
        return window.toMinutes() + " min";
    }
}
