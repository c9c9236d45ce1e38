package org.guestcrm.journey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The survey page's words: the same keys and placeholders in EN, FR, DE; the page escapes what it shows. */
class SurveyTextsTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[a-z]+}");

    @Test
    void everyLanguageHasTheSameKeysAndPlaceholders() {
        Map<String, String> english = SurveyTexts.load("en");
        for (String lang : List.of("fr", "de")) {
            Map<String, String> other = SurveyTexts.load(lang);
            assertEquals(new TreeSet<>(english.keySet()), new TreeSet<>(other.keySet()), lang);
            english.forEach((key, text) -> assertEquals(placeholders(text), placeholders(other.get(key)),
                    lang + " " + key));
        }
        assertTrue(english.keySet().containsAll(List.of("aspect.room", "aspect.cleanliness", "aspect.staff",
                "aspect.breakfast", "aspect.value")));
    }

    @Test
    void theLanguageIsAskedElseTheGuestsElseTheBrowsersElseEnglish() {
        assertEquals("fr", SurveyTexts.choose("fr", "de", "en"));
        assertEquals("de", SurveyTexts.choose("xx", "de-CH", "fr"));
        assertEquals("fr", SurveyTexts.choose(null, "it", "it-IT,fr;q=0.8"));
        assertEquals("en", SurveyTexts.choose(null, null, "not a header ;;"));
        assertEquals("en", SurveyTexts.choose(null, null, null));
    }

    @Test
    void whatThePageShowsIsEscapedAndErrorsAreNamed() {
        String html = SurveyPage.form(new SurveyPage.Form("de", "Hotel <Alpen>", "/survey/t", List.of("room", "spa"),
                "4", Map.of("spa", "2"), "</textarea><script>x</script>",
                Map.of("rating.<b>", "unknown-aspect"), Instant.parse("2026-11-02T10:00:00Z"), ZoneId.of("Europe/Zurich")));
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<Alpen>"));
        assertTrue(html.contains("Wie war Ihr Aufenthalt im Hotel &lt;Alpen&gt;?"), html);
        assertTrue(html.contains("id=\"score-4\" value=\"4\" checked"), html);
        assertTrue(html.contains("id=\"rating-spa-2\" value=\"2\" checked"), html);
        assertTrue(html.contains("<legend>Spa</legend>"), "an aspect without a text is shown by its name");
        assertTrue(html.contains("Bewertung rating.&lt;b&gt;: dieses Hotel fragt danach nicht."), html);
        assertTrue(html.contains("2. November 2026"), html);
        assertTrue(html.contains("<html lang=\"de\">"), html);
    }

    private static List<String> placeholders(String text) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        TreeSet<String> found = new TreeSet<>();
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return List.copyOf(found);
    }
}
