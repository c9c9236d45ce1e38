package org.guestcrm.optout.domain;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalised contact point: an e-mail address trimmed and lower-cased, or a phone number as digits with a
 * leading {@code +} when it was given in international form ({@code +} or {@code 00}). The same rules as the
 * profile service, so both services key a guest's contact points alike.
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
        if (raw == null) {
            return Optional.empty();
        }
        String value = raw.trim().toLowerCase(Locale.ROOT);
        int at = value.indexOf('@');
        if (at <= 0 || at != value.lastIndexOf('@') || at == value.length() - 1 || value.chars().anyMatch(Character::isWhitespace)) {
            return Optional.empty();
        }
        return Optional.of(new ContactPoint(ContactKind.EMAIL, value));
    }

    public static Optional<ContactPoint> phone(String raw) {
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
            return Optional.of(new ContactPoint(ContactKind.PHONE, "+" + digits));
        }
        if (trimmed.startsWith("00") && digits.length() > 2) {
            return Optional.of(new ContactPoint(ContactKind.PHONE, "+" + digits.substring(2)));
        }
        return Optional.of(new ContactPoint(ContactKind.PHONE, digits.toString()));
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
