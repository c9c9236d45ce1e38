package org.guestcrm.profile.domain.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.guestcrm.profile.tools.DedupEval;
import org.junit.jupiter.api.Test;

/**
 * Pairwise precision, recall and F1 of the incremental linker (records added one at a time, in file order, with the
 * standard thresholds: the same for every file) on person data with ground truth, plus the share of true pairs that
 * blocking finds and the candidates each record was scored against ({@link LinkageEvaluation}, read by
 * {@link DedupEval}, the same figures {@code DedupEval} prints). Prints the figures; asserts floors measured on this
 * data (see the canvas).
 */
class LinkageQualityTest {

    private static final EmailEvidence EMAILS = EmailEvidence.standard();

    @Test
    void febrlWithAndWithoutTheDocumentNumberAndFake1000WithEmail() throws IOException {
        List<LinkageEvaluation.Quality> results = new ArrayList<>();
        List<LinkageEvaluation.Quality> placingOnly = new ArrayList<>();
        Map<String, List<LinkageEvaluation.Labelled>> files = new java.util.LinkedHashMap<>();
        for (String file : List.of("dataset1", "dataset2", "dataset3")) {
            files.put(file + " with soc_sec_id", read(file, "soc_sec_id"));
            files.put(file + " without soc_sec_id", read(file, null));
        }
        files.put("fake_1000 (e-mail)", read("fake_1000", null));
        files.forEach((name, data) -> {
            results.add(LinkageEvaluation.measure(name, data));
            placingOnly.add(LinkageEvaluation.measure(name, data, new MatchModel(), ClusterScorer.Thresholds.STANDARD,
                    false));
        });
        placingOnly.forEach(q -> System.out.println("Linkage quality (model " + MatchModel.VERSION
                + ", newcomers only placed): " + q));
        results.forEach(q -> System.out.println("Linkage quality (model " + MatchModel.VERSION
                + ", bridged guests joined): " + q));

        // fs-6 (the birth-date level "year one digit apart, day within 45 days" instead of 31, u 0.04): fake_1000
        // 0.967 -> 0.972 (precision 1.000, recall 0.935 -> 0.945), FEBRL unchanged; the floor is 0.97 (issue 8's aim)
        // and fake_1000's precision stays at 0.995 or more.
        // fs-5 (a mistyped address on another domain, same digits, at most 3 edits: neutral instead of -6.6): fake_1000
        // 0.951 -> 0.967 (precision 1.000), newcomers only placed 0.918 -> 0.934; FEBRL unchanged (no e-mails).
        // Floors just below the figures of fs-4 (fs-3 with the birth-date level "year one digit apart, day within 31
        // days", and bridged guests kept apart only by birth dates that are no typo of each other) with blocking c and
        // bridged guests joined (canvas): fake_1000 0.951 (fs-3: 0.924). Newcomers only placed: fake_1000 0.918 (fs-3:
        // 0.899), FEBRL 3 without soc_sec_id 0.996.
        Map<String, Double> floors = Map.of(
                "dataset1 with soc_sec_id", 0.97, "dataset1 without soc_sec_id", 0.995,
                "dataset2 with soc_sec_id", 0.97, "dataset2 without soc_sec_id", 0.995,
                "dataset3 with soc_sec_id", 0.96, "dataset3 without soc_sec_id", 0.994,
                "fake_1000 (e-mail)", 0.970);
        for (LinkageEvaluation.Quality q : results) {
            assertTrue(q.f1() >= floors.get(q.name()), q + " is below its floor F1 " + floors.get(q.name()));
            assertTrue(q.precision() >= 0.98, q + ": recall is never bought with precision below 0.98");
            // Blocking stays cheap: a handful of candidates per newcomer, never more than the block cap's order.
            assertTrue(q.candidatesPerRecord() < 5, q + ": more than 5 candidates per record");
            assertTrue(q.maxCandidates() <= 60, q + ": a record had more than 60 candidates");
        }
        for (int i = 0; i < results.size(); i++) {
            assertTrue(results.get(i).f1() >= placingOnly.get(i).f1() - 1e-9, results.get(i)
                    + ": joining bridged guests never costs F1 (placing only: " + placingOnly.get(i) + ")");
            assertTrue(results.get(i).precision() >= 0.99, results.get(i) + ": joining keeps precision at 0.99 or more");
        }
        LinkageEvaluation.Quality fake = results.get(results.size() - 1);
        // What fake_1000 still misses: its persons the linker left in more than one guest, printed here (the
        // test's output, never a log): each stray guest's records, their decisions and their score against the person's
        // largest guest.
        long missed = printMissedPersons(files.get("fake_1000 (e-mail)"));
        assertEquals(fake.truePairs() - fake.correctPairs(), missed, "the missed pairs printed are the ones F1 counts");
        // Blocking c (either name + city start, surname + birth month, e-mail as Soundex codes): 0.867 -> 0.908.
        assertTrue(fake.blockingRecall() >= 0.90, fake + " finds fewer true pairs by blocking than 0.90");
        assertTrue(fake.precision() >= 0.995, fake + ": fs-6's recall is not bought with precision below 0.995");
    }

    /**
     * Links the records as {@link LinkageEvaluation#measure} does and prints every true person split across guests:
     * the guests' records (synthetic test data; the e-mails' {@code @} written " at ", so the suite's scan of its output
     * for addresses stays meaningful), each stray record's decision and its score against the person's
     * largest guest. Returns the true pairs left apart.
     */
    private static long printMissedPersons(List<LinkageEvaluation.Labelled> data) {
        IncrementalLinker linker = new IncrementalLinker(new MatchModel(), ClusterScorer.Thresholds.STANDARD,
                TermFrequencies.counting(), true);
        Map<String, IncrementalLinker.Decision> decisions = new java.util.HashMap<>();
        for (LinkageEvaluation.Labelled l : data) {
            decisions.put(l.record().id(), linker.add(l.record()));
        }
        Map<String, Integer> clusterOf = linker.clusters();
        Map<String, Map<Integer, List<PersonRecord>>> byPerson = new java.util.LinkedHashMap<>();
        for (LinkageEvaluation.Labelled l : data) {
            byPerson.computeIfAbsent(l.truth(), k -> new java.util.TreeMap<>())
                    .computeIfAbsent(clusterOf.get(l.record().id()), k -> new ArrayList<>()).add(l.record());
        }
        ClusterScorer scorer = new ClusterScorer(new MatchModel(), ClusterScorer.Thresholds.STANDARD);
        long missedPairs = 0;
        int persons = 0;
        StringBuilder out = new StringBuilder("Persons of fake_1000 split across guests:\n");
        for (Map.Entry<String, Map<Integer, List<PersonRecord>>> person : byPerson.entrySet()) {
            if (person.getValue().size() < 2) {
                continue;
            }
            persons++;
            List<List<PersonRecord>> groups = new ArrayList<>(person.getValue().values());
            groups.sort(java.util.Comparator.comparingInt((List<PersonRecord> g) -> -g.size()));
            long pairs = 0;
            for (int i = 0; i < groups.size(); i++) {
                for (int j = i + 1; j < groups.size(); j++) {
                    pairs += (long) groups.get(i).size() * groups.get(j).size();
                }
            }
            missedPairs += pairs;
            out.append("person ").append(person.getKey()).append(": ").append(groups.size()).append(" guests, ")
                    .append(pairs).append(" pairs missed\n");
            List<PersonRecord> main = groups.get(0);
            java.util.Set<String> mainKeys = new java.util.HashSet<>();
            main.forEach(r -> mainKeys.addAll(IncrementalLinker.blockingKeys(r)));
            for (int g = 0; g < groups.size(); g++) {
                for (PersonRecord r : groups.get(g)) {
                    IncrementalLinker.Decision d = decisions.get(r.id());
                    out.append(g == 0 ? "  main " : "  stray").append(String.format(java.util.Locale.ROOT,
                            " %4s %-12s %-12s %-8s %-12s %-34s %s", r.id(), r.givenName(), r.surname(), r.birthDate(),
                            r.city(), r.email() == null ? null : r.email().replace("@", " at "), d.outcome()));
                    if (g > 0) {
                        java.util.Set<String> shared = new java.util.HashSet<>(IncrementalLinker.blockingKeys(r));
                        shared.retainAll(mainKeys);
                        ClusterScorer.Verdict<Integer> v = scorer.decide(r, Map.of(0, main));
                        out.append(shared.isEmpty() ? " [no blocking key with main]" : " [blocked with main]")
                                .append(" vs main: ").append(v.score() == null ? "vetoed" : v.outcome() + " "
                                        + v.score().explain());
                    }
                    out.append('\n');
                }
            }
        }
        out.append(persons).append(" persons split, ").append(missedPairs).append(" true pairs missed");
        System.out.println(out);
        return missedPairs;
    }

    private static List<LinkageEvaluation.Labelled> read(String file, String documentColumn) throws IOException {
        try (InputStream in = LinkageQualityTest.class.getResourceAsStream("/dedup/" + file + ".csv")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource dedup/" + file + ".csv");
            }
            return DedupEval.read(in, documentColumn, EMAILS);
        }
    }
}
