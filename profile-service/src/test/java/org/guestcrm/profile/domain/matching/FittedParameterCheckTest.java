package org.guestcrm.profile.domain.matching;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The sanity check a tenant's own fit must pass before its decisions use it. */
class FittedParameterCheckTest {

    private static final EmailEvidence EMAILS = EmailEvidence.standard();

    /** Synthetic persons, every second one with a duplicate (one in three with a typo in the given name, sometimes no city or e-mail). */
    static List<PersonRecord> persons(int count, long seed) {
        Random random = new Random(seed);
        String[] given = {"anna", "peter", "maria", "thomas", "laura", "daniel", "sandra", "martin", "nina", "lukas",
                "sarah", "simon", "julia", "marco", "lea", "david"};
        String[] surnames = {"muller", "meier", "schmid", "keller", "weber", "huber", "schneider", "meyer", "steiner",
                "fischer", "gerber", "brunner", "baumann", "frei", "zimmermann", "moser"};
        String[] cities = {"zurich", "bern", "basel", "luzern", "genf", "lausanne", "chur", "thun"};
        List<PersonRecord> records = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            String g = given[random.nextInt(given.length)];
            String s = surnames[random.nextInt(surnames.length)] + (char) ('a' + random.nextInt(26));
            String dob = String.format("19%02d%02d%02d", 40 + random.nextInt(60), 1 + random.nextInt(12),
                    1 + random.nextInt(28));
            String city = cities[random.nextInt(cities.length)];
            String email = g + "." + s + p + "@example" + random.nextInt(5) + ".com";
            records.add(PersonRecord.of("p" + p, g, s, dob, null, city, null, email, null, EMAILS));
            if (p % 2 == 0) {
                records.add(PersonRecord.of("p" + p + "-dup", p % 6 == 0 ? g.substring(0, g.length() - 1) + "x" : g, s, dob, null,
                        random.nextBoolean() ? city : null, null, random.nextBoolean() ? email : null, null, EMAILS));
            }
        }
        return records;
    }

    @Test
    void aFitOnEnoughConsistentDataIsAcceptedAndASmallOneIsNot() {
        ParameterEstimation.Settings settings = new ParameterEstimation.Settings(50_000, 3, 100, 1e-6, 0.3);
        List<PersonRecord> large = persons(800, 11);
        ParameterEstimation.Fit fit = ParameterEstimation.fitWithDetails(large, settings);
        FittedParameterCheck.Verdict verdict = FittedParameterCheck.check(fit, large.size(),
                FittedParameterCheck.Limits.STANDARD);
        assertTrue(verdict.accepted(), verdict.problems().toString());

        List<PersonRecord> small = persons(150, 12);
        FittedParameterCheck.Verdict few = FittedParameterCheck.check(
                ParameterEstimation.fitWithDetails(small, settings), small.size(), FittedParameterCheck.Limits.STANDARD);
        assertFalse(few.accepted());
        assertTrue(few.problems().stream().anyMatch(p -> p.contains("fewer than 1000")), few.problems().toString());
    }

    @Test
    void aFieldWhoseAgreementIsNoEvidenceFailsTheCheck() {
        // Everyone with the same placeholder birth date: an exact birth date says nothing, so the fit is refused.
        List<PersonRecord> records = new ArrayList<>();
        for (PersonRecord r : persons(800, 13)) {
            records.add(new PersonRecord(r.id(), r.givenName(), r.surname(), "19000101", r.postcode(), r.city(),
                    r.street(), r.email(), r.documentNumber(), r.phone(), r.loyaltyNumber()));
        }
        ParameterEstimation.Fit fit = ParameterEstimation.fitWithDetails(records,
                new ParameterEstimation.Settings(50_000, 3, 100, 1e-6, 0.3));
        FittedParameterCheck.Verdict verdict = FittedParameterCheck.check(fit, records.size(),
                FittedParameterCheck.Limits.STANDARD);
        assertFalse(verdict.accepted(), "a placeholder birth date shared by all is no evidence");
        assertTrue(verdict.problems().stream().anyMatch(p -> p.startsWith("birthDate")), verdict.problems().toString());
    }
}
