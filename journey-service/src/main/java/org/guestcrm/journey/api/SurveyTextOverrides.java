package org.guestcrm.journey.api;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

/**
 * A tenant's and a hotel's own words for the post-stay survey page (issue 9), over the built-in ones
 * ({@link SurveyTexts}): {@code <dir>/<tenant>/survey_<lang>.properties} overrides the built-in texts of the tenant's
 * hotels, {@code <dir>/<tenant>/<hotelCode>/survey_<lang>.properties} the tenant's for one hotel; {@code <dir>} is
 * {@code journey.templates.directory}, where the message templates' overrides live too. A file may hold some keys only
 * (the others come from the next level). Each file is validated when it is read (and read again when it changes): every
 * key must be one of the built-in keys or {@code aspect.<name>}, every text 1 to 500 characters with no placeholder the
 * built-in text of its key lacks ({hotel}, {date}). A file that fails is not used at all (logged once per change with
 * the file and the first problem; the next level is used), so a typo never shows half a page.
 */
final class SurveyTextOverrides {

    private static final Logger LOG = Logger.getLogger(SurveyTextOverrides.class);
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern ASPECT_KEY = Pattern.compile("aspect\\.[a-z][a-z0-9_-]{0,49}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z]+}");
    static final int MAX_TEXT = 500;

    private final Optional<Path> directory;
    private final Map<Path, Loaded> files = new ConcurrentHashMap<>();

    SurveyTextOverrides(Optional<Path> directory) {
        this.directory = directory;
    }

    /** The texts of {@code lang} for the hotel: built-in, then the tenant's file, then the hotel's (most specific wins). */
    Map<String, String> of(String lang, String tenant, String hotelCode) {
        Map<String, String> texts = new HashMap<>(SurveyTexts.of(lang));
        if (directory.isEmpty() || tenant == null || !PLAIN_NAME.matcher(tenant).matches()) {
            return texts;
        }
        String file = "survey_" + (SurveyTexts.LANGUAGES.contains(lang) ? lang : "en") + ".properties";
        Path tenantDir = directory.get().resolve(tenant);
        read(tenantDir.resolve(file), texts);
        if (hotelCode != null && PLAIN_NAME.matcher(hotelCode).matches()) {
            read(tenantDir.resolve(hotelCode).resolve(file), texts);
        }
        return texts;
    }

    /**
     * What is wrong with an override's texts against the built-in ones of its language; empty when it may be used.
     * Each problem names the key.
     */
    static List<String> problemsOf(Map<String, String> override, Map<String, String> builtIn) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(override).entrySet()) {
            String key = entry.getKey();
            String text = entry.getValue();
            boolean aspect = ASPECT_KEY.matcher(key).matches();
            if (!builtIn.containsKey(key) && !aspect) {
                problems.add(key + ": not a text of the survey page (keys: those of survey_en.properties, or "
                        + "aspect.<name>)");
                continue;
            }
            if (text == null || text.isBlank() || text.length() > MAX_TEXT) {
                problems.add(key + ": must be 1 to " + MAX_TEXT + " characters");
                continue;
            }
            Set<String> allowed = builtIn.containsKey(key) ? placeholders(builtIn.get(key)) : Set.of();
            for (String placeholder : placeholders(text)) {
                if (!allowed.contains(placeholder)) {
                    problems.add(key + ": the placeholder " + placeholder + " is not filled in this text"
                            + (allowed.isEmpty() ? "" : " (it may use " + String.join(", ", allowed) + ")"));
                }
            }
        }
        return problems;
    }

    private void read(Path path, Map<String, String> texts) {
        if (!Files.isRegularFile(path)) {
            files.remove(path);
            return;
        }
        try {
            FileTime modified = Files.getLastModifiedTime(path);
            Loaded loaded = files.get(path);
            if (loaded == null || !loaded.modified().equals(modified)) {
                loaded = load(path, modified);
                files.put(path, loaded);
            }
            texts.putAll(loaded.texts());
        } catch (IOException e) {
            LOG.warnf("Survey texts %s cannot be read (%s); the next level's texts are used.", path,
                    e.getClass().getSimpleName());
        }
    }

    private Loaded load(Path path, FileTime modified) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IllegalArgumentException e) {
            LOG.warnf("Survey texts %s are not a properties file (%s); not used, the next level's texts are.", path,
                    e.getMessage());
            return new Loaded(modified, Map.of());
        }
        Map<String, String> override = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> override.put(key, properties.getProperty(key)));
        String name = path.getFileName().toString();
        String lang = name.substring("survey_".length(), name.length() - ".properties".length());
        List<String> problems = problemsOf(override, SurveyTexts.of(lang));
        if (!problems.isEmpty()) {
            LOG.warnf("Survey texts %s are not used (%d problem(s), first: %s); the next level's texts are.", path,
                    problems.size(), problems.getFirst());
            return new Loaded(modified, Map.of());
        }
        LOG.infof("Survey texts %s: %d text(s) override the next level's.", path, override.size());
        return new Loaded(modified, Map.copyOf(override));
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }

    private record Loaded(FileTime modified, Map<String, String> texts) {
    }
}
