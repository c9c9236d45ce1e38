package org.guestcrm.profile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.profile.domain.matching.ClusterScorer;
import org.guestcrm.profile.domain.matching.EmailEvidence;
import org.guestcrm.profile.domain.matching.IncrementalLinker;
import org.guestcrm.profile.domain.matching.MatchModel;
import org.guestcrm.profile.domain.matching.PersonRecord;
import org.guestcrm.profile.domain.matching.TermFrequencies;
import org.guestcrm.profile.mapping.GuestMapper;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The batch scorer of a history import: {@link IncrementalLinker} (the intake's {@link ClusterScorer}, blocking and
 * fs-7 budget, in memory, the term frequencies counted as records arrive) over N synthetic source profiles
 * ({@link SyntheticGuests}: a fifth of the persons with a second profile from another PMS, in shuffled order). Prints
 * the normalisation (the intake's {@link GuestMapper#computeMatchFeatures} on each profile) and the linking separately,
 * as profiles/s and CPU per profile, the heap held, and the pairwise precision/recall/F1 against the ground truth.
 * Plain JUnit, no database; skipped unless asked:
 * <pre>
 * ./mvnw -B -ntp -o -q -pl profile-service verify -Dquarkus.bootstrap.workspace-discovery=false \
 *    -Dtest=BatchLinkerProbe -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dbatch-linker.profiles=1000000
 * </pre>
 */
@EnabledIfSystemProperty(named = "batch-linker.profiles", matches = "\\d+")
class BatchLinkerProbe {

    private static final double DUPLICATES = 0.2;

    /**
     * {@code -Dbatch-linker.households=0,0.15}: one run per share of persons living in another's household
     * ({@link SyntheticGuests#person(int, double)}; above 0 also with second profiles that moved or changed surname),
     * default 0 (the generator as before fs-9).
     */
    @Test
    void historyImportScoring() {
        for (String share : System.getProperty("batch-linker.households", "0").split(",")) {
            historyImportScoring(Double.parseDouble(share.trim()));
        }
    }

    private void historyImportScoring(double households) {
        int total = Integer.getInteger("batch-linker.profiles");
        System.out.printf(Locale.ROOT, "=== model %s, %,d profiles, households share %.2f%n", MatchModel.VERSION, total,
                households);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<int[]> order = new ArrayList<>(total);
        for (int person = 0; order.size() < total; person++) {
            order.add(new int[] {person, 0});
            if (order.size() < total && SyntheticGuests.hasSecondProfile(person, DUPLICATES)) {
                order.add(new int[] {person, 1});
            }
        }
        Collections.shuffle(order, new Random(20261203L));

        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        EmailEvidence emails = EmailEvidence.standard();
        List<PersonRecord> records = new ArrayList<>(total);
        Map<String, Integer> truth = new HashMap<>(total * 2);
        Map<Integer, List<String>> idsOfPerson = new HashMap<>();
        for (int[] o : order) {
            List<GuestProfileChanged> profiles = SyntheticGuests.guest("import", o[0], DUPLICATES, households);
            GuestProfileChanged event = profiles.get(Math.min(o[1], profiles.size() - 1));
            SourceProfileEntity scratch = new SourceProfileEntity();
            GuestMapper.copyInto(event, scratch);
            scratch.id = java.util.UUID.randomUUID();
            GuestMapper.computeMatchFeatures(scratch, emails);
            PersonRecord record = GuestMapper.personOf(scratch);
            records.add(record);
            truth.put(record.id(), o[0]);
            idsOfPerson.computeIfAbsent(o[0], k -> new ArrayList<>()).add(record.id());
        }
        double prepareSeconds = (System.nanoTime() - start) / 1e9;
        double prepareCpu = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
        System.out.printf(Locale.ROOT, "Generated and normalised %,d profiles in %.1f s: %,.0f profiles/s, %.3f ms CPU each"
                + " (the generator's Avro events included)%n", total, prepareSeconds, total / prepareSeconds,
                prepareCpu / total);

        TermFrequencies frequencies = TermFrequencies.counting();
        IncrementalLinker linker = new IncrementalLinker(new MatchModel(), ClusterScorer.Thresholds.STANDARD,
                frequencies);
        cpu = threads.getCurrentThreadCpuTime();
        start = System.nanoTime();
        long stretchStart = start;
        long candidates = 0;
        int[] outcomes = new int[ClusterScorer.Outcome.values().length];
        FalseMergeTrace trace = new FalseMergeTrace(truth, frequencies);
        for (int i = 0; i < records.size(); i++) {
            IncrementalLinker.Decision d = linker.add(records.get(i));
            trace.record(records.get(i), d);
            candidates += d.candidates();
            outcomes[d.outcome().ordinal()]++;
            if ((i + 1) % Math.max(1, total / 10) == 0) {
                long now = System.nanoTime();
                System.out.printf(Locale.ROOT, "  %,10d linked: %,8.0f profiles/s over the last stretch%n", i + 1,
                        (total / 10) / ((now - stretchStart) / 1e9));
                stretchStart = now;
            }
        }
        double linkSeconds = (System.nanoTime() - start) / 1e9;
        double linkCpu = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long heap = runtime.totalMemory() - runtime.freeMemory();
        System.out.printf(Locale.ROOT, "Linked %,d profiles in %.1f s: %,.0f profiles/s, %.3f ms CPU each, %.1f candidates"
                + " per profile, outcomes %s, heap held %.0f MB%n", total, linkSeconds, total / linkSeconds,
                linkCpu / total, (double) candidates / total, outcomeNames(outcomes), heap / 1e6);

        Map<String, Integer> clusters = linker.clusters();
        Map<Integer, Map<Integer, Integer>> byCluster = new HashMap<>();
        Map<Integer, Integer> byPerson = new HashMap<>();
        clusters.forEach((id, cluster) -> byCluster.computeIfAbsent(cluster, k -> new HashMap<>())
                .merge(truth.get(id), 1, Integer::sum));
        truth.values().forEach(p -> byPerson.merge(p, 1, Integer::sum));
        long predicted = 0;
        long correct = 0;
        for (Map<Integer, Integer> persons : byCluster.values()) {
            long n = persons.values().stream().mapToLong(Integer::longValue).sum();
            predicted += n * (n - 1) / 2;
            for (int c : persons.values()) {
                correct += (long) c * (c - 1) / 2;
            }
        }
        List<Long> sizes = byCluster.values().stream().map(m -> m.values().stream().mapToLong(Integer::longValue).sum())
                .sorted(java.util.Comparator.reverseOrder()).limit(5).toList();
        long mixed = byCluster.values().stream().filter(m -> m.size() > 1).count();
        System.out.printf(Locale.ROOT, "Largest clusters %s; %,d clusters hold more than one person%n", sizes, mixed);
        long truePairs = byPerson.values().stream().mapToLong(n -> (long) n * (n - 1) / 2).sum();
        double precision = predicted == 0 ? 1 : (double) correct / predicted;
        double recall = (double) correct / truePairs;
        System.out.printf(Locale.ROOT, "Quality: %,d true pairs, %,d predicted, %,d correct: precision %.4f, recall %.4f,"
                + " F1 %.4f%n", truePairs, predicted, correct, precision, recall,
                2 * precision * recall / (precision + recall));
        if (households > 0) {
            // Households: a member's profiles in one cluster with its household's other person (false merges by
            // household); life events: a person who moved or changed surname whose two profiles are in one cluster.
            long householdPairs = 0;
            long householdsMerged = 0;
            Map<SyntheticGuests.LifeEvent, long[]> kept = new java.util.EnumMap<>(SyntheticGuests.LifeEvent.class);
            for (Map.Entry<Integer, List<String>> person : idsOfPerson.entrySet()) {
                int index = person.getKey();
                List<String> other = idsOfPerson.get(index - 1);
                if (SyntheticGuests.inHousehold(index, households) && other != null) {
                    householdPairs++;
                    java.util.Set<Integer> mine = new java.util.HashSet<>();
                    person.getValue().forEach(id -> mine.add(clusters.get(id)));
                    if (other.stream().anyMatch(id -> mine.contains(clusters.get(id)))) {
                        householdsMerged++;
                    }
                }
                SyntheticGuests.LifeEvent event = SyntheticGuests.lifeEvent(index, households);
                if (event != null && person.getValue().size() == 2) {
                    long[] counts = kept.computeIfAbsent(event, k -> new long[2]);
                    counts[1]++;
                    if (clusters.get(person.getValue().get(0)).equals(clusters.get(person.getValue().get(1)))) {
                        counts[0]++;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "Households: %,d persons living with another, %,d of them in one cluster with"
                    + " that other person%n", householdPairs, householdsMerged);
            kept.forEach((event, counts) -> System.out.printf(Locale.ROOT, "Life event %s: %,d persons with two"
                    + " profiles, %,d of them in one cluster (%.3f)%n", event, counts[1], counts[0],
                    (double) counts[0] / counts[1]));
        }
        assertEquals(total, clusters.size(), "every profile in a cluster");
        trace.print(Integer.getInteger("batch-linker.trace", 12));
    }

    /**
     * Which decisions put strangers together (synthetic persons only: the values printed are the generator's): a
     * newcomer auto-merged into a cluster holding none of its person's profiles, or a join of bridged clusters of
     * different persons. Groups them by the signature of the deciding evidence (field and level, the sign of each
     * weight) and prints the most frequent signatures with an example each: the two records' values side by side.
     */
    static final class FalseMergeTrace {
        private final Map<String, Integer> truth;
        private final Map<Integer, java.util.Set<Integer>> personsOf = new HashMap<>();
        private final Map<Integer, List<PersonRecord>> membersOf = new HashMap<>();
        private final Map<String, long[]> bySignature = new HashMap<>();
        private final Map<String, String> example = new HashMap<>();
        private long intoStrangers;
        private long joinsOfStrangers;
        private long indistinguishable;

        private final TermFrequencies frequencies;

        FalseMergeTrace(Map<String, Integer> truth, TermFrequencies frequencies) {
            this.truth = truth;
            this.frequencies = frequencies;
        }

        void record(PersonRecord r, IncrementalLinker.Decision d) {
            int person = truth.get(r.id());
            if (d.outcome() == ClusterScorer.Outcome.AUTO_MERGE) {
                java.util.Set<Integer> target = personsOf.get(d.candidateCluster());
                if (!target.contains(person)) {
                    intoStrangers++;
                    PersonRecord closest = null;
                    MatchModel.Score closestScore = null;
                    MatchModel model = new MatchModel();
                    for (PersonRecord m : membersOf.get(d.candidateCluster())) {
                        MatchModel.Score s = model.compare(r, m, frequencies);
                        if (closestScore == null || s.weight() > closestScore.weight()) {
                            closest = m;
                            closestScore = s;
                        }
                    }
                    boolean anyAgainst = d.score().evidence().stream().anyMatch(e -> e.weight() < 0);
                    if (!anyAgainst) {
                        indistinguishable++;
                    }
                    String signature = (membersOf.get(d.candidateCluster()).size() > 1 ? "cluster of "
                            + (personsOf.get(d.candidateCluster()).size() > 1 ? "several persons" : "one person")
                            : "single profile") + " | " + signature(d.score());
                    bySignature.computeIfAbsent(signature, k -> new long[1])[0]++;
                    String closestLine = String.format(Locale.ROOT, "%n      newcomer %s%n      closest  %s (alone: %s)%n"
                            + "      cluster: %s", values(r), values(closest), closestScore.explain(), d.score().explain());
                    example.putIfAbsent(signature, closestLine);
                }
                for (Integer absorbed : d.joined()) {
                    java.util.Set<Integer> a = personsOf.remove(absorbed);
                    if (!java.util.Collections.disjoint(a, personsOf.get(d.cluster())) || a.contains(person)) {
                        // a join that brings a person's profiles together
                    } else {
                        joinsOfStrangers++;
                    }
                    personsOf.get(d.cluster()).addAll(a);
                    membersOf.get(d.cluster()).addAll(membersOf.remove(absorbed));
                }
            }
            personsOf.computeIfAbsent(d.cluster(), k -> new java.util.HashSet<>()).add(person);
            membersOf.computeIfAbsent(d.cluster(), k -> new ArrayList<>()).add(r);
        }

        private static String signature(MatchModel.Score s) {
            return s.evidence().stream().map(e -> e.field() + " " + e.level().replaceAll(" \\(term frequency.*\\)",
                    " (tf)") + (e.weight() >= 0 ? " +" : " -")).sorted().reduce((a, b) -> a + ", " + b).orElse("");
        }

        private static String values(PersonRecord r) {
            return String.join(" / ", String.valueOf(r.givenName()), String.valueOf(r.surname()),
                    String.valueOf(r.birthDate()), String.valueOf(r.postcode()), String.valueOf(r.city()),
                    String.valueOf(r.email()), String.valueOf(r.phone()));
        }

        void print(int top) {
            System.out.printf(Locale.ROOT, "False merges: %,d newcomers auto-merged into a cluster of strangers (%,d with"
                    + " no field against), %,d joins of bridged clusters of different persons%n", intoStrangers,
                    indistinguishable, joinsOfStrangers);
            bySignature.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(top)
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %,7d  %s%s%n", e.getValue()[0], e.getKey(),
                            example.get(e.getKey())));
            bySignature.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).skip(top)
                    .limit(3L * top).forEach(e -> System.out.printf(Locale.ROOT, "  %,7d  %s%n", e.getValue()[0],
                            e.getKey()));
        }
    }

    private static String outcomeNames(int[] counts) {
        StringBuilder out = new StringBuilder();
        for (ClusterScorer.Outcome o : ClusterScorer.Outcome.values()) {
            out.append(out.isEmpty() ? "" : ", ").append(o).append(' ').append(String.format(Locale.ROOT, "%,d",
                    counts[o.ordinal()]));
        }
        return out.toString();
    }
}
