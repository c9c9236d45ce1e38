package org.guestcrm.journey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: a hotel's own survey words over its tenant's, over the built-in ones; an override that names an unknown key,
 * an empty or too long text or a placeholder its text cannot have is not used at all (the next level's words are).
 */
class SurveyTextOverridesTest {

    @TempDir
    Path templates;

    @Test
    void theHotelsWordsOverrideTheTenantsWhichOverrideTheBuiltInOnesKeyByKey() throws Exception {
        write("acme/survey_en.properties", "intro=Thank you for choosing Acme.\nsubmit=Send to Acme\n");
        write("acme/ALPS/survey_en.properties", "intro=Servus from the Alps.\npageTitle=Gr\u00fc\u00df Gott in {hotel}!\n");
        write("acme/survey_de.properties", "submit=An Acme senden\n");
        SurveyTextOverrides words = new SurveyTextOverrides(Optional.of(templates));

        Map<String, String> alps = words.of("en", "acme", "ALPS");
        assertEquals("Servus from the Alps.", alps.get("intro"), "the hotel's own");
        assertEquals("Gr\u00fc\u00df Gott in {hotel}!", alps.get("pageTitle"), "the hotel's own, with its placeholder");
        assertEquals("Send to Acme", alps.get("submit"), "the tenant's where the hotel has none");
        assertEquals(SurveyTexts.of("en").get("languages"), alps.get("languages"), "built-in where neither has one");

        Map<String, String> other = words.of("en", "acme", "CITY");
        assertEquals("Thank you for choosing Acme.", other.get("intro"), "another hotel of the tenant: the tenant's");
        assertEquals("An Acme senden", words.of("de", "acme", "ALPS").get("submit"), "per language");
        assertEquals(SurveyTexts.of("fr"), words.of("fr", "acme", "ALPS"), "no French override: built-in");
        assertEquals(SurveyTexts.of("en"), words.of("en", "other", "ALPS"), "another tenant sees none of them");
        assertEquals(SurveyTexts.of("en"), words.of("en", "../acme", "ALPS"), "a tenant that is no plain name: no path");

        String page = SurveyPage.form(new SurveyPage.Form("en", "Alpenhof <Alps>", "/survey/t", List.of("room"), null,
                Map.of(), null, Map.of(), null, ZoneId.of("Europe/Vienna")), alps);
        assertTrue(page.contains("Gr\u00fc\u00df Gott in Alpenhof &lt;Alps&gt;!"), page);
        assertTrue(page.contains("Servus from the Alps."), page);
        assertTrue(page.contains("Send to Acme"), page);
        String saved = SurveyPage.message("en", alps, "Alpenhof", "savedTitle", "savedText",
                Instant.parse("2027-01-10T10:00:00Z"), ZoneId.of("Europe/Vienna"), "/survey/t");
        assertTrue(saved.contains(SurveyTexts.of("en").get("savedTitle").replace("{hotel}", "Alpenhof")), saved);
    }

    @Test
    void anInvalidOverrideIsNotUsedAtAllAndEachProblemNamesItsKey() throws Exception {
        write("acme/survey_en.properties", "intro=Welcome\nsubmitt=Send\n");
        write("acme/ALPS/survey_en.properties", "intro=\n");
        write("acme/CITY/survey_en.properties", "intro=Until {date}\n");
        write("acme/LONG/survey_en.properties", "intro=" + "x".repeat(SurveyTextOverrides.MAX_TEXT + 1) + "\n");
        write("acme/SPA/survey_en.properties", "aspect.spa=Spa and pool\n");
        SurveyTextOverrides words = new SurveyTextOverrides(Optional.of(templates));
        String builtIn = SurveyTexts.of("en").get("intro");

        assertEquals(builtIn, words.of("en", "acme", "ALPS").get("intro"), "tenant file refused (unknown key), hotel "
                + "file refused (empty text): built-in");
        assertEquals(builtIn, words.of("en", "acme", "CITY").get("intro"), "placeholder {date} not filled in intro");
        assertEquals(builtIn, words.of("en", "acme", "LONG").get("intro"), "too long");
        assertEquals("Spa and pool", words.of("en", "acme", "SPA").get("aspect.spa"), "an aspect of the hotel's own");

        Map<String, String> english = SurveyTexts.of("en");
        assertEquals(List.of("submitt: not a text of the survey page (keys: those of survey_en.properties, or "
                + "aspect.<name>)"), SurveyTextOverrides.problemsOf(Map.of("intro", "Welcome", "submitt", "Send"), english));
        assertEquals(List.of("intro: must be 1 to 500 characters"),
                SurveyTextOverrides.problemsOf(Map.of("intro", " "), english));
        List<String> placeholder = SurveyTextOverrides.problemsOf(Map.of("intro", "Until {date}"), english);
        assertEquals(1, placeholder.size());
        assertTrue(placeholder.getFirst().startsWith("intro: the placeholder {date} is not filled"), placeholder.getFirst());
        assertEquals(List.of(), SurveyTextOverrides.problemsOf(Map.of("pageTitle", "Your stay at {hotel}"), english));

        // Corrected, the file is read again (its modification time changed) and used.
        write("acme/survey_en.properties", "intro=Welcome\n");
        Files.setLastModifiedTime(templates.resolve("acme/survey_en.properties"),
                FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals("Welcome", words.of("en", "acme", "SPA").get("intro"));
        assertFalse(words.of("en", "acme", "SPA").containsKey("submitt"));
    }

    private void write(String relative, String content) throws Exception {
        Path path = templates.resolve(relative);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content, StandardCharsets.UTF_8);
    }
}
