package org.guestcrm.desk.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * One hotel's desk rule: its working hours, how soon a lead is called back, which team gets the task, how a call
 * nobody answered is retried.
 */
public record DeskRule(WorkingHours hours, Duration callBackWithin, String team, Duration retryAfter, int maxAttempts) {

    public DeskRule {
        if (callBackWithin.isNegative() || retryAfter.isNegative()) {
            throw new IllegalArgumentException("call-back times must not be negative");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1");
        }
    }

    /** When the first call-back of a lead received at {@code receivedAt} is due. */
    public Instant callBackDue(Instant receivedAt) {
        return hours.plusWorkingTime(receivedAt, callBackWithin);
    }

    /** When the next call-back is due after a call at {@code calledAt} nobody answered. */
    public Instant retryDue(Instant calledAt) {
        return hours.plusWorkingTime(calledAt, retryAfter);
    }
}
