package org.guestcrm.profile.domain.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The estimation recovers known m and u: comparison vectors are drawn from a known model (match share, m and u per
 * field and level, some values missing), u is estimated from "random pairs" drawn from u alone, and EM, started far
 * from the truth, must find m and the match share again.
 */
class ParameterEstimationTest {

    private static final Map<String, List<String>> LEVELS = new LinkedHashMap<>();
    private static final Map<String, double[]> TRUE_M = new LinkedHashMap<>();
    private static final Map<String, double[]> TRUE_U = new LinkedHashMap<>();

    static {
        field("givenName", List.of("exact", "close", "different"), new double[] {0.80, 0.15, 0.05},
                new double[] {0.01, 0.04, 0.95});
        field("birthDate", List.of("exact", "one edit", "different"), new double[] {0.70, 0.20, 0.10},
                new double[] {0.002, 0.018, 0.98});
        field("email", List.of("exact", "different"), new double[] {0.60, 0.40}, new double[] {0.001, 0.999});
        field("city", List.of("exact", "different"), new double[] {0.85, 0.15}, new double[] {0.10, 0.90});
    }

    private static void field(String name, List<String> levels, double[] m, double[] u) {
        LEVELS.put(name, levels);
        TRUE_M.put(name, m);
        TRUE_U.put(name, u);
    }

    @Test
    void uFromRandomPairsAndMByEmRecoverTheKnownParameters() {
        Random random = new Random(7);
        List<Map<String, String>> randomPairs = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            randomPairs.add(draw(TRUE_U, random));
        }
        double matchShare = 0.25;
        List<Map<String, String>> candidates = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            candidates.add(draw(random.nextDouble() < matchShare ? TRUE_M : TRUE_U, random));
        }

        Map<String, Map<String, Double>> u = ParameterEstimation.uFromRandomPairs(randomPairs, LEVELS);
        // Started far from the truth: every level equally likely among matches, half the pairs matches.
        Map<String, Map<String, Double>> start = new LinkedHashMap<>();
        LEVELS.forEach((field, levels) -> {
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < levels.size(); i++) {
                m.put(levels.get(i), i == 0 ? 0.5 : 0.5 / (levels.size() - 1));
            }
            start.put(field, m);
        });
        ParameterEstimation.Em em = ParameterEstimation.em(candidates, u, start,
                new ParameterEstimation.Settings(0, 1, 200, 1e-7, 0.5));

        assertTrue(em.converged(), "EM did not converge in 200 iterations");
        assertEquals(matchShare, em.matchShare(), 0.02, "match share");
        LEVELS.forEach((field, levels) -> {
            for (int i = 0; i < levels.size(); i++) {
                String level = levels.get(i);
                assertEquals(TRUE_U.get(field)[i], u.get(field).get(level), 0.005, "u of " + field + "/" + level);
                assertEquals(TRUE_M.get(field)[i], em.m().get(field).get(level), 0.03, "m of " + field + "/" + level);
            }
        });
    }

    @Test
    void aLevelNoPairShowsKeepsAFiniteWeight() {
        List<Map<String, String>> randomPairs = List.of(Map.of("email", "different"), Map.of("email", "different"));
        Map<String, Map<String, Double>> u = ParameterEstimation.uFromRandomPairs(randomPairs,
                Map.of("email", List.of("exact", "different")));
        assertTrue(u.get("email").get("exact") > 0, "an unseen level has u > 0");
        assertTrue(u.get("email").get("exact") < u.get("email").get("different"));
    }

    @Test
    void fittedModelOnPersonRecordsDiffersFromTheFixedSetAndStillLinksDuplicates() {
        // Persons with a duplicate each (a typo in the given name), and strangers: the fit must learn something.
        Random random = new Random(11);
        EmailEvidence emails = EmailEvidence.standard();
        String[] given = {"anna", "peter", "maria", "lukas", "sofia", "jonas", "elena", "david", "laura", "simon"};
        String[] surnames = {"muster", "keller", "weber", "huber", "schmid", "meier", "fischer", "brunner", "baumann",
                "frei", "gerber", "widmer", "wyss", "graf", "roth"};
        String[] cities = {"zurich", "bern", "basel", "luzern", "genf", "lausanne", "chur", "thun"};
        List<PersonRecord> records = new ArrayList<>();
        for (int p = 0; p < 600; p++) {
            String g = given[random.nextInt(given.length)];
            String s = surnames[random.nextInt(surnames.length)] + (char) ('a' + random.nextInt(26));
            String dob = String.format("19%02d%02d%02d", 40 + random.nextInt(60), 1 + random.nextInt(12), 1 + random.nextInt(28));
            String city = cities[random.nextInt(cities.length)];
            String email = g + "." + s + p + "@example" + random.nextInt(5) + ".com";
            records.add(PersonRecord.of("p" + p, g, s, dob, null, city, null, email, null, emails));
            if (p % 2 == 0) {
                String typo = g.substring(0, g.length() - 1) + "x";
                records.add(PersonRecord.of("p" + p + "-dup", typo, s, dob, null, random.nextBoolean() ? city : null,
                        null, random.nextBoolean() ? email : null, null, emails));
            }
        }
        ParameterEstimation.Fit fit = ParameterEstimation.fitWithDetails(records,
                new ParameterEstimation.Settings(50_000, 3, 100, 1e-6, 0.3));
        MatchModel fitted = fit.model();
        assertEquals(MatchModel.VERSION + "-fitted", fitted.version());
        Map<String, MatchModel.Level> levels = fitted.levels();
        Map<String, MatchModel.Level> fixed = new MatchModel().levels();
        assertNotEquals(fixed.get("birthDate/exact").m(), levels.get("birthDate/exact").m(), "birth date m was fitted");
        // Duplicates agree on the birth date always: its m is high; u of an exact date among random pairs is tiny.
        assertTrue(levels.get("birthDate/exact").m() > 0.8, "m of birthDate/exact " + levels.get("birthDate/exact").m());
        assertTrue(levels.get("birthDate/exact").u() < 0.01, "u of birthDate/exact " + levels.get("birthDate/exact").u());
        // No phone in this data: its levels keep the fixed values.
        assertEquals(fixed.get("phone/exact"), levels.get("phone/exact"));
        // A duplicate and its original still score far above a stranger.
        PersonRecord original = records.get(0);
        PersonRecord duplicate = records.get(1);
        PersonRecord stranger = records.get(2);
        Map<String, Double> scores = new HashMap<>();
        scores.put("duplicate", fitted.compare(original, duplicate).weight());
        scores.put("stranger", fitted.compare(original, stranger).weight());
        assertTrue(scores.get("duplicate") > ClusterScorer.Thresholds.STANDARD.autoMerge(), scores.toString());
        assertTrue(scores.get("stranger") < ClusterScorer.Thresholds.STANDARD.review(), scores.toString());
    }

    private static Map<String, String> draw(Map<String, double[]> probabilities, Random random) {
        Map<String, String> vector = new HashMap<>();
        for (Map.Entry<String, double[]> field : probabilities.entrySet()) {
            if (random.nextDouble() < 0.1) {
                continue; // a missing value: the field is not compared
            }
            double x = random.nextDouble();
            double cumulative = 0;
            List<String> levels = LEVELS.get(field.getKey());
            String level = levels.get(levels.size() - 1);
            for (int i = 0; i < levels.size(); i++) {
                cumulative += field.getValue()[i];
                if (x < cumulative) {
                    level = levels.get(i);
                    break;
                }
            }
            vector.put(field.getKey(), level);
        }
        return vector;
    }
}
