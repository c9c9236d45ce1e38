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

    /**
     * Thresholds on the total match weight (bits), the largest block used, and the most candidate profiles a record is
     * scored against ({@link IncrementalLinker#usableBlocks}: its blocks smallest first, until the next would take it
     * past the budget).
     */
    public record Thresholds(double autoMerge, double review, double veto, int blockCap, int candidateBudget) {
        public Thresholds(double autoMerge, double review, double veto, int blockCap) {
            this(autoMerge, review, veto, blockCap, Integer.MAX_VALUE);
        }

        /**
         * fs-3: auto-merge at 9 bits (fs-2: 11), veto below -8 (fs-2: -4, before fs-3's "different" levels weighed
         * -6.6 for one mistyped date or address), review from 5; blocks of at most 200. fs-7: at most 60 candidate
         * profiles per record, from its smallest blocks (the weak keys' blocks, a given name's Soundex with a city or a
         * domain, grow with the store: 21 candidates per record at 10,000 profiles, about 200 at 100,000).
         */
        public static final Thresholds STANDARD = new Thresholds(9, 5, -8, 200, 60);

        /**
         * The largest block a record can use: one over the cap is skipped, and one over the candidate budget never fits
         * in it ({@link IncrementalLinker#usableBlocks} adds whole blocks while the union stays within the budget, and
         * the union holds the block), so the intake reads no block further than this.
         */
        public int largestUsableBlock() {
            return Math.min(blockCap, candidateBudget);
        }
    }

    /**
     * @param cluster the best candidate cluster (joined on AUTO_MERGE, to review on REVIEW), null when there was none
     * @param score   the newcomer's score against that cluster's best member, null when there was no candidate
     */
    public record Verdict<C>(Outcome outcome, C cluster, MatchModel.Score score, List<Bridge<C>> alsoMatching) {
        public Verdict(Outcome outcome, C cluster, MatchModel.Score score) {
            this(outcome, cluster, score, List.of());
        }
    }

    /**
     * Another candidate cluster the newcomer would auto-merge with on its own (scored against it alone: no veto, no
     * conflict, corroborated, at or above the auto-merge threshold): the newcomer bridges it with the best cluster.
     * {@code birthDates}: once {@link #joinable} accepted it, the birth-date evidence of its check against the target.
     */
    public record Bridge<C>(C cluster, MatchModel.Score score, String birthDates) {
        public Bridge(C cluster, MatchModel.Score score) {
            this(cluster, score, null);
        }
    }

    /**
     * What the pairwise checks between two clusters found: the reason they cannot be one person (null when they may),
     * and the birth-date evidence the check used (a sentence without any value).
     */
    public record CrossCheck(String conflict, String birthDates) {
    }

    /** Why two clusters the newcomer bridges may not be joined, or null when they may. */
    public interface Apart<C> {
        /** @return a sentence without personal data, or null */
        String reason(C a, C b);
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

    public MatchModel model() {
        return model;
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
        List<Bridge<C>> qualifying = new java.util.ArrayList<>();
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
            if (!vetoed && clusterBest != null && !conflicts && autoMerges(clusterBest)) {
                qualifying.add(new Bridge<>(cluster.getKey(), clusterBest));
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
        if (!bestConflicts && autoMerges(bestScore)) {
            C chosen = best;
            List<Bridge<C>> others = qualifying.stream().filter(b -> !b.cluster().equals(chosen))
                    .sorted(java.util.Comparator.comparingDouble((Bridge<C> b) -> -b.score().weight())).toList();
            return new Verdict<>(Outcome.AUTO_MERGE, best, bestScore, others);
        }
        if (bestScore.weight() >= thresholds.review()) {
            return new Verdict<>(Outcome.REVIEW, best, bestScore);
        }
        return new Verdict<>(Outcome.NO_LINK, best, bestScore);
    }

    private boolean autoMerges(MatchModel.Score score) {
        return score.corroborated() && score.weight() >= thresholds.autoMerge();
    }

    /**
     * Which of the other clusters a newcomer bridges may join its cluster (in the order given, strongest first): one
     * joins when, against the target and every cluster joined before it, no manual decision keeps them apart
     * ({@code apart}) and no pair of their members is a hard conflict or scores below the veto, and their birth dates
     * are not two different ones ({@link #crossConflict}). So the newcomer's own decisions (each an auto-merge) and every pairwise comparison across the
     * clusters support the join; placeholders, relay and shared addresses are no match features, so they never bridge.
     *
     * @return the clusters to join, each with the newcomer's score against it and the birth-date evidence of its
     *         check against the target
     */
    public <C> List<Bridge<C>> joinable(C target, List<Bridge<C>> others, Map<C, List<PersonRecord>> clusters,
            TermFrequencies frequencies, Apart<C> apart) {
        List<C> group = new java.util.ArrayList<>(List.of(target));
        List<Bridge<C>> joined = new java.util.ArrayList<>();
        for (Bridge<C> other : others) {
            boolean fits = true;
            String birthDates = null;
            for (C member : group) {
                CrossCheck check = apart.reason(member, other.cluster()) != null ? null
                        : crossCheck(clusters.getOrDefault(member, List.of()),
                                clusters.getOrDefault(other.cluster(), List.of()), frequencies);
                if (check == null || check.conflict() != null) {
                    fits = false;
                    break;
                }
                if (member.equals(target)) {
                    birthDates = check.birthDates();
                }
            }
            if (fits) {
                group.add(other.cluster());
                joined.add(new Bridge<>(other.cluster(), other.score(), birthDates));
            }
        }
        return joined;
    }

    /**
     * Why two clusters' members cannot be one person, or null: a hard conflict or a score below the veto between any
     * two of their members, or two birth dates (both clusters hold birth dates and no date of one is the same as one of
     * the other or a plausible typo of it, {@link BirthDateTypos}: a cluster already holding two dates of one person may
     * join a guest holding either).
     */
    String crossConflict(List<PersonRecord> a, List<PersonRecord> b, TermFrequencies frequencies) {
        return crossCheck(a, b, frequencies).conflict();
    }

    /** {@link #crossConflict} with the birth-date evidence it used: the closest pair of dates across the clusters. */
    CrossCheck crossCheck(List<PersonRecord> a, List<PersonRecord> b, TermFrequencies frequencies) {
        boolean datesCompared = false;
        String closest = null;
        for (PersonRecord x : a) {
            for (PersonRecord y : b) {
                MatchModel.Score score = model.compare(x, y, frequencies);
                if (score.conflicting()) {
                    return new CrossCheck("conflict: " + score.hardConflict(), null);
                }
                if (score.weight() < thresholds.veto()) {
                    return new CrossCheck("two members score below the veto", null);
                }
                if (x.birthDate() != null && y.birthDate() != null) {
                    datesCompared = true;
                    String kind = BirthDateTypos.kind(x.birthDate(), y.birthDate()).orElse(null);
                    if (kind != null && (closest == null || BirthDateTypos.rank(kind) < BirthDateTypos.rank(closest))) {
                        closest = kind;
                    }
                }
            }
        }
        if (!datesCompared) {
            return new CrossCheck(null, "not compared (one of the guests holds no birth date)");
        }
        if (closest == null) {
            return new CrossCheck("two different birth dates, no typing error of each other", null);
        }
        return new CrossCheck(null, BirthDateTypos.SAME.equals(closest) ? "the same birth date on both guests"
                : "the closest birth dates of the two guests are " + closest + " (a typing error, so no second person)");
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
