package org.guestcrm.connector.domain;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Reads numbers a PMS sent as text, checking the text (its length, its digits, its exponent) before any
 * {@link BigDecimal} or integer is built from it: {@code 1e99999999} or a 25-digit amount is refused in
 * microseconds instead of costing seconds of CPU in {@code setScale} or failing in the Avro encoder.
 * Every refusal is a {@link NumberRejected} that says what the number must look like, never what it was.
 */
public final class NumberLexemes {

    /** A plain decimal, optionally with a short exponent (at most 3 digits, so the scale stays small). */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");
    private static final Pattern NON_NEGATIVE_INTEGER = Pattern.compile("\\+?\\d+");
    private static final int MAX_DECIMAL_LEXEME = 40;

    private NumberLexemes() {
    }

    /** A number refused by its text; the message describes the expected shape only. */
    public static final class NumberRejected extends RuntimeException {
        public NumberRejected(String expectation) {
            super(expectation, null, false, false);
        }
    }

    public static final String AMOUNT_SHAPE = "must be a decimal number with at most "
            + CanonicalLimits.AMOUNT_INTEGER_DIGITS + " integer digits and " + CanonicalLimits.AMOUNT_FRACTION_DIGITS
            + " decimal places";

    /** An amount that fits the events' Money (decimal(19,4)): at most 15 integer digits and 4 decimal places. */
    public static BigDecimal amount(String lexeme) {
        String text = lexeme == null ? "" : lexeme.trim();
        if (text.isEmpty() || text.length() > MAX_DECIMAL_LEXEME || !DECIMAL.matcher(text).matches()) {
            throw new NumberRejected(AMOUNT_SHAPE);
        }
        BigDecimal value = new BigDecimal(text);
        if (!CanonicalLimits.fitsMoney(value)) {
            throw new NumberRejected(AMOUNT_SHAPE);
        }
        return value;
    }

    /** A non-negative integer of at most {@code max}; the text is checked before it is parsed. */
    public static long nonNegative(String lexeme, long max) {
        String text = lexeme == null ? "" : lexeme.trim();
        int maxDigits = Long.toString(max).length();
        String expectation = "must be an integer from 0 to " + max;
        if (text.isEmpty() || text.length() > maxDigits + 1 || !NON_NEGATIVE_INTEGER.matcher(text).matches()) {
            throw new NumberRejected(expectation);
        }
        long value = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        if (value > max) {
            throw new NumberRejected(expectation);
        }
        return value;
    }

    /** A signed integer of at most {@code maxDigits} digits (e.g. a JSON int field), checked as text first. */
    public static long integer(String lexeme, int maxDigits) {
        String text = lexeme == null ? "" : lexeme.trim();
        String expectation = "must be an integer of at most " + maxDigits + " digits";
        int start = text.startsWith("-") || text.startsWith("+") ? 1 : 0;
        if (text.length() <= start || text.length() - start > maxDigits) {
            throw new NumberRejected(expectation);
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw new NumberRejected(expectation);
            }
        }
        return Long.parseLong(text);
    }
}
