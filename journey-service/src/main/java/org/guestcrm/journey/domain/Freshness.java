package org.guestcrm.journey.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * When each step stops meaning something. A CONFIRMATION goes out only within {@code confirmationWindow} of the
 * booking's creation (by the PMS; else its first PMS modification time) and never once the stay has ended; a dated
 * step follows its {@link StepFreshness}. Pre-arrival steps are never sent once the arrival day has begun, the in-stay
 * step never once the departure day has begun (hotel local time).
 */
public record Freshness(Duration confirmationWindow, StepFreshness preStay, StepFreshness preCheckIn,
                        StepFreshness inStay, StepFreshness postStaySurvey, StepFreshness noShow) {

    /** The no-show follow-up's default: sent now when reported late, up to 3 days after its due time. */
    public static final StepFreshness NO_SHOW_DEFAULT =
            new StepFreshness(StepFreshness.LateBooking.SEND_NOW, Duration.ofDays(3));

    public Freshness(Duration confirmationWindow, StepFreshness preStay, StepFreshness preCheckIn,
                     StepFreshness inStay, StepFreshness postStaySurvey) {
        this(confirmationWindow, preStay, preCheckIn, inStay, postStaySurvey, NO_SHOW_DEFAULT);
    }

    public Freshness {
        Objects.requireNonNull(confirmationWindow, "confirmationWindow");
        Objects.requireNonNull(preStay, "preStay");
        Objects.requireNonNull(preCheckIn, "preCheckIn");
        Objects.requireNonNull(inStay, "inStay");
        Objects.requireNonNull(postStaySurvey, "postStaySurvey");
        Objects.requireNonNull(noShow, "noShow");
    }

    /**
     * Confirmation within 48 h of the booking; pre-stay skipped when booked late, up to 24 h late otherwise;
     * pre-check-in and in-stay sent now when booked late, up to 24 h late; the survey up to 7 days late.
     */
    public static Freshness standard() {
        return new Freshness(Duration.ofHours(48),
                new StepFreshness(StepFreshness.LateBooking.SKIP, Duration.ofHours(24)),
                new StepFreshness(StepFreshness.LateBooking.SEND_NOW, Duration.ofHours(24)),
                new StepFreshness(StepFreshness.LateBooking.SEND_NOW, Duration.ofHours(24)),
                new StepFreshness(StepFreshness.LateBooking.SEND_NOW, Duration.ofDays(7)), NO_SHOW_DEFAULT);
    }

    StepFreshness of(JourneyStep step) {
        return switch (step) {
            case PRE_STAY -> preStay;
            case PRE_CHECK_IN -> preCheckIn;
            case IN_STAY -> inStay;
            case POST_STAY_SURVEY -> postStaySurvey;
            case NO_SHOW -> noShow;
            case CONFIRMATION -> throw new IllegalArgumentException("CONFIRMATION is fresh by its booking window");
            case CAMPAIGN, WIN_BACK, BIRTHDAY, STAY_ANNIVERSARY ->
                    throw new IllegalArgumentException(step + " is not planned from a reservation");
            case MODIFICATION, CANCELLATION -> throw new IllegalArgumentException(step + " is fresh by its notice window");
        };
    }
}
