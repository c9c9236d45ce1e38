package org.guestcrm.journey.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A guest's answer to the post-stay survey, read from the page's form fields and checked: {@code score} (the Net
 * Promoter question, 0-10, required), {@code rating.<aspect>} (optional, 1-5, only the hotel's aspects) and
 * {@code comment} (optional, at most {@link #MAX_COMMENT} characters). What is wrong is told per field, by the field's
 * name and a message key ({@code required}, {@code score-range}, {@code rating-range}, {@code unknown-aspect},
 * {@code comment-length}) that the page translates; never the value.
 */
public record SurveyAnswer(int score, Map<String, Integer> ratings, String comment) {

    public static final int MAX_COMMENT = 2000;
    public static final String SCORE = "score";
    public static final String RATING_PREFIX = "rating.";
    public static final String COMMENT = "comment";

    public SurveyAnswer {
        ratings = Collections.unmodifiableMap(new LinkedHashMap<>(ratings));
    }

    /** The answer, or the fields in error (field name -> message key) in the order of the form. */
    public sealed interface Reading permits Valid, Invalid {
    }

    public record Valid(SurveyAnswer answer) implements Reading {
    }

    public record Invalid(Map<String, String> errors) implements Reading {
    }

    /**
     * Reads the submitted form ({@code fields}: name -> the values sent) against the hotel's {@code aspects}. Fields
     * of the page itself ({@code lang}) and others not starting with {@code rating.} are ignored; a {@code rating.x}
     * for an aspect the hotel does not ask about is an error naming that field.
     */
    public static Reading read(Map<String, List<String>> fields, List<String> aspects, Set<String> ignored) {
        Map<String, String> errors = new LinkedHashMap<>();
        Integer score = null;
        String scoreText = single(fields, SCORE);
        if (scoreText == null || scoreText.isBlank()) {
            errors.put(SCORE, "required");
        } else {
            Integer parsed = number(scoreText);
            if (parsed == null || parsed < 0 || parsed > 10) {
                errors.put(SCORE, "score-range");
            } else {
                score = parsed;
            }
        }
        Map<String, Integer> ratings = new LinkedHashMap<>();
        for (String aspect : aspects) {
            String text = single(fields, RATING_PREFIX + aspect);
            if (text == null || text.isBlank()) {
                continue;
            }
            Integer rating = number(text);
            if (rating == null || rating < 1 || rating > 5) {
                errors.put(RATING_PREFIX + aspect, "rating-range");
            } else {
                ratings.put(aspect, rating);
            }
        }
        fields.keySet().stream()
                .filter(name -> name.startsWith(RATING_PREFIX))
                .filter(name -> !aspects.contains(name.substring(RATING_PREFIX.length())))
                .sorted()
                .forEach(name -> errors.put(name, "unknown-aspect"));
        String comment = single(fields, COMMENT);
        if (comment != null) {
            comment = comment.replace("\r\n", "\n").strip();
            if (comment.codePointCount(0, comment.length()) > MAX_COMMENT) {
                errors.put(COMMENT, "comment-length");
            } else if (comment.isEmpty()) {
                comment = null;
            }
        }
        for (String name : fields.keySet()) {
            if (!ignored.contains(name) && !name.startsWith(RATING_PREFIX) && !SCORE.equals(name)
                    && !COMMENT.equals(name)) {
                // Anything else is not ours to store; it is neither an error nor kept.
                continue;
            }
            List<String> values = fields.get(name);
            if (values != null && values.size() > 1 && !ignored.contains(name)) {
                errors.putIfAbsent(name, "single-value");
            }
        }
        if (!errors.isEmpty()) {
            return new Invalid(errors);
        }
        return new Valid(new SurveyAnswer(score, ratings, comment));
    }

    private static String single(Map<String, List<String>> fields, String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static Integer number(String text) {
        String stripped = text.strip();
        if (!stripped.matches("-?[0-9]{1,3}")) {
            return null;
        }
        return Integer.parseInt(stripped);
    }
}
