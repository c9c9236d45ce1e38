package org.guestcrm.optout.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The words of the preference centre and of its mails, in English and French (same choice rules as
 * {@link GuestPageTexts}: {@code ?lang=}, else {@code Accept-Language}, else English). They live in one place, the
 * resource files {@code guest-texts/preferences_<lang>.properties} (UTF-8, one key per line, the same keys in every
 * language: a test checks it), so a translator edits text files and never Java.
 */
final class PreferenceTexts {

    static final String FOLDER = "guest-texts/";
    static final Map<String, String> ENGLISH = load("en");
    static final Map<String, String> FRENCH = load("fr");

    private PreferenceTexts() {
    }

    static Map<String, String> of(String lang) {
        return "fr".equals(lang) ? FRENCH : ENGLISH;
    }

    /** The texts of {@code lang} from {@code guest-texts/preferences_<lang>.properties}, read as UTF-8. */
    static Map<String, String> load(String lang) {
        String name = FOLDER + "preferences_" + lang + ".properties";
        try (InputStream in = PreferenceTexts.class.getClassLoader().getResourceAsStream(name)) {
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
