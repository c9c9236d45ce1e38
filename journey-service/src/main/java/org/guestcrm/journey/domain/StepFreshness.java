package org.guestcrm.journey.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a dated step still means something: it may go out at most {@code window} after its due time (a mail delayed
 * by an outage, a hold or a late booking), and a booking made after the due time follows {@code lateBooking}.
 */
public record StepFreshness(LateBooking lateBooking, Duration window) {

    /** What a step whose due time has passed when the booking is first seen does. */
    public enum LateBooking {
        /** Recorded SKIPPED "due time passed": e.g. a pre-stay mail for a guest arriving tonight. */
        SKIP,
        /** Sent now while still fresh: e.g. a pre-check-in invitation for tomorrow's arrival. */
        SEND_NOW
    }

    public StepFreshness {
        Objects.requireNonNull(lateBooking, "lateBooking");
        Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("a freshness window cannot be negative");
        }
    }
}
