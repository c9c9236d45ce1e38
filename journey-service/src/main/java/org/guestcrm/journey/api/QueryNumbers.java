package org.guestcrm.journey.api;

import java.util.List;

import org.guestcrm.platform.api.Problem;

/** Whole-number query parameters of the journey's APIs (page, size): a bad one is named, never a 500. */
final class QueryNumbers {

    private QueryNumbers() {
    }

    /** {@code value} as a whole number in [min, max]; {@code absent} when missing or invalid (then named in invalid). */
    static int number(String value, String field, int absent, int min, int max, List<Problem.InvalidParam> invalid) {
        if (value == null) {
            return absent;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        invalid.add(new Problem.InvalidParam(field, "must be a whole number from " + min + " to " + max));
        return absent;
    }
}
