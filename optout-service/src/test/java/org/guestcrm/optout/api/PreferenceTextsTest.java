package org.guestcrm.optout.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The guests' texts in their one place: every language has every key, a text, and the same placeholders. */
class PreferenceTextsTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("%s");

    @Test
    void englishAndFrenchHaveTheSameKeysEachWithATextAndTheSamePlaceholders() {
        Map<String, String> en = PreferenceTexts.of("en");
        Map<String, String> fr = PreferenceTexts.of("fr");
        assertTrue(en.size() > 90, "the English texts are loaded: " + en.size());
        assertEquals(en.keySet(), fr.keySet());
        for (String key : en.keySet()) {
            assertFalse(en.get(key).isBlank(), key);
            assertFalse(fr.get(key).isBlank(), key);
            assertEquals(count(en.get(key)), count(fr.get(key)), "placeholders of " + key);
        }
    }

    @Test
    void textsReadAsUtf8WithLineBreaksAndAnyOtherLanguageIsEnglish() {
        assertEquals("Your contact preferences", PreferenceTexts.of("en").get("title"));
        assertEquals("Effacer cette adresse", PreferenceTexts.of("fr").get("erasure"));
        assertTrue(PreferenceTexts.of("fr").get("mailBody").startsWith("Bonjour,\n\nvous avez demandé"));
        assertEquals(2, count(PreferenceTexts.of("fr").get("erasureMailBody")));
        assertEquals(PreferenceTexts.of("en"), PreferenceTexts.of("de"));
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
