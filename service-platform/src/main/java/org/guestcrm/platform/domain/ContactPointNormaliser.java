package org.guestcrm.platform.domain;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

/**
 * Turns contact values as the PMS sent them into the form the CRM compares and publishes:
 * e-mail addresses lower-case and trimmed, phone numbers as digits with a leading {@code +}
 * when the number was given in international form ({@code +} or {@code 00} prefix).
 * A value that cannot be a contact point (blank, an e-mail without {@code @}, a phone without digits)
 * normalises to empty and is never used for matching. Phones become E.164 where libphonenumber can read them
 * ({@link #e164}, {@link #phoneKey}); postal addresses get a folded key ({@link #postal}). The profile and opt-out
 * services both key guests and consent by these values (crm.consents keys, consent look-ups), so this is the one
 * implementation.
 */
public final class ContactPointNormaliser {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");

    private ContactPointNormaliser() {
    }

    public static Optional<String> email(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String value = raw.trim().toLowerCase(Locale.ROOT);
        int at = value.indexOf('@');
        if (at <= 0 || at != value.lastIndexOf('@') || at == value.length() - 1 || value.chars().anyMatch(Character::isWhitespace)) {
            return Optional.empty();
        }
        return Optional.of(value);
    }

    public static Optional<String> phone(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String trimmed = raw.trim();
        StringBuilder digits = new StringBuilder();
        for (char c : trimmed.toCharArray()) {
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        if (digits.isEmpty()) {
            return Optional.empty();
        }
        if (trimmed.startsWith("+")) {
            return Optional.of("+" + digits);
        }
        if (trimmed.startsWith("00") && digits.length() > 2) {
            return Optional.of("+" + digits.substring(2));
        }
        return Optional.of(digits.toString());
    }

    /**
     * The phone number in E.164 ({@code +41791234567}) when libphonenumber holds it valid: a number written with its
     * country code ({@code +41 ...}, {@code 0041 ...}) parses anywhere, a national one ({@code 079 ...}) only with the
     * region it was dialled in ({@code defaultRegion}, ISO 3166-1 alpha-2: the hotel's or the guest's country). Empty
     * when the number is not valid or a national number has no region. Use it where a wrong number must not count
     * (matching guests); use {@link #phoneKey} where a number must never be dropped (consent).
     */
    public static Optional<String> e164(String raw, String defaultRegion) {
        Optional<String> basic = phone(raw);
        if (basic.isEmpty()) {
            return Optional.empty();
        }
        String digits = basic.get();
        String region = digits.startsWith("+") ? "ZZ" : region(defaultRegion);
        if (region == null) {
            return Optional.empty();
        }
        try {
            Phonenumber.PhoneNumber number = PHONES.parse(digits, region);
            return PHONES.isValidNumber(number)
                    ? Optional.of(PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164))
                    : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The key every service stores a phone number under: {@link #e164} when it is valid, else what {@link #phone}
     * keeps (digits, {@code +} when given in international form), so that a number libphonenumber does not know is
     * still one key and an opt-out said under it is never lost. The profile and opt-out services agree on this key for
     * every number.
     */
    public static Optional<String> phoneKey(String raw, String defaultRegion) {
        Optional<String> valid = e164(raw, defaultRegion);
        return valid.isPresent() ? valid : phone(raw);
    }

    /**
     * The key of a postal address: country (ISO 3166-1 alpha-2, upper case), postcode and first street line, each
     * folded (accents removed, lower case, runs of anything but letters and digits as one space), joined by {@code |}:
     * {@code CH|8001|bahnhofstrasse 1}. The city is left out (a postcode names it, and PMSs spell it in the guest's
     * language or the hotel's). Empty when the country is not two letters or the postcode or street line is blank: an
     * address without them is not one a letter can reach.
     */
    public static Optional<String> postal(String streetLine, String postcode, String countryCode) {
        if (countryCode == null || !COUNTRY.matcher(countryCode.trim()).matches()) {
            return Optional.empty();
        }
        String street = fold(streetLine);
        String code = fold(postcode).replace(" ", "");
        if (street.isEmpty() || code.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(countryCode.trim().toUpperCase(Locale.ROOT) + '|' + code + '|' + street);
    }

    /**
     * The normalised form of {@code raw} as {@code kind}: for {@link ContactKind#PHONE} the basic form of
     * {@link #phone}, for {@link ContactKind#POSTAL} an already built key ({@link #postal}) checked for its shape.
     */
    public static Optional<String> normalise(ContactKind kind, String raw) {
        return switch (kind) {
            case EMAIL -> email(raw);
            case PHONE -> phone(raw);
            case POSTAL -> raw != null && raw.matches("[A-Z]{2}\\|[a-z0-9]+\\|[a-z0-9 ]+") ? Optional.of(raw) : Optional.empty();
        };
    }

    private static String region(String defaultRegion) {
        return defaultRegion == null || !COUNTRY.matcher(defaultRegion.trim()).matches()
                ? null : defaultRegion.trim().toUpperCase(Locale.ROOT);
    }

    private static String fold(String raw) {
        if (raw == null) {
            return "";
        }
        String decomposed = Normalizer.normalize(raw.replace("ß", "ss"), Normalizer.Form.NFD);
        String plain = COMBINING_MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT);
        return NOT_ALPHANUMERIC.matcher(plain).replaceAll(" ").trim();
    }
}
