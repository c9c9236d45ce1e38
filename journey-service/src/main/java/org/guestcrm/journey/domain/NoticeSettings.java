package org.guestcrm.journey.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of the modification and cancellation notices: a notice is due {@code window} after the change that started it
 * (changes arriving meanwhile join it: one notice of the latest state), and it is sent only while fresh: within
 * {@code freshness} of the change (a replayed or long-delayed change gets none) and of its due time, and never once the
 * stay has ended.
 */
public record NoticeSettings(Duration window, Duration freshness) {

    public NoticeSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(freshness, "freshness");
        if (window.isNegative()) {
            throw new IllegalArgumentException("the notice window must not be negative, was " + window);
        }
        if (!freshness.isPositive()) {
            throw new IllegalArgumentException("the notice freshness must be positive, was " + freshness);
        }
    }

    /** Notices 2 minutes after the first change of a burst, fresh for 48 hours. */
    public static NoticeSettings standard() {
        return new NoticeSettings(Duration.ofMinutes(2), Duration.ofHours(48));
    }
}
