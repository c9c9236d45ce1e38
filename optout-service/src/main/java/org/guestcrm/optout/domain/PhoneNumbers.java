package org.guestcrm.optout.domain;

import java.util.Locale;
import java.util.Optional;

import org.guestcrm.platform.domain.ContactPointNormaliser;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

/**
 * Phone numbers as consent keys: E.164 ({@code +41791234567}) with libphonenumber, so the national and the
 * international form of one number are one key and an opt-out said under one is found under the other. A number in
 * national form needs the region it was dialled in (the hotel's or the tenant's): without one, or when libphonenumber
 * finds no valid number, it stays as the platform's {@link ContactPointNormaliser} leaves it (digits, {@code +} when
 * given in international form), never dropped.
 */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /** The consent key of {@code raw}, dialled in {@code defaultRegion} (ISO 3166-1 alpha-2, may be null). */
    public static Optional<String> key(String raw, String defaultRegion) {
        return ContactPointNormaliser.phone(raw).map(basic -> e164(basic, defaultRegion));
    }

    static String e164(String basic, String defaultRegion) {
        String region = basic.startsWith("+") ? "ZZ"
                : defaultRegion == null || defaultRegion.isBlank() ? null : defaultRegion.trim().toUpperCase(Locale.ROOT);
        if (region == null) {
            return basic;
        }
        try {
            Phonenumber.PhoneNumber number = UTIL.parse(basic, region);
            return UTIL.isValidNumber(number) ? UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164) : basic;
        } catch (NumberParseException e) {
            return basic;
        }
    }
}
