package org.guestcrm.profile.domain;

import java.util.Locale;
import java.util.Optional;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

/**
 * Phone numbers to E.164 with libphonenumber: a number written with its country code ({@code +41 ...},
 * {@code 0041 ...}) parses anywhere; a national one ({@code 079 ...}) only with a default region, the profile's
 * country (ISO 3166-1 alpha-2) when it has one. A number libphonenumber does not hold valid is no contact point.
 */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /** @param defaultRegion ISO 3166-1 alpha-2, or null */
    public static Optional<String> toE164(String raw, String defaultRegion) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String text = raw.trim();
        if (text.startsWith("00")) {
            text = "+" + text.substring(2);
        }
        String region = defaultRegion == null || defaultRegion.isBlank() ? "ZZ" : defaultRegion.trim().toUpperCase(Locale.ROOT);
        try {
            Phonenumber.PhoneNumber number = UTIL.parse(text, region);
            return UTIL.isValidNumber(number)
                    ? Optional.of(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164))
                    : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
