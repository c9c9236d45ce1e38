package org.guestcrm.journey.domain;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A daily window of local time (the hotel's zone) in which no non-urgent message is sent, e.g. 21:00-08:00 (it may
 * cross midnight). A message due inside it moves to the window's end. {@link #NONE} never holds anything back.
 */
public record QuietHours(LocalTime start, LocalTime end) {

    public static final QuietHours NONE = new QuietHours(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);

    public QuietHours {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    /**
     * {@code HH:mm-HH:mm} (start-end, local time) or {@code none}. The message names the setting, never a guest's data.
     *
     * @throws IllegalArgumentException when {@code text} has neither form
     */
    public static QuietHours parse(String text) {
        Objects.requireNonNull(text, "text");
        String value = text.strip();
        if (value.equalsIgnoreCase("none") || value.isEmpty()) {
            return NONE;
        }
        int dash = value.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("quiet hours must be HH:mm-HH:mm or none");
        }
        try {
            return new QuietHours(LocalTime.parse(value.substring(0, dash).strip()),
                    LocalTime.parse(value.substring(dash + 1).strip()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("quiet hours must be HH:mm-HH:mm or none", e);
        }
    }

    public boolean isNone() {
        return start.equals(end);
    }

    /** Whether {@code local} falls inside the quiet window. */
    public boolean contains(LocalTime local) {
        if (isNone()) {
            return false;
        }
        if (start.isBefore(end)) {
            return !local.isBefore(start) && local.isBefore(end);
        }
        // Crosses midnight, e.g. 21:00-08:00.
        return !local.isBefore(start) || local.isBefore(end);
    }

    /** {@code at} itself when allowed, else the end of the quiet window it falls in (local time of {@code zone}). */
    public Instant nextAllowed(Instant at, ZoneId zone) {
        ZonedDateTime local = at.atZone(zone);
        LocalTime time = local.toLocalTime();
        if (!contains(time)) {
            return at;
        }
        LocalDateTime endsAt = local.toLocalDate().atTime(end);
        if (!start.isBefore(end) && !time.isBefore(start)) {
            // In the evening part of a window that crosses midnight: it ends tomorrow.
            endsAt = endsAt.plusDays(1);
        }
        // A daylight-saving gap moves a non-existent local time forward; an overlap takes the earlier instant.
        return endsAt.atZone(zone).toInstant();
    }

    @Override
    public String toString() {
        return isNone() ? "none" : start + "-" + end;
    }
}
