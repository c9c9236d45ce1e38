package org.guestcrm.profile.domain.matching;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Measures the incremental linker on person records with ground truth: the records are added one at a time, in the
 * given order, and the clusters it builds are compared pair by pair with the true ones (pairwise precision, recall,
 * F1), together with the share of true pairs that share a blocking key (blocking recall) and the number of candidate
 * records each newcomer was compared with (the cost of blocking). Used by {@code LinkageQualityTest} and by
 * {@code tools.DedupEval}.
 */
public final class LinkageEvaluation {

    /** A record and the id of the true person it belongs to. */
    public record Labelled(PersonRecord record, String truth) {
    }

    /** The figures of one run. */
    public record Quality(String name, int records, long truePairs, long predictedPairs, long correctPairs,
            long blockedTruePairs, long candidates, int maxCandidates, long reviews) {

        public double precision() {
            return predictedPairs == 0 ? 1 : (double) correctPairs / predictedPairs;
        }

        public double recall() {
            return truePairs == 0 ? 1 : (double) correctPairs / truePairs;
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        public double blockingRecall() {
            return truePairs == 0 ? 1 : (double) blockedTruePairs / truePairs;
        }

        /** Candidate records a newcomer was scored against, on average. */
        public double candidatesPerRecord() {
            return records == 0 ? 0 : (double) candidates / records;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-34s records %5d  true pairs %5d  predicted %5d  precision %.3f  recall %.3f"
                    + "  F1 %.3f  blocking recall %.3f  candidates per record %.1f (max %d)  to review %d", name, records,
                    truePairs, predictedPairs, precision(), recall(), f1(), blockingRecall(), candidatesPerRecord(),
                    maxCandidates, reviews);
        }
    }

    private LinkageEvaluation() {
    }

    /** Links the records with the standard model and thresholds, the term frequencies counted as records arrive. */
    public static Quality measure(String name, List<Labelled> data) {
        return measure(name, data, new MatchModel(), ClusterScorer.Thresholds.STANDARD);
    }

    public static Quality measure(String name, List<Labelled> data, MatchModel model, ClusterScorer.Thresholds thresholds) {
        return measure(name, data, model, thresholds, true);
    }

    /** @param joining whether a newcomer joins the clusters it bridges (the intake's rule), or is only placed */
    public static Quality measure(String name, List<Labelled> data, MatchModel model, ClusterScorer.Thresholds thresholds,
            boolean joining) {
        // The tenant's term frequencies start empty and count every record added, as the intake counts a tenant's.
        IncrementalLinker linker = new IncrementalLinker(model, thresholds, TermFrequencies.counting(), joining);
        long reviews = 0;
        long candidates = 0;
        int maxCandidates = 0;
        for (Labelled l : data) {
            IncrementalLinker.Decision decision = linker.add(l.record());
            if (decision.outcome() == ClusterScorer.Outcome.REVIEW) {
                reviews++;
            }
            candidates += decision.candidates();
            maxCandidates = Math.max(maxCandidates, decision.candidates());
        }
        Map<String, Integer> predicted = linker.clusters();
        Map<String, String> truth = new HashMap<>();
        data.forEach(l -> truth.put(l.record().id(), l.truth()));

        long truePairs = 0;
        long blocked = 0;
        for (List<PersonRecord> people : byTruth(data).values()) {
            List<Set<String>> keys = people.stream().map(p -> IncrementalLinker.blockingKeys(p)).toList();
            for (int i = 0; i < people.size(); i++) {
                for (int j = i + 1; j < people.size(); j++) {
                    truePairs++;
                    Set<String> shared = new HashSet<>(keys.get(i));
                    shared.retainAll(keys.get(j));
                    if (!shared.isEmpty()) {
                        blocked++;
                    }
                }
            }
        }
        Map<Integer, List<String>> byCluster = new HashMap<>();
        predicted.forEach((id, c) -> byCluster.computeIfAbsent(c, k -> new ArrayList<>()).add(id));
        long predictedPairs = 0;
        long correct = 0;
        for (List<String> ids : byCluster.values()) {
            for (int i = 0; i < ids.size(); i++) {
                for (int j = i + 1; j < ids.size(); j++) {
                    predictedPairs++;
                    if (truth.get(ids.get(i)).equals(truth.get(ids.get(j)))) {
                        correct++;
                    }
                }
            }
        }
        return new Quality(name, data.size(), truePairs, predictedPairs, correct, blocked, candidates, maxCandidates,
                reviews);
    }

    /** The true pairs that share no blocking key (for looking at what blocking misses). */
    public static List<PersonRecord[]> unblockedTruePairs(List<Labelled> data) {
        List<PersonRecord[]> out = new ArrayList<>();
        for (List<PersonRecord> people : byTruth(data).values()) {
            for (int i = 0; i < people.size(); i++) {
                for (int j = i + 1; j < people.size(); j++) {
                    Set<String> shared = new HashSet<>(IncrementalLinker.blockingKeys(people.get(i)));
                    shared.retainAll(IncrementalLinker.blockingKeys(people.get(j)));
                    if (shared.isEmpty()) {
                        out.add(new PersonRecord[] {people.get(i), people.get(j)});
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, List<PersonRecord>> byTruth(List<Labelled> data) {
        Map<String, List<PersonRecord>> byTruth = new java.util.LinkedHashMap<>();
        data.forEach(l -> byTruth.computeIfAbsent(l.truth(), k -> new ArrayList<>()).add(l.record()));
        return byTruth;
    }
}
