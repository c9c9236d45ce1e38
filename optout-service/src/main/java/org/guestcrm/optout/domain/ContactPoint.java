package org.guestcrm.optout.domain;

import java.util.Optional;
import java.util.regex.Pattern;

import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.domain.ContactPointNormaliser;

/**
 * A normalised contact point, keyed by the platform's {@link ContactPointNormaliser} (the same code as the profile
 * service's): an e-mail address trimmed and lower-cased; a phone number by {@link ContactPointNormaliser#phoneKey}
 * (E.164 when libphonenumber holds it valid, a national form read in the region it was dialled in; else the basic
 * digits form, never dropped), so a phone is one key here and in the profile service; a postal address by
 * {@link ContactPointNormaliser#postal} ({@code CH|8001|bahnhofstrasse 1}).
 */
public record ContactPoint(ContactKind kind, String value) {

    private static final Pattern PHONE_CHARACTERS = Pattern.compile("^\\+?[0-9 ()./-]+$");
    private static final int MIN_PHONE_DIGITS = 5;
    private static final int MAX_LENGTH = 320;

    public ContactPoint {
        if (kind == null || value == null || value.isBlank()) {
            throw new IllegalArgumentException("A contact point needs a kind and a value");
        }
    }

    /** The channel consent for this contact point is about by default (a phone also carries PHONE, calls). */
    public ConsentChannel channel() {
        return switch (kind) {
            case EMAIL -> ConsentChannel.EMAIL;
            case PHONE -> ConsentChannel.SMS;
            case POSTAL -> ConsentChannel.POST;
        };
    }

    public static Optional<ContactPoint> email(String raw) {
        return ContactPointNormaliser.email(raw).map(value -> new ContactPoint(ContactKind.EMAIL, value));
    }

    public static Optional<ContactPoint> phone(String raw) {
        return phone(raw, null);
    }

    /** A phone number in E.164, a national form read as dialled in {@code defaultRegion} (ISO 3166-1 alpha-2 or null). */
    public static Optional<ContactPoint> phone(String raw, String defaultRegion) {
        return ContactPointNormaliser.phoneKey(raw, defaultRegion).map(value -> new ContactPoint(ContactKind.PHONE, value));
    }

    /**
     * A postal address by its key (country, postcode, first street line, folded); empty when the country is not two
     * letters or the postcode or the street line is blank (no letter can reach it: no POST consent is recorded).
     */
    public static Optional<ContactPoint> postal(String streetLine, String postcode, String countryCode) {
        // A key longer than a contact point column (320) is not an address a letter goes to: no key, like a blank one.
        return ContactPointNormaliser.postal(streetLine, postcode, countryCode).filter(value -> value.length() <= MAX_LENGTH)
                .map(value -> new ContactPoint(ContactKind.POSTAL, value));
    }

    /**
     * Parses what a caller typed: an e-mail address when it contains {@code @}; a postal address when it has the key's
     * form {@code COUNTRY|postcode|street line} (folded again, so {@code CH|8001|Bahnhofstraße 1} is the same key); else
     * a phone number written with digits, spaces and {@code + ( ) . / -} only, with at least five digits. Anything else
     * is malformed.
     */
    public static Optional<ContactPoint> parse(String raw) {
        return parse(raw, null);
    }

    /** As {@link #parse(String)}, a phone number in national form read as dialled in {@code defaultRegion}. */
    public static Optional<ContactPoint> parse(String raw, String defaultRegion) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        if (raw.contains("@")) {
            return email(raw);
        }
        if (raw.contains("|")) {
            String[] parts = raw.split("\\|", -1);
            return parts.length == 3 ? postal(parts[2], parts[1], parts[0]) : Optional.empty();
        }
        String trimmed = raw.trim();
        if (!PHONE_CHARACTERS.matcher(trimmed).matches() || trimmed.chars().filter(Character::isDigit).count() < MIN_PHONE_DIGITS) {
            return Optional.empty();
        }
        return phone(trimmed, defaultRegion);
    }
}
