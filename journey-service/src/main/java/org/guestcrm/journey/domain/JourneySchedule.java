package org.guestcrm.journey.domain;

import java.time.LocalTime;
import java.util.Objects;

/**
 * The timing rules of the journey (configurable; {@link #standard()} is the product default): when each dated step is
 * due, the in-stay minimum, and how long each step stays fresh ({@link Freshness}).
 */
public record JourneySchedule(StepTiming preStay, StepTiming preCheckIn, StepTiming inStay,
                              StepTiming postStaySurvey, int inStayMinimumNights, Freshness freshness,
                              StepTiming noShow) {

    /** The no-show follow-up's default: the morning after the missed arrival, 10:00. */
    public static final StepTiming NO_SHOW_DEFAULT = StepTiming.daysFromArrival(1, LocalTime.of(10, 0));

    /** With the default no-show timing. */
    public JourneySchedule(StepTiming preStay, StepTiming preCheckIn, StepTiming inStay, StepTiming postStaySurvey,
                           int inStayMinimumNights, Freshness freshness) {
        this(preStay, preCheckIn, inStay, postStaySurvey, inStayMinimumNights, freshness, NO_SHOW_DEFAULT);
    }

    public JourneySchedule {
        Objects.requireNonNull(preStay, "preStay");
        Objects.requireNonNull(preCheckIn, "preCheckIn");
        Objects.requireNonNull(inStay, "inStay");
        Objects.requireNonNull(postStaySurvey, "postStaySurvey");
        Objects.requireNonNull(freshness, "freshness");
        Objects.requireNonNull(noShow, "noShow");
        if (inStayMinimumNights < 1) {
            throw new IllegalArgumentException("inStayMinimumNights must be at least 1, was " + inStayMinimumNights);
        }
    }

    /** With the standard freshness rules. */
    public JourneySchedule(StepTiming preStay, StepTiming preCheckIn, StepTiming inStay, StepTiming postStaySurvey,
                           int inStayMinimumNights) {
        this(preStay, preCheckIn, inStay, postStaySurvey, inStayMinimumNights, Freshness.standard());
    }

    /** Pre-stay 7 days before arrival 09:00, pre-check-in the day before 10:00, in-stay the day after arrival 10:00
     * (stays of 2 nights or more), survey the day after departure 10:00; {@link Freshness#standard()}. */
    public static JourneySchedule standard() {
        return new JourneySchedule(
                StepTiming.daysFromArrival(-7, LocalTime.of(9, 0)),
                StepTiming.daysFromArrival(-1, LocalTime.of(10, 0)),
                StepTiming.daysFromArrival(1, LocalTime.of(10, 0)),
                StepTiming.daysFromDeparture(1, LocalTime.of(10, 0)),
                2);
    }

    StepTiming timingOf(JourneyStep step) {
        return switch (step) {
            case PRE_STAY -> preStay;
            case PRE_CHECK_IN -> preCheckIn;
            case IN_STAY -> inStay;
            case POST_STAY_SURVEY -> postStaySurvey;
            case NO_SHOW -> noShow;
            case CONFIRMATION -> throw new IllegalArgumentException("CONFIRMATION is due when planned, not at a date");
            case CAMPAIGN -> throw new IllegalArgumentException("CAMPAIGN is due by its campaign's schedule");
            case WIN_BACK, BIRTHDAY, STAY_ANNIVERSARY ->
                    throw new IllegalArgumentException(step + " is due by the guest's occasions, not a reservation");
            case MODIFICATION, CANCELLATION -> throw new IllegalArgumentException(step + " is due when the change is seen");
        };
    }
}
