package org.guestcrm.optout.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Where the guests' pages and mails take their words from: the resource files
 * {@code guest-texts/<bundle>_<lang>.properties} (UTF-8, the same keys in every language: a test checks it), so a
 * translator edits text files and never Java. The languages offered ({@link #LANGUAGES}) and how one is chosen:
 * {@code ?lang=} when it names one of them, else the first of them in {@code Accept-Language}, else English.
 */
final class GuestTexts {

    static final String FOLDER = "guest-texts/";
    /** The languages of the guests' pages, English first (the fallback). */
    static final List<String> LANGUAGES = List.of("en", "fr", "de");

    private GuestTexts() {
    }

    /** One of {@link #LANGUAGES}: {@code lang} if it names one (a region such as {@code fr-CH} is read as fr), else English. */
    static String supported(String lang) {
        if (lang == null) {
            return "en";
        }
        String wanted = lang.trim().toLowerCase(Locale.ROOT);
        for (String code : LANGUAGES) {
            if (wanted.equals(code) || wanted.startsWith(code + "-") || wanted.startsWith(code + "_")) {
                return code;
            }
        }
        return "en";
    }

    /** The language asked for ({@code ?lang=}), else the browser's first offered one, else English. */
    static String choose(String lang, String acceptLanguage) {
        if (lang != null && !lang.isBlank()) {
            return supported(lang);
        }
        if (acceptLanguage == null) {
            return "en";
        }
        for (String part : acceptLanguage.toLowerCase(Locale.ROOT).split(",")) {
            String tag = part.split(";")[0].trim();
            for (String code : LANGUAGES) {
                if (tag.equals(code) || tag.startsWith(code + "-")) {
                    return code;
                }
            }
        }
        return "en";
    }

    /** A link to the same page in another language, named in that language ({@code languageName}). */
    record LanguageSwitch(String lang, String label, String href) {
    }

    /** Links to every offered language but {@code lang}; {@code href} gives the page's address in a language. */
    static List<LanguageSwitch> switches(String lang, Function<String, String> href) {
        List<LanguageSwitch> switches = new ArrayList<>();
        for (String code : LANGUAGES) {
            if (!code.equals(lang)) {
                switches.add(new LanguageSwitch(code, GuestPageTexts.of(code).languageName(), href.apply(code)));
            }
        }
        return switches;
    }

    /** The texts of {@code bundle} in {@code lang} from {@code guest-texts/<bundle>_<lang>.properties}, read as UTF-8. */
    static Map<String, String> load(String bundle, String lang) {
        String name = FOLDER + bundle + "_" + lang + ".properties";
        try (InputStream in = GuestTexts.class.getClassLoader().getResourceAsStream(name)) {
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
