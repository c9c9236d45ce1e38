package org.guestcrm.optout.api;

import java.util.Map;

/**
 * The words of the preference centre and of its mails, in every language of {@link GuestTexts#LANGUAGES}, from
 * {@code guest-texts/preferences_<lang>.properties}; a language not offered is English.
 */
final class PreferenceTexts {

    static final String BUNDLE = "preferences";
    static final Map<String, String> ENGLISH = GuestTexts.load(BUNDLE, "en");
    static final Map<String, String> FRENCH = GuestTexts.load(BUNDLE, "fr");
    static final Map<String, String> GERMAN = GuestTexts.load(BUNDLE, "de");

    private PreferenceTexts() {
    }

    static Map<String, String> of(String lang) {
        return switch (lang == null ? "en" : lang) {
            case "fr" -> FRENCH;
            case "de" -> GERMAN;
            default -> ENGLISH;
        };
    }
}
