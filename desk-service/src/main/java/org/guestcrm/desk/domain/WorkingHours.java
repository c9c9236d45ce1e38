package org.guestcrm.desk.domain;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * When a hotel's desk works: one daily window, local time, on some days of the week. Adds working time to an instant:
 * a call-back "within 2 working hours" of a request made on Friday at 17:30 (desk 09:00-18:00, Monday to Friday) is
 * due on Monday at 10:30.
 */
public record WorkingHours(ZoneId zone, LocalTime opens, LocalTime closes, Set<DayOfWeek> days) {

    public WorkingHours {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(opens, "opens");
        Objects.requireNonNull(closes, "closes");
        if (!opens.isBefore(closes)) {
            throw new IllegalArgumentException("working hours must open before they close");
        }
        if (days == null || days.isEmpty()) {
            throw new IllegalArgumentException("working hours need at least one working day");
        }
        days = Set.copyOf(EnumSet.copyOf(days));
    }

    /** The instant {@code workingTime} of working time after {@code from} (counting only open hours). */
    public Instant plusWorkingTime(Instant from, Duration workingTime) {
        if (workingTime.isNegative()) {
            throw new IllegalArgumentException("working time must not be negative");
        }
        ZonedDateTime at = from.atZone(zone);
        Duration left = workingTime;
        // At most one iteration per day; bounded by the days of the longest gap between two working days.
        for (int guard = 0; guard < 100_000; guard++) {
            at = nextOpenMoment(at);
            ZonedDateTime closing = at.toLocalDate().atTime(closes).atZone(zone);
            Duration openLeftToday = Duration.between(at, closing);
            if (left.compareTo(openLeftToday) <= 0) {
                return at.plus(left).toInstant();
            }
            left = left.minus(openLeftToday);
            at = closing;
        }
        throw new IllegalStateException("working time too long to add");
    }

    /** Whether the desk is open at {@code instant}. */
    public boolean isOpen(Instant instant) {
        ZonedDateTime at = instant.atZone(zone);
        LocalTime time = at.toLocalTime();
        return days.contains(at.getDayOfWeek()) && !time.isBefore(opens) && time.isBefore(closes);
    }

    /** {@code at} itself if the desk is open then, else the next opening. */
    private ZonedDateTime nextOpenMoment(ZonedDateTime at) {
        LocalDate day = at.toLocalDate();
        LocalTime time = at.toLocalTime();
        if (days.contains(day.getDayOfWeek()) && time.isBefore(closes)) {
            return time.isBefore(opens) ? day.atTime(opens).atZone(zone) : at;
        }
        LocalDate next = day.plusDays(1);
        while (!days.contains(next.getDayOfWeek())) {
            next = next.plusDays(1);
        }
        return next.atTime(opens).atZone(zone);
    }
}
