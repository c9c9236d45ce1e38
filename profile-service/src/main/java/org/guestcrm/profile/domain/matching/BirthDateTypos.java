package org.guestcrm.profile.domain.matching;

import java.time.DateTimeException;
import java.time.MonthDay;
import java.util.Optional;

/**
 * Whether two different birth dates (yyyymmdd) can be one person's, mistyped: one digit changed (the year's too),
 * two adjacent digits swapped, day and month swapped, two digits changed, or the year at most one digit apart (or two
 * adjacent year digits swapped) with the day of the year within 45 days (fs-6; fs-4: 31; the neighbouring month or a
 * mistyped day, or both,
 * read across the new year). Anything else is two birth dates: two people. The kind is said without any value, so it
 * can be a decision's evidence.
 */
public final class BirthDateTypos {

    /** The widest kind: the year one digit apart at most, the day within this many days (fs-6: 45, fs-4: 31). */
    static final int NEAR_DAYS = 45;

    public static final String SAME = "the same";
    public static final String DAY_MONTH_SWAPPED = "day and month swapped";
    public static final String ONE_DIGIT = "one digit apart";
    public static final String YEAR_ONE_DIGIT = "the year one digit apart";
    public static final String ADJACENT_SWAP = "two adjacent digits swapped";
    public static final String TWO_DIGITS = "two digits apart";
    public static final String NEAR = "the year at most one digit apart, the day within " + NEAR_DAYS + " days";

    private BirthDateTypos() {
    }

    /**
     * @return the kind of typing error that turns one date into the other (strongest first: {@link #SAME},
     *         {@link #DAY_MONTH_SWAPPED}, {@link #ONE_DIGIT} or {@link #YEAR_ONE_DIGIT}, {@link #ADJACENT_SWAP},
     *         {@link #TWO_DIGITS}, {@link #NEAR}), or empty when none does
     */
    public static Optional<String> kind(String a, String b) {
        if (a == null || b == null) {
            return Optional.empty();
        }
        if (a.equals(b)) {
            return Optional.of(SAME);
        }
        if (a.length() != 8 || b.length() != 8) {
            return Optional.empty();
        }
        String yearA = a.substring(0, 4);
        String yearB = b.substring(0, 4);
        if (yearA.equals(yearB) && a.substring(4, 6).equals(b.substring(6, 8)) && a.substring(6, 8).equals(b.substring(4, 6))) {
            return Optional.of(DAY_MONTH_SWAPPED);
        }
        int differing = differingDigits(a, b);
        if (differing == 1) {
            return Optional.of(yearA.equals(yearB) ? ONE_DIGIT : YEAR_ONE_DIGIT);
        }
        if (adjacentSwap(a, b)) {
            return Optional.of(ADJACENT_SWAP);
        }
        if (Similarity.editDistance(a, b) == 2) {
            return Optional.of(TWO_DIGITS);
        }
        boolean yearClose = differingDigits(yearA, yearB) <= 1 || adjacentSwap(yearA, yearB);
        if (yearClose) {
            Integer days = daysApartInTheYear(a, b);
            if (days != null && days <= NEAR_DAYS) {
                return Optional.of(NEAR);
            }
        }
        return Optional.empty();
    }

    /** Two dates of one person mistyped, or the same date. */
    public static boolean plausible(String a, String b) {
        return kind(a, b).isPresent();
    }

    /** The strength of a kind: 0 for the same date, higher for a weaker typo; {@code Integer.MAX_VALUE} for none. */
    static int rank(String kind) {
        return switch (kind) {
            case SAME -> 0;
            case DAY_MONTH_SWAPPED -> 1;
            case ONE_DIGIT, YEAR_ONE_DIGIT -> 2;
            case ADJACENT_SWAP -> 3;
            case TWO_DIGITS -> 4;
            case NEAR -> 5;
            default -> Integer.MAX_VALUE;
        };
    }

    private static int differingDigits(String a, String b) {
        int differing = 0;
        for (int i = 0; i < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                differing++;
            }
        }
        return differing;
    }

    private static boolean adjacentSwap(String a, String b) {
        int first = -1;
        int differing = 0;
        for (int i = 0; i < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                if (first < 0) {
                    first = i;
                }
                differing++;
            }
        }
        return differing == 2 && first + 1 < a.length() && a.charAt(first) == b.charAt(first + 1)
                && a.charAt(first + 1) == b.charAt(first);
    }

    /** Days between the two dates' days of the year (in a leap year, across the new year), null for no real day. */
    private static Integer daysApartInTheYear(String a, String b) {
        try {
            int x = MonthDay.of(Integer.parseInt(a.substring(4, 6)), Integer.parseInt(a.substring(6, 8))).atYear(2000).getDayOfYear();
            int y = MonthDay.of(Integer.parseInt(b.substring(4, 6)), Integer.parseInt(b.substring(6, 8))).atYear(2000).getDayOfYear();
            int d = Math.abs(x - y);
            return Math.min(d, 366 - d);
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
    }
}
