package org.guestcrm.journey.templates;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;

/**
 * The texts of every message, as Qute templates outside the Java code: one text template per step and language
 * ({@code <step>.<lang>.txt}, e.g. {@code confirmation.fr.txt}) holding the fragments {@code subject}, {@code text} and,
 * for steps that may go by SMS, {@code sms}; optionally an HTML template beside it ({@code <step>.<lang>.html}),
 * else the HTML part is the text's paragraphs in the built-in {@code layout.html} (values HTML-escaped).
 *
 * <p>Where a template is looked for, first match wins: for the guest's language, then the hotel's default language,
 * then the tenant's (journey settings, {@link #MessageTemplates(Optional, Function)}), then {@link #FALLBACK_LANGUAGE}:
 * the hotel's override ({@code <dir>/<tenant>/<hotelCode>/}), the tenant's ({@code <dir>/<tenant>/}), the built-in
 * one (class path {@code journey-templates/}: EN, FR, DE). What was used is told in the result ({@link Rendered#language()},
 * {@link Rendered#source()}, whether it fell back) so the mail can say it (Content-Language). Tenant and hotel codes
 * that are not plain names ({@code [A-Za-z0-9_-]}) are never used as paths. Override files are re-read when they change.
 * Rendered texts hold guest data: never log them.
 */
public final class MessageTemplates {

    public static final String FALLBACK_LANGUAGE = "en";
    public static final List<String> BUILT_IN_LANGUAGES = List.of("en", "fr", "de");
    private static final String CLASS_PATH_ROOT = "journey-templates/";
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern TEMPLATE_NAME = Pattern.compile("[a-z0-9_]{1,60}");

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(MessageTemplates.class);

    private final Engine engine = Engine.builder().addDefaults()
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .build();
    private final Optional<Path> overrides;
    private final Map<String, Optional<Template>> builtIn = new ConcurrentHashMap<>();
    private final Map<Path, Loaded> files = new ConcurrentHashMap<>();
    private final Template layout;
    private final java.util.function.Function<Key, List<String>> defaultLanguages;

    /** @param overrideDirectory the root of the tenants' and hotels' templates, if any */
    public MessageTemplates(Optional<Path> overrideDirectory) {
        this(overrideDirectory, key -> List.of());
    }

    /**
     * @param overrideDirectory the root of the tenants' and hotels' templates, if any
     * @param defaultLanguages  the languages to try after the guest's, most specific first (the hotel's default
     *                          language, then the tenant's), before {@link #FALLBACK_LANGUAGE}
     */
    public MessageTemplates(Optional<Path> overrideDirectory,
                            java.util.function.Function<Key, List<String>> defaultLanguages) {
        this.defaultLanguages = Objects.requireNonNull(defaultLanguages, "defaultLanguages");
        this.overrides = Objects.requireNonNull(overrideDirectory, "overrideDirectory");
        this.layout = builtIn("layout.html").orElseThrow(() -> new IllegalStateException(
                "the built-in template " + CLASS_PATH_ROOT + "layout.html is missing"));
    }

    /** Who the message is for: its tenant and hotel (for overrides) and the template's name (the step, lower-case). */
    public record Key(String tenant, String hotelCode, String name) {
        public Key {
            Objects.requireNonNull(name, "name");
            if (!TEMPLATE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a template name: " + name);
            }
        }
    }

    /**
     * A rendered message: subject, text, HTML (null for an SMS), the language used, where its template came from
     * ({@code hotel}, {@code tenant} or {@code built-in}) and the language asked for when it fell back (else null).
     */
    public record Rendered(String subject, String text, String html, String language, String source,
                           String fallbackFrom) {
        public boolean fellBack() {
            return fallbackFrom != null;
        }
    }

    /** The language tag's primary language in lower case ({@code de-CH} -> {@code de}); empty for none. */
    public static Optional<String> languageOf(String languageTag) {
        if (languageTag == null || languageTag.isBlank()) {
            return Optional.empty();
        }
        String language = Locale.forLanguageTag(languageTag.strip().replace('_', '-')).getLanguage();
        return language.isEmpty() || !PLAIN_NAME.matcher(language).matches() ? Optional.empty()
                : Optional.of(language.toLowerCase(Locale.ROOT));
    }

    /** The e-mail of {@code key} in the guest's language ({@code languageTag}), values given per language. */
    public Rendered email(Key key, String languageTag, java.util.function.Function<String, Map<String, Object>> values) {
        Resolved resolved = resolve(key, languageTag, "text");
        Map<String, Object> data = values.apply(resolved.language());
        String subject = fragment(resolved, "subject", data).replaceAll("\\s+", " ").strip();
        String text = fragment(resolved, "text", data).strip() + "\n";
        String html;
        if (resolved.html() != null) {
            html = resolved.html().data(data).render();
        } else {
            Map<String, Object> page = new HashMap<>();
            page.put("language", resolved.language());
            page.put("paragraphs", paragraphsOf(text));
            html = layout.data(page).render();
        }
        return new Rendered(subject, text, html, resolved.language(), resolved.source(), resolved.fallbackFrom());
    }

    /** The SMS text of {@code key} (fragment {@code sms}), in the guest's language or the fallback chain's. */
    public Rendered sms(Key key, String languageTag, java.util.function.Function<String, Map<String, Object>> values) {
        Resolved resolved = resolve(key, languageTag, "sms");
        Map<String, Object> data = values.apply(resolved.language());
        String text = fragment(resolved, "sms", data).replaceAll("\\s+", " ").strip();
        return new Rendered(null, text, null, resolved.language(), resolved.source(), resolved.fallbackFrom());
    }

    /**
     * Whether {@code name} is a template name ({@code [a-z0-9_]{1,60}}, the file names' form).
     */
    public static boolean isTemplateName(String name) {
        return name != null && TEMPLATE_NAME.matcher(name).matches();
    }

    /**
     * Where the e-mail template of {@code key} comes from for a guest of no known language (the end of the chain: the
     * hotel's or tenant's default language, then EN): {@code hotel}, {@code tenant} or {@code built-in}; empty when
     * the chain holds none with a subject and a text. With {@code value}: also empty when that template's text does
     * not use {@code value} (e.g. the unsubscribe link).
     */
    public Optional<String> emailTemplateSource(Key key, String value) {
        Resolved resolved;
        try {
            resolved = resolve(key, null, "text");
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
        if (value != null && resolved.text().findExpression(e -> usesValue(e, value)) == null) {
            return Optional.empty();
        }
        return Optional.of(resolved.source());
    }

    /**
     * The problem of an inline template (a campaign's own subject, text or HTML), or empty when it parses, uses only
     * {@code values} and (when {@code required} is not null) uses {@code required}. Says the line, never renders it.
     */
    public Optional<String> inlineProblem(String source, boolean html, java.util.Set<String> values, String required) {
        Template template;
        try {
            template = html ? engine.parse(source, Variant.forContentType(Variant.TEXT_HTML)) : engine.parse(source);
        } catch (io.quarkus.qute.TemplateException e) {
            String line = e.getOrigin() == null ? "" : " at line " + e.getOrigin().getLine();
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return Optional.of("is not a valid Qute template" + line + ": "
                    + (message.length() > 200 ? message.substring(0, 199) + "…" : message));
        }
        for (io.quarkus.qute.Expression expression : template.getExpressions()) {
            if (expression.isLiteral() || expression.hasNamespace() || expression.getParts().isEmpty()) {
                continue;
            }
            String name = expression.getParts().getFirst().getName();
            if (!values.contains(name)) {
                return Optional.of("uses {" + expression.toOriginalString() + "}: the values are "
                        + String.join(", ", new java.util.TreeSet<>(values)));
            }
        }
        if (required != null && template.findExpression(e -> usesValue(e, required)) == null) {
            return Optional.of("must contain the unsubscribe link {" + required + "}");
        }
        return Optional.empty();
    }

    private static boolean usesValue(io.quarkus.qute.Expression expression, String value) {
        return !expression.isLiteral() && !expression.hasNamespace() && !expression.getParts().isEmpty()
                && value.equals(expression.getParts().getFirst().getName());
    }

    /**
     * An e-mail from inline templates (a campaign's own): {@code html} null = the text's paragraphs in the built-in
     * layout. Parsed once per content (bounded cache). {@code language} is what the content is written in (may be
     * null: not said); source {@code inline}.
     */
    public Rendered inline(String subject, String text, String html, String language, Map<String, Object> values) {
        String renderedSubject = inlineTemplate(subject, false).data(values).render().replaceAll("\\s+", " ").strip();
        String renderedText = inlineTemplate(text, false).data(values).render().strip() + "\n";
        String renderedHtml;
        if (html != null) {
            renderedHtml = inlineTemplate(html, true).data(values).render();
        } else {
            Map<String, Object> page = new HashMap<>();
            page.put("language", language == null ? FALLBACK_LANGUAGE : language);
            page.put("paragraphs", paragraphsOf(renderedText));
            renderedHtml = layout.data(page).render();
        }
        return new Rendered(renderedSubject, renderedText, renderedHtml, language, "inline", null);
    }

    private final Map<String, Template> inline = new ConcurrentHashMap<>();

    private Template inlineTemplate(String source, boolean html) {
        String key = (html ? "h:" : "t:") + source;
        Template template = inline.get(key);
        if (template == null) {
            if (inline.size() > 500) {
                inline.clear();
            }
            template = html ? engine.parse(source, Variant.forContentType(Variant.TEXT_HTML)) : engine.parse(source);
            inline.put(key, template);
        }
        return template;
    }

    /** Whether the built-in template {@code name} has the fragment {@code fragment} in every built-in language. */
    public boolean builtInHas(String name, String fragment) {
        for (String language : BUILT_IN_LANGUAGES) {
            Optional<Template> template = builtIn(name + "." + language + ".txt");
            if (template.isEmpty() || template.get().getFragment(fragment) == null) {
                return false;
            }
        }
        return true;
    }

    private String fragment(Resolved resolved, String id, Map<String, Object> data) {
        Template.Fragment fragment = resolved.text().getFragment(id);
        if (fragment == null) {
            throw new IllegalStateException("template " + resolved.source() + " " + resolved.name()
                    + " has no fragment '" + id + "'");
        }
        return fragment.data(data).render();
    }

    private record Resolved(String name, Template text, Template html, String language, String source,
                            String fallbackFrom) {
    }

    /**
     * The first template of the chain that has the fragments {@code subject} (for e-mails) and {@code part}: an override
     * without them (or that does not parse) is passed over, so a bad override never stops a message.
     */
    private Resolved resolve(Key key, String languageTag, String part) {
        Optional<String> asked = languageOf(languageTag);
        List<String> languages = new ArrayList<>();
        asked.ifPresent(languages::add);
        for (String tag : defaultLanguages.apply(key)) {
            languageOf(tag).filter(language -> !languages.contains(language)).ifPresent(languages::add);
        }
        if (!languages.contains(FALLBACK_LANGUAGE)) {
            languages.add(FALLBACK_LANGUAGE);
        }
        for (String language : languages) {
            String base = key.name() + "." + language;
            for (Level level : overrideLevels(key)) {
                Optional<Template> text = file(level.directory().resolve(base + ".txt"), null);
                if (text.isPresent() && has(text.get(), part)) {
                    Template html = file(level.directory().resolve(base + ".html"), Variant.TEXT_HTML).orElse(null);
                    return new Resolved(base, text.get(), html, language, level.source(), fallback(asked, language));
                }
            }
            Optional<Template> text = builtIn(base + ".txt");
            if (text.isPresent() && has(text.get(), part)) {
                Template html = builtIn(base + ".html").orElse(null);
                return new Resolved(base, text.get(), html, language, "built-in", fallback(asked, language));
            }
        }
        throw new IllegalStateException("no template " + key.name() + " with a '" + part + "' part in "
                + FALLBACK_LANGUAGE);
    }

    private static boolean has(Template template, String part) {
        return template.getFragment(part) != null && ("sms".equals(part) || template.getFragment("subject") != null);
    }

    /** The language asked for when another was used; null when it was used or none was asked for. */
    private static String fallback(Optional<String> asked, String used) {
        return asked.isPresent() && !asked.get().equals(used) ? asked.get() : null;
    }

    private record Level(String source, Path directory) {
    }

    /** The hotel's and the tenant's override directories (most specific first), for plain names only. */
    private List<Level> overrideLevels(Key key) {
        if (overrides.isEmpty() || key.tenant() == null || !PLAIN_NAME.matcher(key.tenant()).matches()) {
            return List.of();
        }
        Path tenant = overrides.get().resolve(key.tenant());
        if (key.hotelCode() != null && PLAIN_NAME.matcher(key.hotelCode()).matches()) {
            return List.of(new Level("hotel", tenant.resolve(key.hotelCode())), new Level("tenant", tenant));
        }
        return List.of(new Level("tenant", tenant));
    }

    private Optional<Template> builtIn(String name) {
        return builtIn.computeIfAbsent(name, n -> {
            try (InputStream in = MessageTemplates.class.getClassLoader().getResourceAsStream(CLASS_PATH_ROOT + n)) {
                if (in == null) {
                    return Optional.empty();
                }
                String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return Optional.of(n.endsWith(".html") ? engine.parse(content, Variant.forContentType(Variant.TEXT_HTML))
                        : engine.parse(content));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the built-in template " + n, e);
            }
        });
    }

    private record Loaded(FileTime modified, Template template) {
    }

    private Optional<Template> file(Path path, String contentType) {
        if (!Files.isRegularFile(path)) {
            files.remove(path);
            return Optional.empty();
        }
        try {
            FileTime modified = Files.getLastModifiedTime(path);
            Loaded loaded = files.get(path);
            if (loaded == null || !loaded.modified().equals(modified)) {
                String content = Files.readString(path, StandardCharsets.UTF_8);
                Template template;
                try {
                    template = contentType == null ? engine.parse(content)
                            : engine.parse(content, Variant.forContentType(contentType));
                } catch (io.quarkus.qute.TemplateException e) {
                    // A broken override is passed over (the next in the chain is used), said once per version.
                    LOG.warnf("Template %s does not parse (%s); the next template of the chain is used.", path,
                            e.getMessage());
                    template = null;
                }
                loaded = new Loaded(modified, template);
                files.put(path, loaded);
            }
            return Optional.ofNullable(loaded.template());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the template " + path, e);
        }
    }

    /** The text's paragraphs (separated by blank lines), each as its lines. */
    static List<List<String>> paragraphsOf(String text) {
        List<List<String>> paragraphs = new ArrayList<>();
        for (String block : text.strip().split("\\n\\s*\\n")) {
            List<String> lines = block.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (!lines.isEmpty()) {
                paragraphs.add(lines);
            }
        }
        return paragraphs;
    }
}
