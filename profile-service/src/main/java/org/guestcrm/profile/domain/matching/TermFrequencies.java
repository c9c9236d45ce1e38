package org.guestcrm.profile.domain.matching;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * How often each given name, surname and city occurs among a tenant's profiles, for the term-frequency adjustment of
 * {@link MatchModel}: two records agreeing on a name that one profile in a thousand carries is weaker evidence than two
 * agreeing on one in a million. Counted incrementally (a stored profile's values added, a changed profile's old values
 * removed), never recomputed over the whole tenant.
 *
 * <p>The frequency used is smoothed toward the model's own u-probability of the level ({@code prior}) with the weight
 * of {@link #PRIOR_RECORDS} records: a tenant with few profiles matches as without the adjustment, and the data takes
 * over as it grows.
 */
public final class TermFrequencies {

    /** The fields counted. */
    public enum Field {
        GIVEN_NAME("g"), SURNAME("s"), CITY("c");

        private final String code;

        Field(String code) {
            this.code = code;
        }

        /** The short code stored with the counts. */
        public String code() {
            return code;
        }
    }

    /** How many records' worth of weight the model's prior frequency has against the tenant's counts. */
    public static final double PRIOR_RECORDS = 500;

    private final boolean enabled;
    private final Map<Field, Map<String, Long>> counts = new EnumMap<>(Field.class);
    private final Map<Field, Long> totals = new EnumMap<>(Field.class);
    private final Map<Field, Map<String, Long>> changes = new EnumMap<>(Field.class);

    private TermFrequencies(boolean enabled) {
        this.enabled = enabled;
        for (Field f : Field.values()) {
            counts.put(f, new HashMap<>());
            totals.put(f, 0L);
            changes.put(f, new HashMap<>());
        }
    }

    /** Counts that start empty (or are loaded with {@link #load}) and grow with {@link #add}. */
    public static TermFrequencies counting() {
        return new TermFrequencies(true);
    }

    /** No adjustment: every frequency is the model's prior (fs-2's behaviour). */
    public static TermFrequencies none() {
        return new TermFrequencies(false);
    }

    /**
     * The smoothed share of the field's values that equal {@code value}: (count + K x prior) / (total + K) with K
     * {@link #PRIOR_RECORDS}; the prior when the adjustment is off.
     */
    public double frequency(Field field, String value, double prior) {
        if (!enabled || value == null) {
            return prior;
        }
        long n = counts.get(field).getOrDefault(value, 0L);
        long total = totals.get(field);
        return (n + PRIOR_RECORDS * prior) / (total + PRIOR_RECORDS);
    }

    /** Sets a stored count: a value's, or the field's total under {@link #TOTAL}. */
    public void load(Field field, String value, long count) {
        if (TOTAL.equals(value)) {
            totals.put(field, Math.max(0, count));
        } else {
            counts.get(field).put(value, Math.max(0, count));
        }
    }

    /** Counts a record's values. */
    public void add(PersonRecord record) {
        change(record, 1);
    }

    /** Uncounts a record's values (its state changed or it was erased). */
    public void remove(PersonRecord record) {
        change(record, -1);
    }

    /** The net changes since loading, per field and value (the field's total under {@link #TOTAL}). */
    public Map<Field, Map<String, Long>> changes() {
        return changes;
    }

    /** The values of a record that are counted. */
    public static Map<Field, String> valuesOf(PersonRecord record) {
        Map<Field, String> values = new EnumMap<>(Field.class);
        if (record.givenName() != null) {
            values.put(Field.GIVEN_NAME, record.givenName());
        }
        if (record.surname() != null) {
            values.put(Field.SURNAME, record.surname());
        }
        if (record.city() != null) {
            values.put(Field.CITY, record.city());
        }
        return values;
    }

    private void change(PersonRecord record, long delta) {
        valuesOf(record).forEach((field, value) -> {
            counts.get(field).compute(value, (k, held) -> Math.max(0, (held == null ? 0 : held) + delta));
            totals.put(field, Math.max(0, totals.get(field) + delta));
            changes.get(field).merge(value, delta, Long::sum);
            changes.get(field).merge(TOTAL, delta, Long::sum);
        });
    }

    /** The key of a field's total among {@link #changes()} (no counted value is empty). */
    public static final String TOTAL = "";
}
