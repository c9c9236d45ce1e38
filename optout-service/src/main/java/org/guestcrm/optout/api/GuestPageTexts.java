package org.guestcrm.optout.api;

import java.util.Map;

/**
 * The words of the unsubscribe pages and of every guest link's invalid, expired and unavailable pages, from
 * {@code guest-texts/unsubscribe_<lang>.properties}; the language chosen by {@link GuestTexts#choose}.
 */
record GuestPageTexts(String lang, String confirmTitle, String confirmMessage, String confirmButton, String doneTitle,
        String doneMessage, String invalidTitle, String invalidMessage, String expiredTitle, String expiredMessage,
        String notOneClickMessage, String unavailableMessage, String languageName) {

    static final String BUNDLE = "unsubscribe";
    static final GuestPageTexts ENGLISH = load("en");
    static final GuestPageTexts FRENCH = load("fr");
    static final GuestPageTexts GERMAN = load("de");

    static GuestPageTexts of(String lang) {
        return switch (lang == null ? "en" : lang) {
            case "fr" -> FRENCH;
            case "de" -> GERMAN;
            default -> ENGLISH;
        };
    }

    static GuestPageTexts choose(String lang, String acceptLanguage) {
        return of(GuestTexts.choose(lang, acceptLanguage));
    }

    private static GuestPageTexts load(String lang) {
        Map<String, String> t = GuestTexts.load(BUNDLE, lang);
        return new GuestPageTexts(lang, t.get("confirmTitle"), t.get("confirmMessage"), t.get("confirmButton"),
                t.get("doneTitle"), t.get("doneMessage"), t.get("invalidTitle"), t.get("invalidMessage"),
                t.get("expiredTitle"), t.get("expiredMessage"), t.get("notOneClickMessage"), t.get("unavailableMessage"),
                t.get("languageName"));
    }
}
