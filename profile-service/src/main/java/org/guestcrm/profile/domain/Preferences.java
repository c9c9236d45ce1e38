package org.guestcrm.profile.domain;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A guest's preferences and interests as PMSs keep them on a profile (pms.profiles' {@code preferences}): key = a
 * category with an optional code ({@code ROOM}, {@code ROOM:floor}, {@code DIET}, {@code INTEREST:golf}), value = the
 * PMS's text. Bounded, so neither a source profile nor the golden record grows without limit: at most
 * {@link #MAX_ENTRIES} entries, keys of at most {@link #MAX_KEY_LENGTH} characters, values of at most
 * {@link #MAX_VALUE_LENGTH}.
 */
public final class Preferences {

    /** Entries kept per source profile and on the golden record. */
    public static final int MAX_ENTRIES = 50;
    /** Characters of a key (category and code); a longer key is left out (cut, it could collide with another). */
    public static final int MAX_KEY_LENGTH = 64;
    /** Characters of a value; a longer value is cut to this length. */
    public static final int MAX_VALUE_LENGTH = 200;

    private Preferences() {
    }

    /** What bounding a PMS's preferences did: the kept entries (by key) and how many were cut or left out. */
    public record Bounded(TreeMap<String, String> entries, int blank, int keysTooLong, int valuesCut, int overCount) {
        public boolean trimmed() {
            return blank + keysTooLong + valuesCut + overCount > 0;
        }
    }

    /**
     * The preferences of one source profile as kept: keys trimmed with the category (before the first {@code :})
     * upper-cased, so {@code diet} and {@code DIET} are one key; values trimmed. Blank keys or values are left out
     * (no preference); a key longer than {@link #MAX_KEY_LENGTH} is left out; a value longer than
     * {@link #MAX_VALUE_LENGTH} is cut; beyond {@link #MAX_ENTRIES} entries the first in key order are kept. Two keys
     * the same once normalised keep the value of the first in the PMS's key order.
     */
    public static Bounded bound(Map<? extends CharSequence, ? extends CharSequence> raw) {
        TreeMap<String, String> kept = new TreeMap<>();
        int blank = 0;
        int keysTooLong = 0;
        int valuesCut = 0;
        if (raw == null) {
            return new Bounded(kept, 0, 0, 0, 0);
        }
        TreeMap<String, String> ordered = new TreeMap<>();
        raw.forEach((k, v) -> ordered.put(k == null ? "" : k.toString(), v == null ? null : v.toString()));
        for (Map.Entry<String, String> entry : ordered.entrySet()) {
            String key = normaliseKey(entry.getKey());
            String value = entry.getValue() == null ? "" : entry.getValue().strip();
            if (key.isEmpty() || value.isEmpty()) {
                blank++;
                continue;
            }
            if (key.length() > MAX_KEY_LENGTH) {
                keysTooLong++;
                continue;
            }
            if (value.codePointCount(0, value.length()) > MAX_VALUE_LENGTH) {
                value = value.substring(0, value.offsetByCodePoints(0, MAX_VALUE_LENGTH)).strip();
                valuesCut++;
            }
            kept.putIfAbsent(key, value);
        }
        int overCount = 0;
        while (kept.size() > MAX_ENTRIES) {
            kept.pollLastEntry();
            overCount++;
        }
        return new Bounded(kept, blank, keysTooLong, valuesCut, overCount);
    }

    /** The key as kept: trimmed, the category upper-case, the code (after the first {@code :}) trimmed as given. */
    static String normaliseKey(String key) {
        String trimmed = key == null ? "" : key.strip();
        int colon = trimmed.indexOf(':');
        if (colon < 0) {
            return trimmed.toUpperCase(Locale.ROOT);
        }
        String category = trimmed.substring(0, colon).strip().toUpperCase(Locale.ROOT);
        String code = trimmed.substring(colon + 1).strip();
        return code.isEmpty() ? category : category + ":" + code;
    }
}
