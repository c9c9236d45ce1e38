package org.guestcrm.journey.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The words of the post-stay survey page in English, French and German, from the resource files
 * {@code guest-texts/survey_<lang>.properties} (UTF-8, the same keys in every language: {@code SurveyTextsTest} checks
 * it), so a translator edits text files, never Java. An aspect configured without a text of its own
 * ({@code aspect.<name>}) is shown by its name.
 */
final class SurveyTexts {

    static final List<String> LANGUAGES = List.of("en", "fr", "de");
    static final String FOLDER = "guest-texts/";
    private static final Map<String, Map<String, String>> TEXTS = Map.of(
            "en", load("en"), "fr", load("fr"), "de", load("de"));

    private SurveyTexts() {
    }

    /** The texts of {@code lang} (one of {@link #LANGUAGES}, else English). */
    static Map<String, String> of(String lang) {
        return TEXTS.getOrDefault(lang, TEXTS.get("en"));
    }

    /** {@code lang} if the page has it, else null: {@code de-CH} -> {@code de}. */
    static String supported(String languageTag) {
        if (languageTag == null || languageTag.isBlank() || languageTag.length() > 35) {
            return null;
        }
        String language = Locale.forLanguageTag(languageTag.strip().replace('_', '-')).getLanguage();
        return LANGUAGES.contains(language) ? language : null;
    }

    /** The page's language: {@code ?lang=}, else the guest's language, else {@code Accept-Language}, else English. */
    static String choose(String asked, String guestLanguage, String acceptLanguage) {
        String chosen = supported(asked);
        if (chosen == null) {
            chosen = supported(guestLanguage);
        }
        if (chosen == null && acceptLanguage != null && acceptLanguage.length() <= 200) {
            try {
                for (Locale.LanguageRange range : Locale.LanguageRange.parse(acceptLanguage)) {
                    chosen = supported(range.getRange());
                    if (chosen != null) {
                        break;
                    }
                }
            } catch (IllegalArgumentException ignored) {
                // An unreadable header chooses nothing.
            }
        }
        return chosen == null ? "en" : chosen;
    }

    static Map<String, String> load(String lang) {
        String name = FOLDER + "survey_" + lang + ".properties";
        try (InputStream in = SurveyTexts.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The guest texts " + name + " are missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> texts = new TreeMap<>();
            properties.stringPropertyNames().forEach(key -> texts.put(key, properties.getProperty(key)));
            return Map.copyOf(texts);
        } catch (IOException e) {
            throw new UncheckedIOException("The guest texts " + name + " cannot be read", e);
        }
    }
}
