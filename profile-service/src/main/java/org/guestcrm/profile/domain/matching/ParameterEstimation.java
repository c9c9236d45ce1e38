package org.guestcrm.profile.domain.matching;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Fits the m and u probabilities of {@link MatchModel}'s levels to a set of person records, without any ground truth,
 * the way Splink does:
 * <ol>
 * <li><b>u from random pairs</b>: two records drawn at random are almost never one person, so the share of each level
 * among random pairs (per field, among the pairs where both values are present) estimates u;</li>
 * <li><b>m by expectation-maximisation</b> over the candidate pairs that blocking finds: with u held fixed, each pair's
 * probability of being a match is computed from the current m and match share (E step), then each level's m is the
 * match-probability-weighted share of the level (M step), until m stops moving. As in Splink, there is one EM session
 * per training rule (same e-mail; same surname sound and birth date; same names; same birth date), each estimating only
 * the fields its rule does not select on; a field's m is the mean of its sessions' estimates, weighed by the number of
 * matches each session found.</li>
 * </ol>
 * Fields are assumed independent given match status (the Fellegi-Sunter assumption). The names' swapped and crossed
 * levels are not fitted (rare, and they replace the given-name and surname comparisons): they keep their fixed values.
 * Known bias, as in any EM on blocked pairs: the pairs were chosen because some key agreed, so the m of fields used by
 * the blocking keys is estimated among pairs selected for agreement. Counts are smoothed (half a pair per level) so a
 * level never seen keeps a finite weight; a field compared by fewer than {@value #MIN_COMPARED} pairs keeps its fixed
 * values.
 */
public final class ParameterEstimation {

    /** How much to sample and how long to iterate. */
    public record Settings(int randomPairs, long seed, int maxIterations, double tolerance, double initialMatchShare) {
        public static final Settings STANDARD = new Settings(200_000, 20261201L, 100, 1e-5, 0.3);
    }

    /** The result of the EM step. */
    public record Em(Map<String, Map<String, Double>> m, double matchShare, int iterations, boolean converged) {
    }

    /** A fitted parameter set, with what it was fitted on. */
    public record Fit(MatchModel model, Map<String, Map<String, Double>> m, Map<String, Map<String, Double>> u,
            Map<String, Double> matchShareByRule, int iterations, boolean converged, long randomPairs, long trainingPairs) {
    }

    /** The pairs one EM session trains on: records with the same key; the fields it selects on are not estimated. */
    record TrainingRule(String name, java.util.function.Function<PersonRecord, String> key, Set<String> selects) {
    }

    private static final List<TrainingRule> TRAINING_RULES = List.of(
            new TrainingRule("same e-mail", PersonRecord::email, Set.of("email")),
            new TrainingRule("same surname sound and birth date",
                    r -> r.surname() == null || r.birthDate() == null ? null
                            : Similarity.soundex(r.surname()) + r.birthDate(), Set.of("surname", "birthDate")),
            new TrainingRule("same given name and surname",
                    r -> r.givenName() == null || r.surname() == null ? null : r.givenName() + "|" + r.surname(),
                    Set.of("givenName", "surname")),
            new TrainingRule("same birth date", PersonRecord::birthDate, Set.of("birthDate")));

    /** Levels not fitted: they replace the given-name and surname comparisons when they apply. */
    private static final Set<String> NOT_FITTED = Set.of("names");
    private static final double PSEUDO_COUNT = 0.5;
    /** A field is fitted only when at least this many training and random pairs compared it. */
    static final int MIN_COMPARED = 30;

    private ParameterEstimation() {
    }

    /** Fits m and u to the records and returns a model using them (version {@code <fixed version>-fitted}). */
    public static MatchModel fit(List<PersonRecord> records, Settings settings) {
        return fitWithDetails(records, settings).model();
    }

    public static Fit fitWithDetails(List<PersonRecord> records, Settings settings) {
        MatchModel fixed = new MatchModel();
        Map<String, List<String>> levels = levelsByField(fixed);
        Random random = new Random(settings.seed());
        List<Map<String, String>> randomVectors = new ArrayList<>();
        if (records.size() >= 2) {
            for (int k = 0; k < settings.randomPairs(); k++) {
                int i = random.nextInt(records.size());
                int j = random.nextInt(records.size() - 1);
                if (j >= i) {
                    j++;
                }
                randomVectors.add(vector(fixed, records.get(i), records.get(j)));
            }
        }
        Map<String, Map<String, Double>> u = uFromRandomPairs(randomVectors, levels);
        Map<String, Map<String, Double>> initialM = new LinkedHashMap<>();
        fixed.levels().forEach((key, level) -> {
            String field = key.substring(0, key.indexOf('/'));
            if (!NOT_FITTED.contains(field)) {
                initialM.computeIfAbsent(field, f -> new LinkedHashMap<>()).put(level.name(), level.m());
            }
        });
        // One EM session per training rule, each estimating only the fields its rule does not select on (Splink's
        // way around the bias of blocked pairs); a field's m is the mean over the sessions that estimated it, each
        // weighed by the matches it found (a session of a few look-alike strangers says little about matches).
        Map<String, Map<String, Double>> sums = new LinkedHashMap<>();
        Map<String, Double> matchesOf = new HashMap<>();
        long trainingPairs = 0;
        int iterations = 0;
        boolean converged = true;
        Map<String, Double> shares = new LinkedHashMap<>();
        for (TrainingRule rule : TRAINING_RULES) {
            List<Map<String, String>> training = new ArrayList<>();
            for (long pair : pairsSharing(records, rule, ClusterScorer.Thresholds.STANDARD.blockCap())) {
                Map<String, String> v = vector(fixed, records.get((int) (pair >>> 32)), records.get((int) pair));
                v.keySet().removeAll(rule.selects());
                training.add(v);
            }
            Map<String, Map<String, Double>> start = copy(initialM);
            // A field too rarely compared (in this data, say, no phone) is not estimated here: nothing to learn from.
            start.keySet().removeIf(field -> rule.selects().contains(field) || present(training, field) < MIN_COMPARED
                    || present(randomVectors, field) < MIN_COMPARED);
            if (start.isEmpty() || training.size() < MIN_COMPARED) {
                continue;
            }
            Em em = em(training, u, start, settings);
            trainingPairs += training.size();
            iterations += em.iterations();
            converged &= em.converged();
            shares.put(rule.name(), em.matchShare());
            double matches = em.matchShare() * training.size();
            em.m().forEach((field, ms) -> {
                matchesOf.merge(field, matches, Double::sum);
                ms.forEach((level, m) -> sums.computeIfAbsent(field, f -> new LinkedHashMap<>())
                        .merge(level, m * matches, Double::sum));
            });
        }
        Map<String, Map<String, Double>> fittedM = new LinkedHashMap<>();
        sums.forEach((field, ms) -> {
            Map<String, Double> mean = new LinkedHashMap<>();
            ms.forEach((level, sum) -> mean.put(level, sum / matchesOf.get(field)));
            fittedM.put(field, mean);
        });
        Em em = new Em(fittedM, shares.values().stream().mapToDouble(Double::doubleValue).average().orElse(0), iterations,
                converged);
        Map<String, MatchModel.Level> parameters = new HashMap<>();
        em.m().forEach((field, ms) -> ms.forEach((level, m) -> parameters.put(field + "/" + level,
                new MatchModel.Level(level, m, u.get(field).get(level)))));
        MatchModel model = new MatchModel(parameters, MatchModel.VERSION + "-fitted");
        return new Fit(model, em.m(), u, shares, em.iterations(), em.converged(), randomVectors.size(), trainingPairs);
    }

    /**
     * u per field and level: the level's share among the random pairs where the field was compared, smoothed.
     *
     * @param levels every field's levels (so a level no random pair showed still gets a u)
     */
    public static Map<String, Map<String, Double>> uFromRandomPairs(List<Map<String, String>> randomPairs,
            Map<String, List<String>> levels) {
        Map<String, Map<String, Double>> u = new LinkedHashMap<>();
        levels.forEach((field, names) -> {
            Map<String, Double> counts = new LinkedHashMap<>();
            names.forEach(n -> counts.put(n, 0.0));
            double present = 0;
            for (Map<String, String> pair : randomPairs) {
                String level = pair.get(field);
                if (level != null && counts.containsKey(level)) {
                    counts.merge(level, 1.0, Double::sum);
                    present++;
                }
            }
            double total = present + PSEUDO_COUNT * names.size();
            Map<String, Double> shares = new LinkedHashMap<>();
            counts.forEach((n, c) -> shares.put(n, (c + PSEUDO_COUNT) / total));
            u.put(field, shares);
        });
        return u;
    }

    /**
     * Expectation-maximisation of m with u fixed: a pair's comparison vector (field to level; a field absent when a
     * value was missing) weighs as a match by λ Π m / (λ Π m + (1 - λ) Π u); m of a level is the weighted share of
     * pairs showing it; λ the mean weight.
     *
     * @param initialM the starting m per field and level (its fields and levels are the ones fitted)
     */
    public static Em em(List<Map<String, String>> pairs, Map<String, Map<String, Double>> u,
            Map<String, Map<String, Double>> initialM, Settings settings) {
        Map<String, Map<String, Double>> m = copy(initialM);
        double lambda = settings.initialMatchShare();
        int iteration = 0;
        boolean converged = false;
        double[] posterior = new double[pairs.size()];
        while (iteration < settings.maxIterations() && !converged) {
            iteration++;
            double sum = 0;
            for (int k = 0; k < pairs.size(); k++) {
                double logMatch = Math.log(lambda);
                double logNon = Math.log(1 - lambda);
                for (Map.Entry<String, String> e : pairs.get(k).entrySet()) {
                    Map<String, Double> mf = m.get(e.getKey());
                    if (mf == null || !mf.containsKey(e.getValue())) {
                        continue;
                    }
                    logMatch += Math.log(mf.get(e.getValue()));
                    logNon += Math.log(u.get(e.getKey()).get(e.getValue()));
                }
                posterior[k] = 1 / (1 + Math.exp(logNon - logMatch));
                sum += posterior[k];
            }
            Map<String, Map<String, Double>> next = new LinkedHashMap<>();
            double change = 0;
            for (Map.Entry<String, Map<String, Double>> field : m.entrySet()) {
                Map<String, Double> weighted = new LinkedHashMap<>();
                field.getValue().keySet().forEach(l -> weighted.put(l, 0.0));
                double present = 0;
                for (int k = 0; k < pairs.size(); k++) {
                    String level = pairs.get(k).get(field.getKey());
                    if (level != null && weighted.containsKey(level)) {
                        weighted.merge(level, posterior[k], Double::sum);
                        present += posterior[k];
                    }
                }
                double total = present + PSEUDO_COUNT * weighted.size();
                Map<String, Double> shares = new LinkedHashMap<>();
                for (Map.Entry<String, Double> w : weighted.entrySet()) {
                    double share = (w.getValue() + PSEUDO_COUNT) / total;
                    shares.put(w.getKey(), share);
                    change = Math.max(change, Math.abs(share - field.getValue().get(w.getKey())));
                }
                next.put(field.getKey(), shares);
            }
            double nextLambda = pairs.isEmpty() ? lambda : Math.min(1 - 1e-9, Math.max(1e-9, sum / pairs.size()));
            change = Math.max(change, Math.abs(nextLambda - lambda));
            m = next;
            lambda = nextLambda;
            converged = change < settings.tolerance();
        }
        return new Em(m, lambda, iteration, converged);
    }

    /** One pair's comparison vector: per field compared, the level the fixed model gives (no term frequencies). */
    static Map<String, String> vector(MatchModel model, PersonRecord a, PersonRecord b) {
        Map<String, String> out = new HashMap<>();
        for (MatchModel.FieldEvidence e : model.compare(a, b).evidence()) {
            if (!NOT_FITTED.contains(e.field())) {
                out.putIfAbsent(e.field(), e.level());
            }
        }
        return out;
    }

    /** The pairs of records with the same rule key (groups over the cap skipped), each as {@code i << 32 | j}, i < j. */
    static Set<Long> pairsSharing(List<PersonRecord> records, TrainingRule rule, int cap) {
        Map<String, List<Integer>> groups = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            String key = rule.key().apply(records.get(i));
            if (key != null) {
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
            }
        }
        Set<Long> pairs = new HashSet<>();
        for (List<Integer> group : groups.values()) {
            if (group.size() > cap) {
                continue;
            }
            for (int x = 0; x < group.size(); x++) {
                for (int y = x + 1; y < group.size(); y++) {
                    pairs.add((long) group.get(x) << 32 | group.get(y));
                }
            }
        }
        return pairs;
    }

    private static long present(List<Map<String, String>> vectors, String field) {
        return vectors.stream().filter(v -> v.containsKey(field)).count();
    }

    private static Map<String, List<String>> levelsByField(MatchModel model) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        model.levels().forEach((key, level) -> {
            String field = key.substring(0, key.indexOf('/'));
            if (!NOT_FITTED.contains(field)) {
                out.computeIfAbsent(field, f -> new ArrayList<>()).add(level.name());
            }
        });
        return out;
    }

    private static Map<String, Map<String, Double>> copy(Map<String, Map<String, Double>> m) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        m.forEach((f, levels) -> out.put(f, new LinkedHashMap<>(levels)));
        return out;
    }
}
