package org.guestcrm.journey.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.guestcrm.journey.domain.SurveyAnswer;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;

/**
 * The HTML of the post-stay survey page (Qute templates {@code survey-page/survey.html} and {@code message.html},
 * every value HTML-escaped, texts from {@link SurveyTexts}): no script, plain form posts, labelled fields, errors named
 * per field in a summary and beside the field ({@code aria-invalid}, {@code aria-describedby}).
 */
final class SurveyPage {

    private static final Engine ENGINE = Engine.builder().addDefaults()
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML))).build();
    private static final Template FORM = load("survey.html");
    private static final Template MESSAGE = load("message.html");
    private static final int MAX_SHOWN_NAME = 60;

    private SurveyPage() {
    }

    /** What the form shows: the values entered (or stored), and the errors of a refused submit (field -> key). */
    record Form(String lang, String hotel, String action, List<String> aspects, String score,
                Map<String, String> ratings, String comment, Map<String, String> errors, Instant answeredAt,
                ZoneId zone) {
    }

    static String form(Form form) {
        return form(form, SurveyTexts.of(form.lang()));
    }

    /** The form with {@code words} (the language's texts, with the tenant's and hotel's overrides applied). */
    static String form(Form form, Map<String, String> words) {
        Map<String, String> t = texts(words, form.hotel());
        Map<String, Object> data = new HashMap<>();
        data.put("lang", form.lang());
        data.put("t", t);
        data.put("action", form.action());
        List<Map<String, Object>> languages = new ArrayList<>();
        for (String code : SurveyTexts.LANGUAGES) {
            languages.add(Map.of("code", code, "label", code.toUpperCase(Locale.ROOT), "current", code.equals(form.lang()),
                    "href", form.action() + "?lang=" + code));
        }
        data.put("languages", languages);
        data.put("answeredBefore", form.answeredAt() == null ? null
                : t.get("answeredBefore").replace("{date}", date(form.answeredAt(), form.zone(), form.lang())));
        data.put("submitLabel", form.answeredAt() == null ? t.get("submit") : t.get("submitChange"));
        List<Map<String, Object>> scores = new ArrayList<>();
        for (int value = 0; value <= 10; value++) {
            scores.add(Map.of("value", String.valueOf(value), "checked", String.valueOf(value).equals(form.score())));
        }
        data.put("scoreOptions", scores);
        Map<String, String> errors = form.errors();
        data.put("scoreError", message(t, errors.get(SurveyAnswer.SCORE)));
        data.put("commentError", message(t, errors.get(SurveyAnswer.COMMENT)));
        data.put("comment", form.comment() == null ? "" : form.comment());
        List<Map<String, Object>> aspects = new ArrayList<>();
        for (String aspect : form.aspects()) {
            String selected = form.ratings().get(aspect);
            List<Map<String, Object>> options = new ArrayList<>();
            for (int value = 1; value <= 5; value++) {
                options.add(Map.of("value", String.valueOf(value), "checked", String.valueOf(value).equals(selected)));
            }
            Map<String, Object> entry = new HashMap<>();
            entry.put("name", aspect);
            entry.put("label", aspectLabel(t, aspect));
            entry.put("options", options);
            entry.put("none", selected == null || selected.isBlank());
            entry.put("error", message(t, errors.get(SurveyAnswer.RATING_PREFIX + aspect)));
            aspects.add(entry);
        }
        data.put("aspects", aspects);
        List<Map<String, Object>> summary = new ArrayList<>();
        errors.forEach((field, key) -> summary.add(Map.of("field", shown(field), "anchor", anchorOf(field, form.aspects()),
                "label", fieldLabel(t, field, form.aspects()), "message", message(t, key))));
        data.put("errors", summary);
        return FORM.data(data).render();
    }

    /** A page that only says something (saved, expired, not valid, not found); with a link when {@code linkHref}. */
    static String message(String lang, String hotel, String titleKey, String textKey, Instant until, ZoneId zone,
                          String linkHref) {
        return message(lang, SurveyTexts.of(lang), hotel, titleKey, textKey, until, zone, linkHref);
    }

    /** As {@link #message(String, String, String, String, Instant, ZoneId, String)} with the hotel's own words. */
    static String message(String lang, Map<String, String> words, String hotel, String titleKey, String textKey,
                          Instant until, ZoneId zone, String linkHref) {
        Map<String, String> t = texts(words, hotel);
        Map<String, Object> data = new HashMap<>();
        data.put("lang", lang);
        data.put("title", t.get(titleKey));
        String text = t.get(textKey);
        data.put("text", until == null ? text : text.replace("{date}", date(until, zone, lang)));
        data.put("linkHref", linkHref);
        data.put("linkLabel", t.get("changeLink"));
        return MESSAGE.data(data).render();
    }

    private static Map<String, String> texts(Map<String, String> words, String hotel) {
        Map<String, String> texts = new HashMap<>(words);
        texts.replaceAll((key, text) -> text.replace("{hotel}", hotel == null ? "" : hotel));
        return texts;
    }

    private static String aspectLabel(Map<String, String> t, String aspect) {
        String label = t.get("aspect." + aspect);
        return label != null ? label : aspect.substring(0, 1).toUpperCase(Locale.ROOT) + aspect.substring(1);
    }

    private static String fieldLabel(Map<String, String> t, String field, List<String> aspects) {
        if (SurveyAnswer.SCORE.equals(field)) {
            return t.get("field.score") + " (" + field + ")";
        }
        if (SurveyAnswer.COMMENT.equals(field)) {
            return t.get("field.comment") + " (" + field + ")";
        }
        String aspect = field.substring(SurveyAnswer.RATING_PREFIX.length());
        if (aspects.contains(aspect)) {
            return t.get("field.rating").replace("{field}", aspectLabel(t, aspect)) + " (" + field + ")";
        }
        return t.get("field.unknown").replace("{field}", shown(field));
    }

    private static String anchorOf(String field, List<String> aspects) {
        if (field.startsWith(SurveyAnswer.RATING_PREFIX)) {
            String aspect = field.substring(SurveyAnswer.RATING_PREFIX.length());
            return aspects.contains(aspect) ? "rating-" + aspect : "ratings";
        }
        return field;
    }

    private static String shown(String field) {
        return field.length() <= MAX_SHOWN_NAME ? field : field.substring(0, MAX_SHOWN_NAME) + "...";
    }

    private static String message(Map<String, String> t, String key) {
        return key == null ? null : t.getOrDefault("error." + key, key);
    }

    private static String date(Instant instant, ZoneId zone, String lang) {
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.forLanguageTag(lang))
                .format(instant.atZone(zone));
    }

    private static Template load(String name) {
        String path = "survey-page/" + name;
        try (InputStream in = SurveyPage.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("The page template " + path + " is missing from the class path");
            }
            return ENGINE.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    Variant.forContentType(Variant.TEXT_HTML));
        } catch (IOException e) {
            throw new UncheckedIOException("The page template " + path + " cannot be read", e);
        }
    }
}
