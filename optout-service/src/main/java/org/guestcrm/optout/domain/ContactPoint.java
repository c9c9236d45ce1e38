package org.guestcrm.optout.domain;

import java.util.Optional;
import java.util.regex.Pattern;

import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.domain.ContactPointNormaliser;

/**
 * A normalised contact point, keyed by the platform's {@link ContactPointNormaliser} (the same code as the profile
 * service's): an e-mail address trimmed and lower-cased; a phone number by {@link ContactPointNormaliser#phoneKey}
 * (E.164 when libphonenumber holds it valid, a national form read in the region it was dialled in; else the basic
 * digits form, never dropped), so a phone is one key here and in the profile service.
 */
public record ContactPoint(ContactKind kind, String value) {

    private static final Pattern PHONE_CHARACTERS = Pattern.compile("^\\+?[0-9 ()./-]+$");
    private static final int MIN_PHONE_DIGITS = 5;

    public ContactPoint {
        if (kind == null || value == null || value.isBlank()) {
            throw new IllegalArgumentException("A contact point needs a kind and a value");
        }
    }

    /** The channel consent for this contact point is about by default (a phone also carries PHONE, calls). */
    public ConsentChannel channel() {
        return kind == ContactKind.EMAIL ? ConsentChannel.EMAIL : ConsentChannel.SMS;
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
     * Parses what a caller typed: an e-mail address when it contains {@code @}; else a phone number written with
     * digits, spaces and {@code + ( ) . / -} only, with at least five digits. Anything else is malformed.
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
        String trimmed = raw.trim();
        if (!PHONE_CHARACTERS.matcher(trimmed).matches() || trimmed.chars().filter(Character::isDigit).count() < MIN_PHONE_DIGITS) {
            return Optional.empty();
        }
        return phone(trimmed, defaultRegion);
    }
}
