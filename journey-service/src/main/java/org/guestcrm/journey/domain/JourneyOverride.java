package org.guestcrm.journey.domain;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tenant's or a hotel's own journey settings (issue 9, set through the API): each field null when inherited (from the
 * tenant, else the properties). Read from a JSON object given as plain maps ({@link #read}), which names every field
 * that is not right.
 */
public record JourneyOverride(Map<JourneyStep, StepOverride> steps, Integer inStayMinimumNights, String quietHours,
                              String noShowCutoff, String language) {

    /** A step's own timing: days from its anchor (arrival, or departure for the survey), local time, late policy, window. */
    public record StepOverride(Integer days, LocalTime at, StepFreshness.LateBooking lateBooking, Duration freshness) {
    }

    /** A field that is not right, by its JSON path ({@code steps.preStay.at}). */
    public record Invalid(String field, String reason) {
    }

    /** Thrown by {@link #read} with every invalid field. */
    public static final class InvalidOverrideException extends IllegalArgumentException {
        private final List<Invalid> invalid;

        public InvalidOverrideException(List<Invalid> invalid) {
            super("invalid journey settings: " + String.join(", ", invalid.stream().map(Invalid::field).toList()));
            this.invalid = List.copyOf(invalid);
        }

        public List<Invalid> invalid() {
            return invalid;
        }
    }

    public static final JourneyOverride NONE = new JourneyOverride(Map.of(), null, null, null, null);

    /** A default language: an ISO 639 code of two or three letters (stored in lower case). */
    private static final java.util.regex.Pattern LANGUAGE = java.util.regex.Pattern.compile("[A-Za-z]{2,3}");

    /** The JSON names of the steps, with the name of their days field and its allowed range. */
    private record StepField(JourneyStep step, String name, String daysField, int min, int max) {
    }

    private static final List<StepField> STEPS = List.of(
            new StepField(JourneyStep.PRE_STAY, "preStay", "daysFromArrival", -60, -1),
            new StepField(JourneyStep.PRE_CHECK_IN, "preCheckIn", "daysFromArrival", -14, 0),
            new StepField(JourneyStep.IN_STAY, "inStay", "daysFromArrival", 0, 30),
            new StepField(JourneyStep.POST_STAY_SURVEY, "postStaySurvey", "daysFromDeparture", 0, 60),
            new StepField(JourneyStep.NO_SHOW, "noShow", "daysFromArrival", 0, 7));
    private static final Duration MIN_WINDOW = Duration.ofHours(1);
    private static final Duration MAX_WINDOW = Duration.ofDays(30);

    /** Reads {@code json} (a JSON object as maps, lists, strings, numbers); every bad field is named at once. */
    public static JourneyOverride read(Object json) {
        List<Invalid> invalid = new ArrayList<>();
        if (!(json instanceof Map<?, ?> body)) {
            throw new InvalidOverrideException(List.of(new Invalid("body", "must be a JSON object")));
        }
        unknown(body, Set.of("steps", "quietHours", "noShowCutoff", "language"), "", invalid);
        Map<JourneyStep, StepOverride> steps = new LinkedHashMap<>();
        Integer minimumNights = null;
        Object stepsJson = body.get("steps");
        if (stepsJson != null && !(stepsJson instanceof Map<?, ?>)) {
            invalid.add(new Invalid("steps", "must be a JSON object"));
        } else if (stepsJson instanceof Map<?, ?> stepsBody) {
            unknown(stepsBody, Set.copyOf(STEPS.stream().map(StepField::name).toList()), "steps.", invalid);
            for (StepField field : STEPS) {
                Object stepJson = stepsBody.get(field.name());
                String path = "steps." + field.name();
                if (stepJson == null) {
                    continue;
                }
                if (!(stepJson instanceof Map<?, ?> step)) {
                    invalid.add(new Invalid(path, "must be a JSON object"));
                    continue;
                }
                Set<String> known = field.step() == JourneyStep.IN_STAY
                        ? Set.of(field.daysField(), "at", "lateBooking", "freshness", "minimumNights")
                        : Set.of(field.daysField(), "at", "lateBooking", "freshness");
                unknown(step, known, path + ".", invalid);
                Integer days = integer(step.get(field.daysField()), path + "." + field.daysField(), field.min(),
                        field.max(), invalid);
                LocalTime at = time(step.get("at"), path + ".at", invalid);
                StepFreshness.LateBooking late = lateBooking(step.get("lateBooking"), path + ".lateBooking", invalid);
                Duration window = window(step.get("freshness"), path + ".freshness", invalid);
                if (field.step() == JourneyStep.IN_STAY) {
                    minimumNights = integer(step.get("minimumNights"), path + ".minimumNights", 1, 30, invalid);
                }
                steps.put(field.step(), new StepOverride(days, at, late, window));
            }
        }
        String quiet = text(body.get("quietHours"), "quietHours", invalid);
        if (quiet != null) {
            try {
                quiet = QuietHours.parse(quiet).toString();
            } catch (IllegalArgumentException e) {
                invalid.add(new Invalid("quietHours", "must be HH:mm-HH:mm (local time, may cross midnight) or none"));
            }
        }
        String cutoff = text(body.get("noShowCutoff"), "noShowCutoff", invalid);
        if (cutoff != null) {
            try {
                cutoff = NoShowCutoff.parse(cutoff).map(NoShowCutoff::toString).orElse("none");
            } catch (IllegalArgumentException e) {
                invalid.add(new Invalid("noShowCutoff", e.getMessage()));
            }
        }
        String language = text(body.get("language"), "language", invalid);
        if (language != null) {
            if (LANGUAGE.matcher(language).matches()) {
                language = language.toLowerCase(java.util.Locale.ROOT);
            } else {
                invalid.add(new Invalid("language", "must be an ISO 639 language code of 2 or 3 letters (e.g. de)"));
            }
        }
        if (!invalid.isEmpty()) {
            throw new InvalidOverrideException(invalid);
        }
        return new JourneyOverride(Map.copyOf(steps), minimumNights, quiet, cutoff, language);
    }

    /** This override over {@code base}: each field set here replaces the base's. */
    public JourneySchedule over(JourneySchedule base) {
        Freshness f = base.freshness();
        return new JourneySchedule(
                timing(JourneyStep.PRE_STAY, base.preStay()), timing(JourneyStep.PRE_CHECK_IN, base.preCheckIn()),
                timing(JourneyStep.IN_STAY, base.inStay()), timing(JourneyStep.POST_STAY_SURVEY, base.postStaySurvey()),
                inStayMinimumNights != null ? inStayMinimumNights : base.inStayMinimumNights(),
                new Freshness(f.confirmationWindow(), freshness(JourneyStep.PRE_STAY, f.preStay()),
                        freshness(JourneyStep.PRE_CHECK_IN, f.preCheckIn()), freshness(JourneyStep.IN_STAY, f.inStay()),
                        freshness(JourneyStep.POST_STAY_SURVEY, f.postStaySurvey()),
                        freshness(JourneyStep.NO_SHOW, f.noShow())),
                timing(JourneyStep.NO_SHOW, base.noShow()));
    }

    /** As JSON-ready maps (only the fields set), the stored form and what GET shows as the override. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> stepsJson = new LinkedHashMap<>();
        for (StepField field : STEPS) {
            StepOverride step = steps.get(field.step());
            Map<String, Object> stepJson = new LinkedHashMap<>();
            if (step != null) {
                putIf(stepJson, field.daysField(), step.days());
                putIf(stepJson, "at", step.at() == null ? null : step.at().toString());
                putIf(stepJson, "lateBooking", step.lateBooking() == null ? null : step.lateBooking().name());
                putIf(stepJson, "freshness", step.freshness() == null ? null : step.freshness().toString());
            }
            if (field.step() == JourneyStep.IN_STAY) {
                putIf(stepJson, "minimumNights", inStayMinimumNights);
            }
            if (!stepJson.isEmpty()) {
                stepsJson.put(field.name(), stepJson);
            }
        }
        if (!stepsJson.isEmpty()) {
            json.put("steps", stepsJson);
        }
        putIf(json, "quietHours", quietHours);
        putIf(json, "noShowCutoff", noShowCutoff);
        putIf(json, "language", language);
        return json;
    }

    /** A schedule, quiet hours and cut-off in full, in the JSON form of {@link #read}. */
    public static Map<String, Object> effectiveJson(JourneySchedule schedule, QuietHours quiet, String cutoff) {
        return effectiveJson(schedule, quiet, cutoff, null);
    }

    /** As {@link #effectiveJson(JourneySchedule, QuietHours, String)} with the default language ({@code en} if none). */
    public static Map<String, Object> effectiveJson(JourneySchedule schedule, QuietHours quiet, String cutoff,
                                                    String language) {
        Map<String, Object> stepsJson = new LinkedHashMap<>();
        for (StepField field : STEPS) {
            StepTiming timing = switch (field.step()) {
                case PRE_STAY -> schedule.preStay();
                case PRE_CHECK_IN -> schedule.preCheckIn();
                case IN_STAY -> schedule.inStay();
                case POST_STAY_SURVEY -> schedule.postStaySurvey();
                default -> schedule.noShow();
            };
            StepFreshness freshness = schedule.freshness().of(field.step());
            Map<String, Object> stepJson = new LinkedHashMap<>();
            stepJson.put(field.daysField(), timing.dayOffset());
            stepJson.put("at", timing.localTime().toString());
            stepJson.put("lateBooking", freshness.lateBooking().name());
            stepJson.put("freshness", freshness.window().toString());
            if (field.step() == JourneyStep.IN_STAY) {
                stepJson.put("minimumNights", schedule.inStayMinimumNights());
            }
            stepsJson.put(field.name(), stepJson);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("steps", stepsJson);
        json.put("quietHours", quiet.toString());
        json.put("noShowCutoff", cutoff);
        json.put("language", language == null ? "en" : language);
        return json;
    }

    private StepTiming timing(JourneyStep step, StepTiming base) {
        StepOverride own = steps.get(step);
        if (own == null || (own.days() == null && own.at() == null)) {
            return base;
        }
        return new StepTiming(base.anchor(), own.days() != null ? own.days() : base.dayOffset(),
                own.at() != null ? own.at() : base.localTime());
    }

    private StepFreshness freshness(JourneyStep step, StepFreshness base) {
        StepOverride own = steps.get(step);
        if (own == null || (own.lateBooking() == null && own.freshness() == null)) {
            return base;
        }
        return new StepFreshness(own.lateBooking() != null ? own.lateBooking() : base.lateBooking(),
                own.freshness() != null ? own.freshness() : base.window());
    }

    private static void putIf(Map<String, Object> json, String name, Object value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    private static void unknown(Map<?, ?> object, Set<String> known, String prefix, List<Invalid> invalid) {
        for (Object key : object.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                invalid.add(new Invalid(prefix + key, "is not a journey setting"));
            }
        }
    }

    private static Integer integer(Object value, String field, int min, int max, List<Invalid> invalid) {
        if (value == null) {
            return null;
        }
        if (value instanceof Integer number && number >= min && number <= max) {
            return number;
        }
        invalid.add(new Invalid(field, "must be a whole number from " + min + " to " + max));
        return null;
    }

    private static String text(Object value, String field, List<Invalid> invalid) {
        if (value == null) {
            return null;
        }
        if (value instanceof String text && text.length() <= 40) {
            return text;
        }
        invalid.add(new Invalid(field, "must be a string"));
        return null;
    }

    private static LocalTime time(Object value, String field, List<Invalid> invalid) {
        String text = text(value, field, invalid);
        if (text == null) {
            return null;
        }
        try {
            if (text.matches("\\d{2}:\\d{2}")) {
                return LocalTime.parse(text);
            }
        } catch (DateTimeParseException e) {
            // named below
        }
        invalid.add(new Invalid(field, "must be a local time HH:mm"));
        return null;
    }

    private static StepFreshness.LateBooking lateBooking(Object value, String field, List<Invalid> invalid) {
        String text = text(value, field, invalid);
        if (text == null) {
            return null;
        }
        for (StepFreshness.LateBooking policy : StepFreshness.LateBooking.values()) {
            if (policy.name().equals(text)) {
                return policy;
            }
        }
        invalid.add(new Invalid(field, "must be SKIP or SEND_NOW"));
        return null;
    }

    private static Duration window(Object value, String field, List<Invalid> invalid) {
        String text = text(value, field, invalid);
        if (text == null) {
            return null;
        }
        try {
            Duration window = Duration.parse(text);
            if (window.compareTo(MIN_WINDOW) >= 0 && window.compareTo(MAX_WINDOW) <= 0) {
                return window;
            }
        } catch (DateTimeParseException e) {
            // named below
        }
        invalid.add(new Invalid(field, "must be an ISO-8601 duration from PT1H to P30D (e.g. PT24H)"));
        return null;
    }
}
