package org.guestcrm.platform.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * Turns contact values as the PMS sent them into the form the CRM compares and publishes:
 * e-mail addresses lower-case and trimmed, phone numbers as digits with a leading {@code +}
 * when the number was given in international form ({@code +} or {@code 00} prefix).
 * A value that cannot be a contact point (blank, an e-mail without {@code @}, a phone without digits)
 * normalises to empty and is never used for matching. The profile and opt-out services both key guests and consent
 * by these values (crm.consents keys, consent look-ups), so this is the one implementation.
 */
public final class ContactPointNormaliser {

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

    public static Optional<String> normalise(ContactKind kind, String raw) {
        return switch (kind) {
            case EMAIL -> email(raw);
            case PHONE -> phone(raw);
        };
    }
}
