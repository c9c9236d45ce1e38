package org.guestcrm.profile.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Survivorship, declared in one place: for every field of the golden record, which source profile's value survives.
 * Every field is decided by the same three criteria, in this order:
 * <ol>
 *   <li>trust of the source ({@link SourceTrust}: direct booking and loyalty account, then front desk, then OTA);</li>
 *   <li>validity of the value ({@link Validity}: an {@code INVALID} value never survives, a {@code WEAK} one only when
 *       no source of the same trust has a {@code GOOD} one);</li>
 *   <li>recency (the source state's effective time, newest first).</li>
 * </ol>
 * What "valid" means is declared per field in {@link #RULES}. Contact points are not chosen but kept as sets
 * ({@link GoldenRecordComposer}); the primary one is chosen by the same three criteria among the addresses fit for
 * marketing.
 */
public final class Survivorship {

    private Survivorship() {
    }

    /** The fields decided by survivorship. */
    public enum Field { TITLE, FIRST_NAME, LAST_NAME, BIRTH_DATE, LANGUAGE, NATIONALITY, COMPANY_NAME }

    /** How usable a value is. */
    public enum Validity { INVALID, WEAK, GOOD }

    /** A field's value in one source profile and how valid it is (today's date for the plausibility of dates). */
    record Rule<T>(Function<SourceProfileSnapshot, T> value, BiFunction<T, LocalDate, Validity> validity) {
    }

    /** Names staff type when they do not know one. */
    private static final Set<String> PLACEHOLDER_NAMES = Set.of("xxx", "xx", "x", "n/a", "na", "nn", "unknown",
            "guest", "tba", "tbd", "-", ".", "?", "none", "test", "mr", "mrs", "ms", "inconnu", "unbekannt", "gast");

    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    /** The rules, per field. */
    static final Map<Field, Rule<?>> RULES = rules();

    private static Map<Field, Rule<?>> rules() {
        Map<Field, Rule<?>> rules = new EnumMap<>(Field.class);
        rules.put(Field.TITLE, new Rule<>(SourceProfileSnapshot::title, (v, today) -> text(v)));
        rules.put(Field.FIRST_NAME, new Rule<>(SourceProfileSnapshot::firstName, (v, today) -> name(v)));
        rules.put(Field.LAST_NAME, new Rule<>(SourceProfileSnapshot::lastName, (v, today) -> name(v)));
        rules.put(Field.BIRTH_DATE, new Rule<>(SourceProfileSnapshot::birthDate, Survivorship::birthDate));
        rules.put(Field.LANGUAGE, new Rule<>(SourceProfileSnapshot::language, (v, today) -> language(v)));
        rules.put(Field.NATIONALITY, new Rule<>(SourceProfileSnapshot::nationality, (v, today) -> country(v)));
        rules.put(Field.COMPANY_NAME, new Rule<>(SourceProfileSnapshot::companyName, (v, today) -> text(v)));
        return rules;
    }

    /** The order of the criteria, for ranking any candidate (a field's value or a contact point). */
    static <C> Comparator<C> byTrustValidityRecency(Function<C, SourceTrust> trust, Function<C, Validity> validity,
            Function<C, Instant> seenAt) {
        return Comparator.comparing((C c) -> trust.apply(c).rank()).reversed()
                .thenComparing(Comparator.comparing(validity).reversed())
                .thenComparing(Comparator.comparing(seenAt).reversed());
    }

    /** The surviving value of a field among the (active) sources, with where it came from. */
    @SuppressWarnings("unchecked")
    static <T> Optional<Survivor<T>> decide(Field field, List<SourceProfileSnapshot> sources, LocalDate today) {
        Rule<T> rule = (Rule<T>) RULES.get(field);
        return sources.stream()
                .map(s -> {
                    T value = rule.value().apply(s);
                    Validity validity = value == null ? Validity.INVALID : rule.validity().apply(value, today);
                    return new Survivor<>(value, new GoldenRecord.FieldSource(s.key(), s.trust(), validity,
                            s.version().effectiveAt()));
                })
                .filter(c -> c.source().validity() != Validity.INVALID)
                .sorted(byTrustValidityRecency((Survivor<T> c) -> c.source().trust(), c -> c.source().validity(),
                        c -> c.source().seenAt()))
                .findFirst();
    }

    record Survivor<T>(T value, GoldenRecord.FieldSource source) {
    }

    /**
     * The guest's preferences: per key ({@link Preferences}: category and optional code), the value of the source
     * that ranks first by the same criteria (trust, validity, recency; a kept value is never blank, so validity is
     * GOOD), with where it came from. The union over the active sources: a key only a less trusted source holds still
     * survives from it. Bounded to {@link Preferences#MAX_ENTRIES} keys: when more survive, those whose sources rank
     * first are kept (ties by key).
     */
    static java.util.SortedMap<String, Survivor<String>> preferences(List<SourceProfileSnapshot> sources) {
        Comparator<Survivor<String>> rank = byTrustValidityRecency((Survivor<String> c) -> c.source().trust(),
                c -> c.source().validity(), c -> c.source().seenAt());
        Map<String, Survivor<String>> best = new java.util.HashMap<>();
        for (SourceProfileSnapshot s : sources) {
            s.preferences().forEach((key, value) -> {
                Survivor<String> candidate = new Survivor<>(value, new GoldenRecord.FieldSource(s.key(), s.trust(),
                        text(value), s.version().effectiveAt()));
                if (candidate.source().validity() == Validity.INVALID) {
                    return;
                }
                best.merge(key, candidate, (held, other) -> rank.compare(other, held) < 0
                        || rank.compare(other, held) == 0 && other.value().compareTo(held.value()) < 0 ? other : held);
            });
        }
        java.util.SortedMap<String, Survivor<String>> kept = new java.util.TreeMap<>();
        best.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Survivor<String>> e) -> e.getValue(), rank)
                        .thenComparing(Map.Entry::getKey))
                .limit(Preferences.MAX_ENTRIES)
                .forEach(e -> kept.put(e.getKey(), e.getValue()));
        return kept;
    }

    static Validity text(String value) {
        return value == null || value.isBlank() ? Validity.INVALID : Validity.GOOD;
    }

    /** A name: no letters or a placeholder is invalid; an initial or one in capitals only is weak. */
    static Validity name(String value) {
        if (value == null || value.isBlank()) {
            return Validity.INVALID;
        }
        String trimmed = value.trim();
        if (PLACEHOLDER_NAMES.contains(trimmed.toLowerCase(Locale.ROOT)) || trimmed.codePoints().noneMatch(Character::isLetter)) {
            return Validity.INVALID;
        }
        String letters = trimmed.replaceAll("[^\\p{L}]", "");
        if (letters.length() <= 1) {
            return Validity.WEAK;
        }
        boolean allCaps = letters.equals(letters.toUpperCase(Locale.ROOT)) && !letters.equals(letters.toLowerCase(Locale.ROOT));
        return allCaps ? Validity.WEAK : Validity.GOOD;
    }

    /** A birth date after today or before 1900 is impossible; the 1st of January is the usual placeholder (weak). */
    static Validity birthDate(LocalDate value, LocalDate today) {
        if (value == null || value.isAfter(today) || value.isBefore(LocalDate.of(1900, 1, 1))) {
            return Validity.INVALID;
        }
        return value.getMonthValue() == 1 && value.getDayOfMonth() == 1 ? Validity.WEAK : Validity.GOOD;
    }

    /** A BCP 47 tag with a language subtag. */
    static Validity language(String value) {
        if (value == null || value.isBlank()) {
            return Validity.INVALID;
        }
        Locale locale = Locale.forLanguageTag(value.trim().replace('_', '-'));
        return locale.getLanguage().isEmpty() ? Validity.INVALID : Validity.GOOD;
    }

    /** An ISO 3166-1 alpha-2 country. */
    static Validity country(String value) {
        return value != null && COUNTRIES.contains(value.trim().toUpperCase(Locale.ROOT)) ? Validity.GOOD : Validity.INVALID;
    }
}
