package org.guestcrm.profile.domain.matching;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Links person records one at a time, in memory (the measure of {@code LinkageQualityTest}, and a history import):
 * blocking finds candidate records through several keys ({@link #blockingKeys}), skipping any block larger than the
 * cap; {@link ClusterScorer} (the rule the live intake uses too) decides among the candidates' clusters.
 */
public final class IncrementalLinker {

    /** Where a record went and why (the shared {@link ClusterScorer.Outcome}). */
    public record Decision(String recordId, ClusterScorer.Outcome outcome, Integer cluster, Integer candidateCluster,
            MatchModel.Score score, int candidates, List<Integer> joined) {
    }

    private final ClusterScorer scorer;
    /**
     * The records' ids per blocking key: ids (their hash cached, equal when identical) rather than the records, whose
     * hash and equality go over every field: counting a block's new members ({@link #usableBlocks}) hashed each
     * member's eleven fields (BatchLinkerProbe's JFR: a quarter of the linker's samples in those look-ups).
     */
    private final Map<String, List<String>> blocks = new HashMap<>();
    private final Map<String, Integer> clusterOf = new HashMap<>();
    private final Map<Integer, List<PersonRecord>> members = new HashMap<>();
    private final TermFrequencies frequencies;
    private final boolean joining;
    private int nextCluster;

    public IncrementalLinker(MatchModel model, ClusterScorer.Thresholds thresholds) {
        this(model, thresholds, TermFrequencies.none());
    }

    /** @param frequencies counts the records added (each after it is scored), for the term-frequency adjustment */
    public IncrementalLinker(MatchModel model, ClusterScorer.Thresholds thresholds, TermFrequencies frequencies) {
        this(model, thresholds, frequencies, true);
    }

    /**
     * @param joining whether a newcomer that auto-merges with two or more clusters joins them
     *                ({@link ClusterScorer#joinable}: the oldest cluster survives), as the intake does; false measures the
     *                linker that only ever places the newcomer
     */
    public IncrementalLinker(MatchModel model, ClusterScorer.Thresholds thresholds, TermFrequencies frequencies,
            boolean joining) {
        this.scorer = new ClusterScorer(model, thresholds);
        this.frequencies = frequencies;
        this.joining = joining;
    }

    public Decision add(PersonRecord record) {
        Map<Integer, List<PersonRecord>> candidates = new LinkedHashMap<>();
        Set<String> candidateRecords = new java.util.HashSet<>();
        ClusterScorer.Thresholds thresholds = scorer.thresholds();
        for (String key : usableBlocks(blockingKeys(record), k -> blocks.getOrDefault(k, List.of()),
                thresholds.blockCap(), thresholds.candidateBudget())) {
            for (String other : blocks.get(key)) {
                candidateRecords.add(other);
                Integer cluster = clusterOf.get(other);
                candidates.computeIfAbsent(cluster, members::get);
            }
        }
        ClusterScorer.Verdict<Integer> verdict = scorer.decide(record, candidates, frequencies);
        Decision decision;
        if (verdict.outcome() == ClusterScorer.Outcome.AUTO_MERGE) {
            List<Integer> joined = !joining || verdict.alsoMatching().isEmpty() ? List.of()
                    : scorer.joinable(verdict.cluster(), verdict.alsoMatching(), candidates, frequencies, (a, b) -> null)
                            .stream().map(ClusterScorer.Bridge::cluster).toList();
            int survivor = verdict.cluster();
            for (Integer other : joined) {
                survivor = Math.min(survivor, other);
            }
            List<Integer> absorbed = new ArrayList<>();
            for (Integer c : joinedWith(verdict.cluster(), joined)) {
                if (c != survivor) {
                    absorbed.add(c);
                    for (PersonRecord moved : members.remove(c)) {
                        clusterOf.put(moved.id(), survivor);
                        members.get(survivor).add(moved);
                    }
                }
            }
            decision = new Decision(record.id(), verdict.outcome(), survivor, verdict.cluster(), verdict.score(),
                    candidateRecords.size(), List.copyOf(absorbed));
        } else {
            int cluster = nextCluster++;
            members.put(cluster, new ArrayList<>());
            decision = new Decision(record.id(), verdict.outcome(), cluster, verdict.cluster(), verdict.score(),
                    candidateRecords.size(), List.of());
        }
        frequencies.add(record);
        clusterOf.put(record.id(), decision.cluster());
        members.get(decision.cluster()).add(record);
        for (String key : blockingKeys(record)) {
            blocks.computeIfAbsent(key, k -> new ArrayList<>()).add(record.id());
        }
        return decision;
    }

    private static List<Integer> joinedWith(Integer target, List<Integer> joined) {
        List<Integer> all = new ArrayList<>(List.of(target));
        all.addAll(joined);
        return all;
    }

    public Map<String, Integer> clusters() {
        return Map.copyOf(clusterOf);
    }

    /** The blocking keys of a record (also used to measure blocking recall). */
    /**
     * The blocks a record's candidates come from (fs-7): its blocks smallest first (then in key order), none larger than
     * the cap, as long as the distinct members gathered stay within the budget; the block that would take them past it
     * and every larger one are left out. The smallest blocks are the most specific keys (an e-mail, a phone, a name with
     * a birth date), so the budget drops the weak keys' blocks first, which grow with the store.
     *
     * @param membersOf a block's members (empty when there is none)
     */
    public static <T> List<String> usableBlocks(Collection<String> keys,
            java.util.function.Function<String, ? extends Collection<T>> membersOf, int cap, int budget) {
        List<Map.Entry<String, Collection<T>>> sized = new ArrayList<>();
        for (String key : keys) {
            Collection<T> members = membersOf.apply(key);
            if (!members.isEmpty() && members.size() <= cap) {
                sized.add(Map.entry(key, members));
            }
        }
        sized.sort(java.util.Comparator.comparingInt(e -> e.getValue().size()));
        Set<T> gathered = new java.util.HashSet<>();
        List<String> usable = new ArrayList<>();
        for (Map.Entry<String, Collection<T>> block : sized) {
            int added = 0;
            for (T member : block.getValue()) {
                if (!gathered.contains(member)) {
                    added++;
                }
            }
            if (gathered.size() + added > budget) {
                break;
            }
            gathered.addAll(block.getValue());
            usable.add(block.getKey());
        }
        return usable;
    }

    public static Set<String> blockingKeys(PersonRecord r) {
        Set<String> keys = new LinkedHashSet<>();
        String sSur = r.surname() == null ? null : Similarity.soundex(r.surname());
        String sGiven = r.givenName() == null ? null : Similarity.soundex(r.givenName());
        if (r.email() != null) {
            keys.add("e:" + r.email());
        }
        if (r.documentNumber() != null) {
            keys.add("d:" + r.documentNumber());
        }
        if (r.phone() != null) {
            keys.add("p:" + r.phone());
        }
        if (r.loyaltyNumber() != null) {
            keys.add("l:" + r.loyaltyNumber());
        }
        if (r.birthDate() != null) {
            keys.add("b:" + r.birthDate());
            if (sSur != null) {
                keys.add("sb:" + sSur + r.birthDate());
            }
            if (sGiven != null) {
                keys.add("gb:" + sGiven + r.birthDate());
            }
            if (r.postcode() != null) {
                keys.add("bp:" + r.birthDate() + r.postcode());
            }
        }
        if (r.postcode() != null) {
            if (sSur != null) {
                keys.add("sp:" + sSur + r.postcode());
            }
            if (sGiven != null) {
                keys.add("gp:" + sGiven + r.postcode());
            }
        }
        if (sSur != null && sGiven != null) {
            keys.add("n:" + (sSur.compareTo(sGiven) < 0 ? sSur + sGiven : sGiven + sSur));
        }
        if (r.city() != null) {
            if (sSur != null) {
                keys.add("sc:" + sSur + r.city());
            }
            if (sGiven != null) {
                keys.add("gc:" + sGiven + r.city());
            }
        }
        if (r.email() != null && sGiven != null) {
            keys.add("eg:" + r.email().substring(r.email().lastIndexOf('@') + 1) + sGiven);
        }
        // fs-2 blocking b (fake_1000 blocking recall 0.80 -> 0.87): the e-mail's local part (a typo in the domain),
        // and a phonetic name with the birth year or with month and day (a typo in the other half of the date).
        if (r.email() != null) {
            String local = r.email().substring(0, Math.max(0, r.email().lastIndexOf('@')));
            if (local.length() >= 4) {
                keys.add("el:" + local);
            }
        }
        if (r.birthDate() != null && r.birthDate().length() == 8) {
            String year = r.birthDate().substring(0, 4);
            String monthDay = r.birthDate().substring(4);
            if (sSur != null) {
                keys.add("sy:" + sSur + year);
                keys.add("smd:" + sSur + monthDay);
            }
            if (sGiven != null) {
                keys.add("gy:" + sGiven + year);
                keys.add("gmd:" + sGiven + monthDay);
            }
        }
        // fs-3 blocking c (fake_1000 blocking recall 0.867 -> 0.911, candidates per record 2.0 -> 2.5): either name's
        // Soundex with the city's first four letters (a given name entered as the surname; a city mistyped after its
        // start), the surname's Soundex with the birth month (year and day mistyped), and the e-mail's local part and
        // domain as Soundex codes (typing errors on both sides of the @).
        String city4 = r.city() != null && r.city().length() >= 4 ? r.city().substring(0, 4) : null;
        if (city4 != null) {
            if (sSur != null) {
                keys.add("nc:" + sSur + city4);
            }
            if (sGiven != null) {
                keys.add("nc:" + sGiven + city4);
            }
        }
        if (sSur != null && r.birthDate() != null && r.birthDate().length() == 8) {
            keys.add("sm:" + sSur + r.birthDate().substring(4, 6));
        }
        if (r.email() != null) {
            int at = r.email().lastIndexOf('@');
            String localLetters = lettersOf(r.email().substring(0, Math.max(0, at)));
            String domain = r.email().substring(at + 1);
            int dot = domain.indexOf('.');
            String domainLetters = lettersOf(dot < 0 ? domain : domain.substring(0, dot));
            if (localLetters.length() >= 3 && domainLetters.length() >= 3) {
                keys.add("es:" + Similarity.soundex(localLetters) + Similarity.soundex(domainLetters));
            }
        }
        return keys;
    }

    private static String lettersOf(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 'a' && c <= 'z') {
                out.append(c);
            }
        }
        return out.toString();
    }
}
