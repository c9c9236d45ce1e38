package org.guestcrm.optout.domain;

import java.util.Optional;
import java.util.regex.Pattern;

import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.domain.ContactPointNormaliser;

/**
 * A normalised contact point: an e-mail address trimmed and lower-cased, or a phone number as digits with a
 * leading {@code +} when it was given in international form ({@code +} or {@code 00}). Normalised by the platform's
 * {@link ContactPointNormaliser}, the same code as the profile service's, so both services key contact points alike.
 */
public record ContactPoint(ContactKind kind, String value) {

    private static final Pattern PHONE_CHARACTERS = Pattern.compile("^\\+?[0-9 ()./-]+$");
    private static final int MIN_PHONE_DIGITS = 5;

    public ContactPoint {
        if (kind == null || value == null || value.isBlank()) {
            throw new IllegalArgumentException("A contact point needs a kind and a value");
        }
    }

    /** The channel consent for this contact point is about. */
    public ConsentChannel channel() {
        return kind == ContactKind.EMAIL ? ConsentChannel.EMAIL : ConsentChannel.SMS;
    }

    public static Optional<ContactPoint> email(String raw) {
        return ContactPointNormaliser.email(raw).map(value -> new ContactPoint(ContactKind.EMAIL, value));
    }

    public static Optional<ContactPoint> phone(String raw) {
        return ContactPointNormaliser.phone(raw).map(value -> new ContactPoint(ContactKind.PHONE, value));
    }

    /**
     * Parses what a caller typed: an e-mail address when it contains {@code @}, else a phone number written with
     * digits, spaces and {@code + ( ) . / -} only, with at least five digits. Anything else is malformed.
     */
    public static Optional<ContactPoint> parse(String raw) {
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
        return phone(trimmed);
    }
}
