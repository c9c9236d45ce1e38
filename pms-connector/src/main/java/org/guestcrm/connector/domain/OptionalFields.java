package org.guestcrm.connector.domain;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of optional guest fields. A message is refused only when what identifies it is unusable (feed, hotel,
 * reservation id, status, stay dates); a malformed optional value is dropped with a {@link FieldWarning} instead, so a
 * booking is never lost to an e-mail typo or an impossible birth date.
 */
public final class OptionalFields {

    /** local@domain.tld: no spaces, one @, no empty or dotted-out labels, a top-level domain of 2+ letters. */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");
    /** Digits with the usual separators, an optional leading +, an optional extension. */
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()./-]{4,40}((x|ext\\.?) ?[0-9]{1,6})?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final Map<String, String> ALPHA3_TO_ALPHA2 = new HashMap<>();

    static {
        for (String alpha2 : Locale.getISOCountries()) {
            try {
                ALPHA3_TO_ALPHA2.put(Locale.of("", alpha2).getISO3Country(), alpha2);
            } catch (java.util.MissingResourceException ignored) {
                // a country without an alpha-3 code
            }
        }
    }

    private OptionalFields() {
    }

    public static boolean isEmail(String value) {
        return value != null && value.length() <= CanonicalLimits.EMAIL && EMAIL.matcher(value).matches();
    }

    public static boolean isPhone(String value) {
        if (value == null || value.length() > CanonicalLimits.PHONE || !PHONE.matcher(value).matches()) {
            return false;
        }
        return value.chars().filter(Character::isDigit).count() >= 4;
    }

    public static boolean isLanguage(String value) {
        return value != null && value.length() <= CanonicalLimits.LANGUAGE && LANGUAGE.matcher(value).matches();
    }

    /** An ISO 3166-1 alpha-2 code (alpha-3 is converted), upper case; null when the value is not a known country. */
    public static String countryCode(String value) {
        if (value == null) {
            return null;
        }
        String upper = value.trim().toUpperCase(Locale.ROOT);
        if (upper.length() == 2) {
            return COUNTRIES.contains(upper) ? upper : null;
        }
        return upper.length() == 3 ? ALPHA3_TO_ALPHA2.get(upper) : null;
    }

    /**
     * A calendar date (yyyy-MM-dd, an optional time part ignored) inside {@link CanonicalLimits}' range, else null: an
     * impossible date (1961-02-30, 19458030) is not a date.
     */
    public static LocalDate date(String value) {
        if (value == null) {
            return null;
        }
        String date = value.length() > 10 && value.charAt(10) == 'T' ? value.substring(0, 10) : value.trim();
        if (!date.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            return null;
        }
        try {
            LocalDate parsed = LocalDate.of(Integer.parseInt(date.substring(0, 4)), Integer.parseInt(date.substring(5, 7)),
                    Integer.parseInt(date.substring(8, 10)));
            return CanonicalLimits.inDateRange(parsed) ? parsed : null;
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Adds a warning for a dropped value. */
    public static void dropped(List<FieldWarning> warnings, String field, String location, String reason) {
        warnings.add(new FieldWarning(field, location, reason + "; dropped"));
    }
}
