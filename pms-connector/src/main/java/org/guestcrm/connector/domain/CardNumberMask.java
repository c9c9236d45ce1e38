package org.guestcrm.connector.domain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Safety net for text that is stored or logged: masks every run of 13 to 19 digits (spaces or
 * dashes allowed between them) that passes the Luhn check, i.e. anything that may be a payment
 * card number, keeping only the last four digits.
 */
public final class CardNumberMask {

    private static final Pattern CANDIDATE = Pattern.compile("(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])");

    private CardNumberMask() {
    }

    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        Matcher matcher = CANDIDATE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String digits = matcher.group().replaceAll("[ -]", "");
            String replacement = passesLuhn(digits)
                    ? "*".repeat(digits.length() - 4) + digits.substring(digits.length() - 4)
                    : matcher.group();
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    static boolean passesLuhn(String digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }
}
