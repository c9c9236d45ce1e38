package org.guestcrm.journey.domain;

import java.time.LocalTime;
import java.util.Objects;

/** The timing rules of the journey (configurable; {@link #standard()} is the product default). */
public record JourneySchedule(StepTiming preStay, StepTiming preCheckIn, StepTiming inStay,
                              StepTiming postStaySurvey, int inStayMinimumNights) {

    public JourneySchedule {
        Objects.requireNonNull(preStay, "preStay");
        Objects.requireNonNull(preCheckIn, "preCheckIn");
        Objects.requireNonNull(inStay, "inStay");
        Objects.requireNonNull(postStaySurvey, "postStaySurvey");
        if (inStayMinimumNights < 1) {
            throw new IllegalArgumentException("inStayMinimumNights must be at least 1, was " + inStayMinimumNights);
        }
    }

    /** Pre-stay 7 days before arrival 09:00, pre-check-in the day before 10:00, in-stay the day after arrival 10:00
     * (stays of 2 nights or more), survey the day after departure 10:00. */
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
            case CONFIRMATION -> throw new IllegalArgumentException("CONFIRMATION is due when planned, not at a date");
        };
    }
}
