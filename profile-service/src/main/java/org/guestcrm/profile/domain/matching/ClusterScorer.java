package org.guestcrm.profile.domain.matching;

import java.util.List;
import java.util.Map;

/**
 * Decides where a newcomer goes among candidate clusters (the one rule the live intake and {@link IncrementalLinker}
 * share): the newcomer is scored against every member of each cluster; a member scoring below {@code veto} rules the
 * cluster out (merges never chain through one look-alike); a cluster's score (fs-3) is, per field, the strongest
 * agreement with any of its members, summed ({@link #bestPerField}: a newcomer whose e-mail agrees with one profile of
 * the guest and whose birth date agrees with another has both as evidence; fs-2 took the best single member). The best cluster
 * (first in the given order on a tie): at or above {@code autoMerge}, corroborated by a field other than the names and
 * with no member in hard conflict, the newcomer joins it; otherwise at or above {@code review} it stays apart and the
 * pair goes to review; below, no link.
 */
public final class ClusterScorer {

    /** Where a record went and why. */
    public enum Outcome { AUTO_MERGE, REVIEW, NO_LINK }

    /** Thresholds on the total match weight (bits), and the largest block used. */
    public record Thresholds(double autoMerge, double review, double veto, int blockCap) {
        /**
         * fs-3: auto-merge at 9 bits (fs-2: 11), veto below -8 (fs-2: -4, before fs-3's "different" levels weighed
         * -6.6 for one mistyped date or address), review from 5; blocks of at most 200.
         */
        public static final Thresholds STANDARD = new Thresholds(9, 5, -8, 200);
    }

    /**
     * @param cluster the best candidate cluster (joined on AUTO_MERGE, to review on REVIEW), null when there was none
     * @param score   the newcomer's score against that cluster's best member, null when there was no candidate
     */
    public record Verdict<C>(Outcome outcome, C cluster, MatchModel.Score score) {
    }

    private final MatchModel model;
    private final Thresholds thresholds;

    public ClusterScorer(MatchModel model, Thresholds thresholds) {
        this.model = model;
        this.thresholds = thresholds;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    /** @param clusters candidate clusters and their members, in a deterministic order */
    public <C> Verdict<C> decide(PersonRecord newcomer, Map<C, List<PersonRecord>> clusters) {
        return decide(newcomer, clusters, TermFrequencies.none());
    }

    /** @param frequencies the tenant's term frequencies (exact names and cities weighed by how common they are) */
    public <C> Verdict<C> decide(PersonRecord newcomer, Map<C, List<PersonRecord>> clusters, TermFrequencies frequencies) {
        C best = null;
        MatchModel.Score bestScore = null;
        boolean bestConflicts = false;
        for (Map.Entry<C, List<PersonRecord>> cluster : clusters.entrySet()) {
            MatchModel.Score clusterBest = null;
            boolean vetoed = false;
            boolean conflicts = false;
            List<MatchModel.Score> scores = new java.util.ArrayList<>();
            for (PersonRecord member : cluster.getValue()) {
                MatchModel.Score score = model.compare(newcomer, member, frequencies);
                if (score.weight() < thresholds.veto()) {
                    vetoed = true;
                    break;
                }
                conflicts |= score.conflicting();
                scores.add(score);
                if (clusterBest == null || score.weight() > clusterBest.weight()) {
                    clusterBest = score;
                }
            }
            if (!vetoed && scores.size() > 1) {
                clusterBest = bestPerField(scores);
            }
            if (!vetoed && clusterBest != null && (bestScore == null || clusterBest.weight() > bestScore.weight())) {
                best = cluster.getKey();
                bestScore = clusterBest;
                bestConflicts = conflicts;
            }
        }
        if (best == null) {
            return new Verdict<>(Outcome.NO_LINK, null, null);
        }
        if (!bestConflicts && bestScore.corroborated() && bestScore.weight() >= thresholds.autoMerge()) {
            return new Verdict<>(Outcome.AUTO_MERGE, best, bestScore);
        }
        if (bestScore.weight() >= thresholds.review()) {
            return new Verdict<>(Outcome.REVIEW, best, bestScore);
        }
        return new Verdict<>(Outcome.NO_LINK, best, bestScore);
    }

    /** The names' evidence counts as one group (given name and surname, or both swapped). */
    private static String groupOf(String field) {
        return switch (field) {
            case "givenName", "surname", "names" -> "names";
            default -> field;
        };
    }

    /**
     * The newcomer against the cluster as a whole: per field (the names as one group), the strongest agreement with any
     * member, summed; each field's evidence says which level decided it. A hard conflict with any member stays one.
     */
    static MatchModel.Score bestPerField(List<MatchModel.Score> scores) {
        Map<String, List<MatchModel.FieldEvidence>> best = new java.util.LinkedHashMap<>();
        Map<String, Double> bestWeight = new java.util.HashMap<>();
        String conflict = null;
        for (MatchModel.Score score : scores) {
            Map<String, List<MatchModel.FieldEvidence>> groups = new java.util.LinkedHashMap<>();
            for (MatchModel.FieldEvidence e : score.evidence()) {
                groups.computeIfAbsent(groupOf(e.field()), k -> new java.util.ArrayList<>()).add(e);
            }
            groups.forEach((group, evidence) -> {
                double w = evidence.stream().mapToDouble(MatchModel.FieldEvidence::weight).sum();
                if (!bestWeight.containsKey(group) || w > bestWeight.get(group)) {
                    bestWeight.put(group, w);
                    best.put(group, evidence);
                }
            });
            if (conflict == null) {
                conflict = score.hardConflict();
            }
        }
        List<MatchModel.FieldEvidence> evidence = new java.util.ArrayList<>();
        best.values().forEach(evidence::addAll);
        double total = bestWeight.values().stream().mapToDouble(Double::doubleValue).sum();
        return new MatchModel.Score(total, List.copyOf(evidence), conflict);
    }
}
