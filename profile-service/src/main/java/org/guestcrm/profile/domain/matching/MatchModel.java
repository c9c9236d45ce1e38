package org.guestcrm.profile.domain.matching;

import java.util.ArrayList;
import java.util.List;

/**
 * A Fellegi-Sunter match model: each field of two person records is compared into a level, each level has an
 * m-probability (the level's share among true matches) and a u-probability (its share among non-matches), and the
 * evidence for a match is the sum of the levels' weights log2(m/u). A missing value weighs nothing. Two different
 * identity-document numbers (more than two edits apart: typing errors are one or two) are a hard conflict: never an automatic merge.
 *
 * <p>Names alone never make an automatic merge: {@link Score#corroborated()} says whether a field other than the names
 * agrees (positive weight); a score that is not corroborated goes to review at most.
 *
 * <p>Version fs-2 adds the phone (E.164) and the loyalty number to fs-1's fields, and the corroboration rule. Version
 * fs-3 adds the term-frequency adjustment ({@link TermFrequencies}): an exact given name, surname or city weighs
 * log2(m / f) with f the value's smoothed share among the tenant's profiles, so a common name is weaker evidence than a
 * rare one; and levels for the usual typing errors: a birth date two digits apart, an e-mail address whose domain is one
 * or two edits apart (same local part, 3+ characters), one record's given name equal to the other's surname (the other missing or different); with
 * those, "different" is rarer among true matches (birth date and e-mail m 0.01). Version fs-4 adds a birth-date level
 * below "two digits apart": the year at most one digit apart (or two adjacent year digits swapped) and the day of the
 * year within 31 days ({@link BirthDateTypos#NEAR}: u 0.03, the share measured among random pairs of FEBRL 3 and
 * fake_1000, 0.026 in both; m 0.02, taken from "exact" and "two digits apart"), so such a pair weighs -0.6 instead of
 * "different"'s -6.6. Version fs-6 widens that level to 45 days (a mistyped month with a mistyped day, 1977-09-13 /
 * 1977-10-17; u 0.04, measured 0.041 on FEBRL 3 and 0.044 on fake_1000 among 200,000 random pairs; "different" u
 * 0.9554 -> 0.9454): -1.0 bits. Version fs-8 (traced on synthetic guests, {@code it.BatchLinkerProbe}): the e-mail's
 * close level needs the local parts at most two edits apart (a typing error), and a city agreeing where the postcode is
 * the same weighs as the city given the postcode (+2.2 bits), not as a second independent agreement. Version fs-9: given names
 * more than two typing errors apart and birth dates that are no typing error of each other, with an e-mail or phone
 * shared, are two persons of one household, a hard conflict ({@link #householdContact}). The m and u probabilities are one set
 * for every tenant and data set (set from the usual error rates of
 * person data, not fitted to any one file); every decision records the version with its evidence.
 */
public final class MatchModel {

    public static final String VERSION = "fs-9";

    /** One comparison level: its name, m and u. */
    public record Level(String name, double m, double u) {
        public double weight() {
            return Math.log(m / u) / Math.log(2);
        }
    }

    /** The outcome of one field's comparison: the evidence a decision keeps. */
    public record FieldEvidence(String field, String level, double weight) {
    }

    /** The comparison of two records: total weight, per-field evidence, and a hard conflict if there is one. */
    public record Score(double weight, List<FieldEvidence> evidence, String hardConflict) {
        public boolean conflicting() {
            return hardConflict != null;
        }

        /** A field other than the names agrees: evidence beyond two look-alike names. */
        public boolean corroborated() {
            return evidence.stream().anyMatch(e -> e.weight() > 0 && !NAME_FIELDS.contains(e.field()));
        }

        /** The evidence as one line without any value: {@code 22.8 bits: email exact +13.1, ...} (for logs and reviews). */
        public String explain() {
            StringBuilder out = new StringBuilder(String.format(java.util.Locale.ROOT, "%s: %.1f bits", VERSION, weight));
            String separator = ": ";
            for (FieldEvidence e : evidence) {
                out.append(separator).append(e.field()).append(' ').append(e.level())
                        .append(String.format(java.util.Locale.ROOT, " %+.1f", e.weight()));
                separator = ", ";
            }
            if (hardConflict != null) {
                out.append("; conflict: ").append(hardConflict);
            }
            return out.toString();
        }
    }

    private static final java.util.Set<String> NAME_FIELDS = java.util.Set.of("givenName", "surname", "names");

    private static final Level NAME_EXACT = new Level("exact", 0.85, 0.005);
    private static final Level NAME_CLOSE = new Level("jaro-winkler>=0.94", 0.08, 0.004);
    private static final Level NAME_SIMILAR = new Level("jaro-winkler>=0.85", 0.04, 0.02);
    private static final Level NAME_INITIAL = new Level("initial", 0.02, 0.05);
    private static final Level NAME_OTHER = new Level("different", 0.03, 0.92);
    private static final Level NAME_SWAPPED = new Level("swapped with the other name", 0.02, 0.0001);
    private static final Level NAME_CROSSED = new Level("equals the other's other name", 0.02, 0.0005);

    private static final Level SURNAME_EXACT = new Level("exact", 0.88, 0.002);
    private static final Level SURNAME_CLOSE = new Level("jaro-winkler>=0.94", 0.07, 0.002);
    private static final Level SURNAME_SIMILAR = new Level("jaro-winkler>=0.85", 0.03, 0.01);
    private static final Level SURNAME_OTHER = new Level("different", 0.02, 0.986);

    private static final Level DATE_EXACT = new Level("exact", 0.84, 0.0003);
    private static final Level DATE_ONE_EDIT = new Level("one digit or one swap apart", 0.09, 0.004);
    private static final Level DATE_DAY_MONTH = new Level("day and month swapped", 0.01, 0.0003);
    private static final Level DATE_TWO_EDITS = new Level("two digits apart", 0.03, 0.01);
    private static final Level DATE_NEAR = new Level("year one digit apart, day within " + BirthDateTypos.NEAR_DAYS
            + " days", 0.02, 0.04);
    private static final Level DATE_OTHER = new Level("different", 0.01, 0.9454);

    private static final Level POSTCODE_EXACT = new Level("exact", 0.85, 0.003);
    private static final Level POSTCODE_ONE_EDIT = new Level("one edit apart", 0.08, 0.01);
    private static final Level POSTCODE_OTHER = new Level("different", 0.07, 0.987);

    private static final Level CITY_EXACT = new Level("exact", 0.8, 0.01);
    private static final Level CITY_CLOSE = new Level("jaro-winkler>=0.9", 0.1, 0.01);
    private static final Level CITY_OTHER = new Level("different", 0.1, 0.98);
    /**
     * fs-8: the city agreeing where the postcodes agree already: m 0.95, u 0.2 (among strangers of one postcode, the
     * share in one town: about 1 where a postcode is one town, as in Switzerland, less where a postcode spans several
     * suburbs, as FEBRL's Australian ones do): +2.2 bits instead of the city's own 3 to 6.
     */
    private static final Level CITY_WITH_POSTCODE = new Level("exact, with the postcode agreeing", 0.95, 0.2);

    private static final Level STREET_EXACT = new Level("exact", 0.7, 0.0005);
    private static final Level STREET_CLOSE = new Level("jaro-winkler>=0.9", 0.15, 0.003);
    private static final Level STREET_OTHER = new Level("different", 0.15, 0.9965);

    private static final Level EMAIL_EXACT = new Level("exact", 0.85, 0.0001);
    private static final Level EMAIL_CLOSE = new Level("same domain, local part jaro-winkler>=0.88", 0.08, 0.001);
    private static final Level EMAIL_TYPO = new Level("same local part, domain one or two typing errors apart", 0.04, 0.0001);
    /**
     * fs-5: two addresses a few typing errors apart over their whole length (a mistyped local part and domain at once)
     * weigh nothing either way: such an address is too unlike to be evidence for a match, too alike to be evidence
     * against it (fake_1000: 15 of 49 split persons had a stray record whose mistyped address weighed -6.6 as
     * "different"). Only on different domains, with the same digits and at most {@link #SIMILAR_MAX_EDITS} edits apart:
     * on one domain a typing error in the local part is the close level already, and a local part that merely starts
     * alike there (anna.muster@, anna.meier@) is another person; addresses whose numbers differ (person11@,
     * person1011@; anna.keller12@, anna.keller40@) are other accounts, not typing errors.
     */
    private static final Level EMAIL_SIMILAR = new Level("a few typing errors apart, neither for nor against", 0.02, 0.02);
    private static final Level EMAIL_OTHER = new Level("different", 0.01, 0.9788);

    private static final Level DOCUMENT_EXACT = new Level("exact", 0.9, 0.00001);
    private static final Level DOCUMENT_ONE_EDIT = new Level("one edit apart", 0.07, 0.0001);
    private static final Level DOCUMENT_OTHER = new Level("different", 0.03, 0.99989);

    private static final Level PHONE_EXACT = new Level("exact", 0.6, 0.0001);
    private static final Level PHONE_OTHER = new Level("different", 0.4, 0.9999);

    private static final Level LOYALTY_EXACT = new Level("exact", 0.95, 0.00001);
    private static final Level LOYALTY_OTHER = new Level("different", 0.05, 0.99999);

    /** The fixed set per {@code field/level name}, each field's levels in order, "different" last. */
    private static final java.util.Map<String, Level> FIXED = fixed(
            "names", List.of(NAME_SWAPPED, NAME_CROSSED),
            "givenName", List.of(NAME_EXACT, NAME_CLOSE, NAME_SIMILAR, NAME_INITIAL, NAME_OTHER),
            "surname", List.of(SURNAME_EXACT, SURNAME_CLOSE, SURNAME_SIMILAR, SURNAME_OTHER),
            "birthDate", List.of(DATE_EXACT, DATE_ONE_EDIT, DATE_DAY_MONTH, DATE_TWO_EDITS, DATE_NEAR, DATE_OTHER),
            "postcode", List.of(POSTCODE_EXACT, POSTCODE_ONE_EDIT, POSTCODE_OTHER),
            "city", List.of(CITY_WITH_POSTCODE, CITY_EXACT, CITY_CLOSE, CITY_OTHER),
            "street", List.of(STREET_EXACT, STREET_CLOSE, STREET_OTHER),
            "email", List.of(EMAIL_EXACT, EMAIL_CLOSE, EMAIL_TYPO, EMAIL_SIMILAR, EMAIL_OTHER),
            "phone", List.of(PHONE_EXACT, PHONE_OTHER),
            "loyaltyNumber", List.of(LOYALTY_EXACT, LOYALTY_OTHER),
            "documentNumber", List.of(DOCUMENT_EXACT, DOCUMENT_ONE_EDIT, DOCUMENT_OTHER));

    private static java.util.Map<String, Level> fixed(Object... fieldsAndLevels) {
        java.util.Map<String, Level> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < fieldsAndLevels.length; i += 2) {
            String field = (String) fieldsAndLevels[i];
            @SuppressWarnings("unchecked")
            List<Level> levels = (List<Level>) fieldsAndLevels[i + 1];
            levels.forEach(l -> out.put(field + "/" + l.name(), l));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private final java.util.Map<String, Level> parameters;
    private final String version;

    /** The fixed m/u set of {@link #VERSION}. */
    public MatchModel() {
        this(java.util.Map.of(), VERSION);
    }

    /**
     * The same comparisons with other m/u values (as {@link ParameterEstimation} fits them).
     *
     * @param parameters per {@code field/level name} ({@link #levels()}), the level with its m and u; levels not named
     *                   keep the fixed values
     */
    public MatchModel(java.util.Map<String, Level> parameters, String version) {
        this.parameters = java.util.Map.copyOf(parameters);
        this.version = version;
    }

    /** The model's version (recorded with every decision). */
    public String version() {
        return version;
    }

    /** Every field's levels with this model's m and u, keyed {@code field/level name}, fields in comparison order. */
    public java.util.Map<String, Level> levels() {
        java.util.Map<String, Level> out = new java.util.LinkedHashMap<>();
        FIXED.forEach((key, fixed) -> out.put(key, parameters.getOrDefault(key, fixed)));
        return out;
    }

    /** Compares without the term-frequency adjustment (every value weighs as the average one). */
    public Score compare(PersonRecord a, PersonRecord b) {
        return compare(a, b, TermFrequencies.none());
    }

    /**
     * Compares two records; an exact agreement on a given name, surname or city weighs log2(m / f) with f the value's
     * smoothed frequency among the tenant's profiles ({@link TermFrequencies}) instead of the level's average u.
     */
    public Score compare(PersonRecord a, PersonRecord b, TermFrequencies frequencies) {
        List<FieldEvidence> evidence = new ArrayList<>(8);
        if (a.givenName() != null && b.givenName() != null && a.surname() != null && b.surname() != null
                && !a.givenName().equals(a.surname())
                && a.givenName().equals(b.surname()) && a.surname().equals(b.givenName())) {
            add(evidence, "names", NAME_SWAPPED);
            add(evidence, "names", NAME_SWAPPED);
        } else if (crossed(a.givenName(), b.surname(), a.surname(), b.givenName())
                || crossed(a.surname(), b.givenName(), a.givenName(), b.surname())) {
            add(evidence, "names", NAME_CROSSED);
        } else {
            compareName(evidence, "givenName", a.givenName(), b.givenName(), NAME_EXACT, NAME_CLOSE, NAME_SIMILAR, NAME_OTHER, true,
                    frequencies, TermFrequencies.Field.GIVEN_NAME);
            compareName(evidence, "surname", a.surname(), b.surname(), SURNAME_EXACT, SURNAME_CLOSE, SURNAME_SIMILAR,
                    SURNAME_OTHER, false, frequencies, TermFrequencies.Field.SURNAME);
        }
        if (a.birthDate() != null && b.birthDate() != null) {
            add(evidence, "birthDate", dateLevel(a.birthDate(), b.birthDate()));
        }
        boolean postcodeAgrees = false;
        if (a.postcode() != null && b.postcode() != null) {
            int d = Similarity.editDistance(a.postcode(), b.postcode());
            add(evidence, "postcode", d == 0 ? POSTCODE_EXACT : d == 1 ? POSTCODE_ONE_EDIT : POSTCODE_OTHER);
            postcodeAgrees = d == 0;
        }
        // fs-8: a postcode mostly names its city, so when the postcodes are the same the city's
        // agreement is mostly the same fact again: it weighs as the city given the postcode (CITY_WITH_POSTCODE), not as
        // a city agreeing by itself (synthetic persons: a given name with a postcode and its city weighed 8.1 + 6.3 bits,
        // strangers auto-merged against a different surname).
        if (a.city() != null && b.city() != null) {
            if (postcodeAgrees && a.city().equals(b.city())) {
                add(evidence, "city", CITY_WITH_POSTCODE);
            } else if (a.city().equals(b.city())) {
                addExact(evidence, "city", CITY_EXACT, frequencies, TermFrequencies.Field.CITY, a.city());
            } else {
                add(evidence, "city", Similarity.jaroWinkler(a.city(), b.city()) >= 0.9 ? CITY_CLOSE : CITY_OTHER);
            }
        }
        if (a.street() != null && b.street() != null) {
            double jw = Similarity.jaroWinkler(a.street(), b.street());
            add(evidence, "street", jw == 1 ? STREET_EXACT : jw >= 0.9 ? STREET_CLOSE : STREET_OTHER);
        }
        if (a.email() != null && b.email() != null) {
            add(evidence, "email", emailLevel(a.email(), b.email()));
        }
        if (a.phone() != null && b.phone() != null) {
            add(evidence, "phone", a.phone().equals(b.phone()) ? PHONE_EXACT : PHONE_OTHER);
        }
        if (a.loyaltyNumber() != null && b.loyaltyNumber() != null) {
            add(evidence, "loyaltyNumber", a.loyaltyNumber().equals(b.loyaltyNumber()) ? LOYALTY_EXACT : LOYALTY_OTHER);
        }
        String conflict = null;
        if (householdContact(a, b, evidence)) {
            conflict = "different given names and different birth dates sharing a contact point (a household's)";
        }
        if (a.documentNumber() != null && b.documentNumber() != null) {
            int d = Similarity.editDistance(a.documentNumber(), b.documentNumber());
            add(evidence, "documentNumber", d == 0 ? DOCUMENT_EXACT : d == 1 ? DOCUMENT_ONE_EDIT : DOCUMENT_OTHER);
            if (d > 2) {
                conflict = "different identity-document numbers";
            }
        }
        double total = 0;
        for (FieldEvidence e : evidence) {
            total += e.weight();
        }
        return new Score(total, List.copyOf(evidence), conflict);
    }

    /**
     * fs-9: two persons of one household sharing a landline or a family's e-mail address: their given names more than
     * two typing errors apart (and neither the other record's surname mistyped: names swapped), their birth dates
     * "different" (no typing error of each other, {@link #dateLevel}), and an e-mail address or phone number exact. The
     * shared contact point weighs +12.6 to +13 bits as one person's, and with the surname and the address a household's
     * second person reached 20-30 bits; given name and birth date both disagreeing is what one person seldom shows, so
     * this is a hard conflict (review at most, never an automatic merge or a join). Restricted to a shared contact
     * point: FEBRL's and fake_1000's duplicates with given name and birth date both replaced, the same surname and
     * address (53 true pairs in FEBRL 1-3) look exactly like households, and the unrestricted rule lowered their F1
     * (README, fs-9).
     */
    private static boolean householdContact(PersonRecord a, PersonRecord b, List<FieldEvidence> evidence) {
        if (a.givenName() == null || b.givenName() == null
                || Similarity.editDistance(a.givenName(), b.givenName()) <= 2
                || mistypedInTheOtherField(a.givenName(), b.surname())
                || mistypedInTheOtherField(b.givenName(), a.surname())) {
            return false;
        }
        boolean givenDifferent = false;
        boolean datesDifferent = false;
        boolean contactShared = false;
        for (FieldEvidence e : evidence) {
            switch (e.field()) {
                case "givenName" -> givenDifferent |= e.level().equals(NAME_OTHER.name());
                case "birthDate" -> datesDifferent |= e.level().equals(DATE_OTHER.name());
                case "email", "phone" -> contactShared |= e.level().equals(EMAIL_EXACT.name());
                default -> { }
            }
        }
        return givenDifferent && datesDifferent && contactShared;
    }

    /** fs-9: a given name that is the other record's surname with a typing error (names swapped and mistyped). */
    private static boolean mistypedInTheOtherField(String givenName, String otherSurname) {
        return otherSurname != null && Similarity.jaroWinkler(givenName, otherSurname) >= 0.85;
    }

    /**
     * One record's name equals the other's other name (a given name entered as the surname, the other name missing or
     * different), while the same names do not agree.
     */
    private static boolean crossed(String name, String otherRecordsOtherName, String sameFieldA, String sameFieldB) {
        return name != null && name.length() > 1 && name.equals(otherRecordsOtherName)
                && (sameFieldA == null || sameFieldB == null || !sameFieldA.equals(sameFieldB));
    }

    private void compareName(List<FieldEvidence> evidence, String field, String a, String b, Level exact,
            Level close, Level similar, Level other, boolean initials, TermFrequencies frequencies,
            TermFrequencies.Field counted) {
        if (a == null || b == null) {
            return;
        }
        if (a.equals(b)) {
            if (a.length() == 1) {
                add(evidence, field, exact); // an initial is no name whose frequency is counted
            } else {
                addExact(evidence, field, exact, frequencies, counted, a);
            }
            return;
        }
        if (initials && (a.length() == 1 || b.length() == 1)) {
            add(evidence, field, a.charAt(0) == b.charAt(0) ? NAME_INITIAL : other);
            return;
        }
        double jw = Similarity.jaroWinkler(a, b);
        add(evidence, field, jw >= 0.94 ? close : jw >= 0.85 ? similar : other);
    }

    private static Level dateLevel(String a, String b) {
        if (a.equals(b)) {
            return DATE_EXACT;
        }
        if (a.substring(0, 4).equals(b.substring(0, 4)) && a.substring(4, 6).equals(b.substring(6, 8))
                && a.substring(6, 8).equals(b.substring(4, 6))) {
            return DATE_DAY_MONTH;
        }
        int d = Similarity.editDistance(a, b);
        if (d == 1) {
            return DATE_ONE_EDIT;
        }
        if (d == 2) {
            return DATE_TWO_EDITS;
        }
        return BirthDateTypos.NEAR.equals(BirthDateTypos.kind(a, b).orElse(null)) ? DATE_NEAR : DATE_OTHER;
    }

    /**
     * fs-8: the most edits between two local parts on one domain for the close level: a typing error is one or two
     * (robert255@ / roberta25@); local parts that merely start alike are other mailboxes of look-alike names
     * (anna.schneider.imp@ / anna.schneider.unl@, three apart: synthetic strangers auto-merged on it at +6.3 bits).
     */
    static final int CLOSE_MAX_EDITS = 2;

    /** Jaro-Winkler over the whole address from which two addresses count as mistyped versions of each other (fs-5). */
    static final double SIMILAR_ADDRESS = 0.85;
    /** The most edits (insertions, deletions, substitutions) over the whole address of the similar level (fs-5). */
    static final int SIMILAR_MAX_EDITS = 3;

    private static Level emailLevel(String a, String b) {
        if (a.equals(b)) {
            return EMAIL_EXACT;
        }
        int atA = a.lastIndexOf('@');
        int atB = b.lastIndexOf('@');
        if (atA > 0 && atB > 0 && a.substring(atA).equals(b.substring(atB))
                && Similarity.jaroWinkler(a.substring(0, atA), b.substring(0, atB)) >= 0.88
                && Similarity.editDistance(a.substring(0, atA), b.substring(0, atB)) <= CLOSE_MAX_EDITS) {
            return EMAIL_CLOSE;
        }
        // A typing error in the domain (the local part identical and long enough to identify someone); a local part one
        // character apart on the same domain is often another person (anna@, anne@, guest1@, guest2@).
        return atA >= 3 && atB >= 3 && a.substring(0, atA).equals(b.substring(0, atB))
                && Similarity.editDistance(a.substring(atA + 1), b.substring(atB + 1)) <= 2 ? EMAIL_TYPO
                : mistyped(a, b, atA, atB) ? EMAIL_SIMILAR : EMAIL_OTHER;
    }

    /** fs-5's similar level: different domains, the same digits in the same order, a few edits apart, alike overall. */
    private static boolean mistyped(String a, String b, int atA, int atB) {
        boolean sameDomain = atA > 0 && atB > 0 && a.substring(atA).equals(b.substring(atB));
        return !sameDomain && digits(a).equals(digits(b)) && Similarity.editDistance(a, b) <= SIMILAR_MAX_EDITS
                && Similarity.jaroWinkler(a, b) >= SIMILAR_ADDRESS;
    }

    private static String digits(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }

    /**
     * An exact agreement weighed by the value's frequency: log2(m / f), f the tenant's smoothed share of the value (the
     * level's u when nothing is counted). The level says how common the value is, never the value.
     */
    private void addExact(List<FieldEvidence> evidence, String field, Level fixed, TermFrequencies frequencies,
            TermFrequencies.Field counted, String value) {
        Level exact = levelOf(field, fixed);
        double f = frequencies.frequency(counted, value, exact.u());
        if (f == exact.u()) {
            add(evidence, field, exact);
            return;
        }
        evidence.add(new FieldEvidence(field, String.format(java.util.Locale.ROOT, "%s (term frequency 1 in %d)",
                exact.name(), Math.max(1, Math.round(1 / f))), Math.log(exact.m() / f) / Math.log(2)));
    }

    private void add(List<FieldEvidence> evidence, String field, Level fixed) {
        Level level = levelOf(field, fixed);
        evidence.add(new FieldEvidence(field, level.name(), level.weight()));
    }

    /** The level's m and u: fitted ones when this model has them, else the fixed set. */
    private Level levelOf(String field, Level fixed) {
        Level fitted = parameters.get(field + "/" + fixed.name());
        return fitted == null ? fixed : fitted;
    }
}
