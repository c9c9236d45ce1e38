package org.guestcrm.desk.api;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The period and scope of the desk's figures, from request parameters: {@code from} (inclusive) and {@code to}
 * (exclusive) as ISO-8601 instants or dates (a date is its UTC midnight), default the last 30 days; {@code hotel}
 * optional. Problems are collected by field name, never quoting the value.
 */
record KpiPeriod(Instant from, Instant to, String hotel) {

    static KpiPeriod parse(String fromText, String toText, String hotelText, Instant now, Checks checks) {
        String hotel = hotelText == null || hotelText.isBlank() ? null : hotelText.trim();
        checks.text(hotel, "hotel", 100);
        Instant to = instant(toText, "to", checks, now);
        Instant from = instant(fromText, "from", checks, to.minus(Duration.ofDays(30)));
        checks.require(from.isBefore(to), "from", "must be before to");
        checks.require(!from.isBefore(to.minus(Duration.ofDays(3660))), "from", "a period of at most 10 years");
        return new KpiPeriod(from, to, hotel);
    }

    private static Instant instant(String text, String field, Checks checks, Instant fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        String value = text.trim();
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            checks.require(false, field, "an ISO-8601 instant such as 2026-12-01T00:00:00Z, or a date such as 2026-12-01");
            return fallback;
        }
    }
}
