package org.guestcrm.connector.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The bounds of a profile's preferences ({@code GuestProfileChanged.preferences}): at most {@value #MAX_ENTRIES}
 * entries, a key of 1 to {@value #KEY_LENGTH} letters, digits, space or {@code _ : . / + -} (a category with an optional
 * code, {@code ROOM:5}), a value of 1 to {@value #VALUE_LENGTH} characters that holds nothing that may be a payment card
 * number. Mappings of PMS formats ({@link #accept}) drop what is out of bounds with a warning (a preference is an optional
 * field: it never costs the booking); the canonical JSON form, whose sender chose the keys, is refused with a 400 naming
 * the field ({@link CanonicalLimits}). Messages name the field, never a key or value.
 */
public final class GuestPreferences {

    public static final int MAX_ENTRIES = 50;
    public static final int KEY_LENGTH = 100;
    public static final int VALUE_LENGTH = 500;
    private static final Pattern KEY = Pattern.compile("[\\p{L}\\p{N}_:./+ -]{1," + KEY_LENGTH + "}");
    static final String KEY_RULE = "has a key that is not 1 to " + KEY_LENGTH
            + " letters, digits, spaces or _ : . / + -";

    private GuestPreferences() {
    }

    /** One preference as a mapping read it: key, value and where it was (for warnings). */
    public record Entry(String key, String value, String location) {
    }

    public static boolean validKey(String key) {
        return key != null && KEY.matcher(key).matches() && !key.isBlank();
    }

    /** True when the text holds a run of digits that passes the Luhn check like a card number. */
    public static boolean looksLikeCardNumber(String value) {
        return value != null && !CardNumberMask.mask(value).equals(value);
    }

    /**
     * The entries within bounds; the values of one key sorted and joined with "; " (so the order a PMS lists them in
     * does not change the content), while the joined value fits; every entry dropped is a warning on field
     * {@code preferences} at its location.
     */
    public static Map<String, String> accept(List<Entry> entries, List<FieldWarning> warnings) {
        Map<String, java.util.TreeSet<String>> values = new LinkedHashMap<>();
        Map<String, Integer> lengths = new java.util.HashMap<>();
        for (Entry entry : entries) {
            String value = entry.value();
            if (!validKey(entry.key())) {
                OptionalFields.dropped(warnings, "preferences", entry.location(), "has a code that is not 1 to "
                        + KEY_LENGTH + " letters, digits, spaces or _ : . / + -");
            } else if (value == null || value.isBlank() || value.length() > VALUE_LENGTH) {
                OptionalFields.dropped(warnings, "preferences", entry.location(),
                        "is empty or longer than " + VALUE_LENGTH + " characters");
            } else if (looksLikeCardNumber(value)) {
                OptionalFields.dropped(warnings, "preferences", entry.location(), "may hold a payment card number");
            } else if (!values.containsKey(entry.key()) && values.size() >= MAX_ENTRIES) {
                OptionalFields.dropped(warnings, "preferences", entry.location(),
                        "is beyond " + MAX_ENTRIES + " preferences per profile");
            } else {
                java.util.TreeSet<String> same = values.computeIfAbsent(entry.key(), k -> new java.util.TreeSet<>());
                int length = lengths.getOrDefault(entry.key(), -2) + 2 + value.length();
                if (same.contains(value)) {
                    continue;
                }
                if (length > VALUE_LENGTH) {
                    OptionalFields.dropped(warnings, "preferences", entry.location(),
                            "would make its category longer than " + VALUE_LENGTH + " characters");
                } else {
                    same.add(value);
                    lengths.put(entry.key(), length);
                }
            }
        }
        Map<String, String> accepted = new LinkedHashMap<>();
        values.forEach((key, texts) -> accepted.put(key, String.join("; ", texts)));
        return accepted;
    }

    /** Violations of a profile's preferences as sent in canonical JSON ({@code at} = e.g. {@code guests[0].}). */
    static void check(List<ReservationRules.Violation> violations, String at, Map<String, String> preferences) {
        if (preferences.size() > MAX_ENTRIES) {
            violations.add(new ReservationRules.Violation(at + "preferences", "has more than " + MAX_ENTRIES + " entries"));
            return;
        }
        for (Map.Entry<String, String> entry : preferences.entrySet()) {
            if (!validKey(entry.getKey())) {
                violations.add(new ReservationRules.Violation(at + "preferences", KEY_RULE));
                continue;
            }
            String field = at + "preferences." + entry.getKey();
            String value = entry.getValue();
            if (value == null || value.isBlank()) {
                violations.add(new ReservationRules.Violation(field, "must not be empty"));
            } else if (value.length() > VALUE_LENGTH) {
                violations.add(new ReservationRules.Violation(field, "is longer than " + VALUE_LENGTH + " characters"));
            } else if (looksLikeCardNumber(value)) {
                violations.add(new ReservationRules.Violation(field, "may hold a payment card number (never sent here)"));
            }
        }
    }
}
