package org.guestcrm.profile.domain.matching;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When the per-tenant match parameters are refitted on their own: once a night, in a window starting at
 * {@code hour}:00 in {@code zone} (a check inside the window runs that night's refit; a service down for the whole
 * window skips the night rather than fit in the day), and for a tenant only when at least {@code minNewProfiles}
 * profiles arrived since its last fit (or, never fitted, it holds that many). Whether a fit is then used is the
 * sanity check's call ({@link FittedParameterCheck}), not the schedule's.
 */
public record RefitSchedule(int hour, ZoneId zone, Duration window, int minNewProfiles) {

    public RefitSchedule {
        if (hour < 0 || hour > 23) {
            throw new IllegalArgumentException("the refit hour must be 0-23");
        }
        if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("the refit window must be longer than 0 and at most 24 hours");
        }
        if (minNewProfiles < 1) {
            throw new IllegalArgumentException("the refit needs at least one new profile");
        }
    }

    /** The night's slot {@code now} falls in (its start), or empty when {@code now} is outside every window. */
    public Optional<Instant> slotOf(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        for (int daysBack = 0; daysBack <= 1; daysBack++) {
            Instant start = local.toLocalDate().minusDays(daysBack).atTime(LocalTime.of(hour, 0)).atZone(zone).toInstant();
            if (!now.isBefore(start) && now.isBefore(start.plus(window))) {
                return Optional.of(start);
            }
        }
        return Optional.empty();
    }

    /** Whether a tenant with this many profiles received since its last fit is refitted. */
    public boolean refits(long newProfilesSinceLastFit) {
        return newProfilesSinceLastFit >= minNewProfiles;
    }
}
