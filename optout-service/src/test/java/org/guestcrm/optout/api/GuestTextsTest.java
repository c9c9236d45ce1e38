package org.guestcrm.optout.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The guests' texts in their one place (guest-texts/*.properties): every bundle in every language has every key, a
 * text, and the same placeholders; the language is chosen from ?lang=, then Accept-Language, else English.
 */
class GuestTextsTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("%s");

    @Test
    void everyLanguageOfEveryBundleHasTheSameKeysEachWithATextAndTheSamePlaceholders() {
        assertEquals(List.of("en", "fr", "de"), GuestTexts.LANGUAGES);
        for (String bundle : List.of(PreferenceTexts.BUNDLE, GuestPageTexts.BUNDLE)) {
            Map<String, String> en = GuestTexts.load(bundle, "en");
            assertTrue(en.size() > (bundle.equals("preferences") ? 90 : 10), bundle + " texts are loaded: " + en.size());
            for (String lang : GuestTexts.LANGUAGES) {
                Map<String, String> other = GuestTexts.load(bundle, lang);
                assertEquals(en.keySet(), other.keySet(), bundle + "_" + lang + " keys");
                for (String key : en.keySet()) {
                    assertFalse(other.get(key).isBlank(), bundle + "_" + lang + ": " + key);
                    assertEquals(count(en.get(key)), count(other.get(key)), "placeholders of " + key + " in " + bundle + "_" + lang);
                }
            }
        }
    }

    @Test
    void preferenceTextsReadAsUtf8WithLineBreaksAndALanguageNotOfferedIsEnglish() {
        assertEquals("Your contact preferences", PreferenceTexts.of("en").get("title"));
        assertEquals("Effacer cette adresse", PreferenceTexts.of("fr").get("erasure"));
        assertEquals("Diese Adresse löschen", PreferenceTexts.of("de").get("erasure"));
        assertTrue(PreferenceTexts.of("fr").get("mailBody").startsWith("Bonjour,\n\nvous avez demandé"));
        assertEquals(2, count(PreferenceTexts.of("de").get("erasureMailBody")));
        assertEquals(PreferenceTexts.of("en"), PreferenceTexts.of("it"));
    }

    @Test
    void unsubscribePagesTextsComeFromTheirFilesInEachLanguage() {
        assertEquals("Unsubscribe", GuestPageTexts.of("en").confirmButton());
        assertEquals("Me désabonner", GuestPageTexts.of("fr").confirmButton());
        assertEquals("Abmelden", GuestPageTexts.of("de").confirmButton());
        assertEquals("Ce lien a expiré", GuestPageTexts.of("fr").expiredTitle());
        assertEquals("Dieser Link ist nicht gültig", GuestPageTexts.of("de").invalidTitle());
        assertEquals("de", GuestPageTexts.of("de").lang());
        for (String lang : GuestTexts.LANGUAGES) {
            GuestPageTexts texts = GuestPageTexts.of(lang);
            for (String text : List.of(texts.confirmTitle(), texts.confirmMessage(), texts.doneTitle(), texts.doneMessage(),
                    texts.invalidMessage(), texts.expiredMessage(), texts.notOneClickMessage(), texts.unavailableMessage(),
                    texts.languageName())) {
                assertFalse(text == null || text.isBlank(), lang);
            }
        }
        assertEquals(GuestPageTexts.ENGLISH, GuestPageTexts.of("pt"));
    }

    @Test
    void languageChosenFromTheQueryThenTheBrowserElseEnglish() {
        assertEquals("de", GuestTexts.choose("de", "fr"));
        assertEquals("fr", GuestTexts.choose("FR-ch", null));
        assertEquals("en", GuestTexts.choose("it", "de"));
        assertEquals("de", GuestTexts.choose(null, "de-CH,de;q=0.9,en;q=0.5"));
        assertEquals("fr", GuestTexts.choose("", "it-CH, fr;q=0.8, de;q=0.5"));
        assertEquals("en", GuestTexts.choose(null, "it, es"));
        assertEquals("en", GuestTexts.choose(null, null));
        assertEquals("de", GuestTexts.supported("de_AT"));
        assertEquals("en", GuestTexts.supported("deu"));
    }

    @Test
    void theLanguageSwitchOffersTheOtherLanguagesInTheirOwnNames() {
        List<GuestTexts.LanguageSwitch> switches = GuestTexts.switches("fr", code -> "/u/t?lang=" + code);
        assertEquals(List.of(new GuestTexts.LanguageSwitch("en", "English", "/u/t?lang=en"),
                new GuestTexts.LanguageSwitch("de", "Deutsch", "/u/t?lang=de")), switches);
    }

    private static int count(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
