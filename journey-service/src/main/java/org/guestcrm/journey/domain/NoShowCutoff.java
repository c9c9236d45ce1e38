package org.guestcrm.journey.domain;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * When a confirmed reservation that has not checked in counts as a no-show: a local time on the arrival day
 * ({@code 23:00}) or on a later morning ({@code 06:00+1}: the next day at 06:00), in the hotel's time zone.
 */
public record NoShowCutoff(LocalTime time, int daysAfterArrival) {

    public NoShowCutoff {
        Objects.requireNonNull(time, "time");
        if (daysAfterArrival < 0 || daysAfterArrival > 2) {
            throw new IllegalArgumentException("a cut-off is on the arrival day or at most 2 days after it");
        }
    }

    /**
     * Reads {@code HH:mm} (the arrival day), {@code HH:mm+N} (N = 1 or 2 days after it) or {@code none} (no cut-off:
     * empty). Anything else is an {@link IllegalArgumentException} that says what is wanted.
     */
    public static Optional<NoShowCutoff> parse(String text) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        String value = text.strip();
        int days = 0;
        int plus = value.indexOf('+');
        try {
            if (plus >= 0) {
                days = Integer.parseInt(value.substring(plus + 1));
                value = value.substring(0, plus);
            }
            if (!value.matches("\\d{2}:\\d{2}")) {
                throw new IllegalArgumentException("not HH:mm");
            }
            return Optional.of(new NoShowCutoff(LocalTime.parse(value), days));
        } catch (NumberFormatException | DateTimeException e) {
            throw new IllegalArgumentException(invalid());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(invalid());
        }
    }

    private static String invalid() {
        return "must be HH:mm (on the arrival day), HH:mm+1 or HH:mm+2 (days after it) or none";
    }

    /** The instant of the cut-off of a stay arriving on {@code arrival}, in {@code zone}. */
    public Instant of(LocalDate arrival, ZoneId zone) {
        return arrival.plusDays(daysAfterArrival).atTime(time).atZone(zone).toInstant();
    }

    /** Whether a stay arriving on {@code arrival} is past this cut-off at {@code now}. */
    public boolean passed(LocalDate arrival, ZoneId zone, Instant now) {
        return !now.isBefore(of(arrival, zone));
    }

    /** As written in configuration ({@code 23:00}, {@code 06:00+1}). */
    @Override
    public String toString() {
        return time + (daysAfterArrival == 0 ? "" : "+" + daysAfterArrival);
    }

    /** Words for a reason: "23:00 on the arrival day", "06:00 the day after arrival". */
    public String describe() {
        return time + switch (daysAfterArrival) {
            case 0 -> " on the arrival day";
            case 1 -> " the day after arrival";
            default -> " " + daysAfterArrival + " days after arrival";
        };
    }
}
