package org.guestcrm.profile.domain.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Guests created apart that a newcomer bridges ({@link ClusterScorer#joinable}, {@link IncrementalLinker} with
 * joining): joined only when the newcomer auto-merges with each on its own and nothing between them says two people.
 */
class BridgingTest {

    private static final EmailEvidence EMAILS = EmailEvidence.standard();
    private final ClusterScorer scorer = new ClusterScorer(new MatchModel(), ClusterScorer.Thresholds.STANDARD);

    private static PersonRecord person(String id, String birthDate, String postcode, String city, String email) {
        return PersonRecord.of(id, "Henrike", "Vollmar", birthDate, postcode, city, null, email, null, EMAILS);
    }

    private static Map<String, List<PersonRecord>> clusters(PersonRecord a, PersonRecord b) {
        Map<String, List<PersonRecord>> clusters = new LinkedHashMap<>();
        clusters.put("A", List.of(a));
        clusters.put("B", List.of(b));
        return clusters;
    }

    @Test
    void aNewcomerMatchingTwoGuestsBridgesThem() {
        PersonRecord a = person("a", null, null, null, "hv.private@example.com");
        PersonRecord b = person("b", "19790521", "3011", "bern", "henrike.work@corp.example.net");
        assertEquals(ClusterScorer.Outcome.REVIEW, scorer.decide(b, Map.of("A", List.of(a))).outcome(),
                "names alone never merge: the two are apart");
        PersonRecord c = person("c", "19790521", "3011", "bern", "hv.private@example.com");
        ClusterScorer.Verdict<String> verdict = scorer.decide(c, clusters(a, b));
        assertEquals(ClusterScorer.Outcome.AUTO_MERGE, verdict.outcome());
        assertEquals("B", verdict.cluster(), "the birth date and address weigh more than the e-mail");
        assertEquals(List.of("A"), verdict.alsoMatching().stream().map(ClusterScorer.Bridge::cluster).toList());
        List<ClusterScorer.Bridge<String>> joined = scorer.joinable(verdict.cluster(), verdict.alsoMatching(),
                clusters(a, b), TermFrequencies.none(), (x, y) -> null);
        assertEquals(List.of("A"), joined.stream().map(ClusterScorer.Bridge::cluster).toList());

        IncrementalLinker linker = new IncrementalLinker(new MatchModel(), ClusterScorer.Thresholds.STANDARD,
                TermFrequencies.none(), true);
        linker.add(a);
        linker.add(b);
        IncrementalLinker.Decision decision = linker.add(c);
        assertEquals(1, decision.joined().size(), decision.toString());
        assertEquals(1, linker.clusters().values().stream().distinct().count(), linker.clusters().toString());
        assertEquals(linker.clusters().get("a"), decision.cluster(), "the oldest cluster survives");

        IncrementalLinker placing = new IncrementalLinker(new MatchModel(), ClusterScorer.Thresholds.STANDARD,
                TermFrequencies.none(), false);
        placing.add(a);
        placing.add(b);
        assertTrue(placing.add(c).joined().isEmpty());
        assertEquals(2, placing.clusters().values().stream().distinct().count());
    }

    @Test
    void birthDatesThatArePlausibleTyposOfEachOtherDoNotKeepGuestsApart() {
        PersonRecord c = person("c", null, "3011", "bern", "hv.private@example.com");
        // The year one digit off and the day four weeks off: a typing error, not a second person.
        PersonRecord a = person("a", "19740821", null, null, "hv.private@example.com");
        PersonRecord b = person("b", "19840919", "3011", "bern", "henrike.work@corp.example.net");
        ClusterScorer.Verdict<String> verdict = scorer.decide(c, clusters(a, b));
        assertEquals(ClusterScorer.Outcome.AUTO_MERGE, verdict.outcome());
        List<ClusterScorer.Bridge<String>> joined = scorer.joinable(verdict.cluster(), verdict.alsoMatching(),
                clusters(a, b), TermFrequencies.none(), (x, y) -> null);
        assertEquals(1, joined.size(), verdict.toString());
        assertEquals("the closest birth dates of the two guests are " + BirthDateTypos.NEAR
                + " (a typing error, so no second person)", joined.get(0).birthDates());

        // Day and month swapped, and one of two dates the same: the evidence names the closest pair.
        PersonRecord swapped = person("s", "19790305", null, null, "hv.private@example.com");
        PersonRecord b2 = person("b", "19790503", "3011", "bern", "henrike.work@corp.example.net");
        assertEquals(ClusterScorer.Outcome.AUTO_MERGE, scorer.decide(c, clusters(swapped, b2)).outcome());
        ClusterScorer.CrossCheck check = scorer.crossCheck(List.of(swapped), List.of(b2), TermFrequencies.none());
        assertEquals(null, check.conflict());
        assertTrue(check.birthDates().contains(BirthDateTypos.DAY_MONTH_SWAPPED), check.toString());
        PersonRecord alsoSame = person("t", "19790503", null, null, null);
        assertEquals("the same birth date on both guests", scorer.crossCheck(List.of(swapped, alsoSame), List.of(b2),
                TermFrequencies.none()).birthDates());
        PersonRecord noDate = person("n", null, null, null, "hv.private@example.com");
        assertEquals("not compared (one of the guests holds no birth date)",
                scorer.crossCheck(List.of(noDate), List.of(b2), TermFrequencies.none()).birthDates());
    }

    @Test
    void twoBirthDatesAKeepApartOrARelayAddressNeverBridge() {
        PersonRecord c = person("c", null, "3011", "bern", "hv.private@example.com");
        // Two birth dates across the guests: one person cannot have both.
        PersonRecord a = person("a", "19790521", null, null, "hv.private@example.com");
        PersonRecord b = person("b", "19621103", "3011", "bern", "henrike.work@corp.example.net");
        ClusterScorer.Verdict<String> verdict = scorer.decide(c, clusters(a, b));
        assertEquals(ClusterScorer.Outcome.AUTO_MERGE, verdict.outcome());
        assertEquals(1, verdict.alsoMatching().size(), verdict.toString());
        assertTrue(scorer.joinable(verdict.cluster(), verdict.alsoMatching(), clusters(a, b), TermFrequencies.none(),
                (x, y) -> null).isEmpty(), "two different birth dates are never joined");
        assertEquals("two different birth dates, no typing error of each other",
                scorer.crossConflict(List.of(a), List.of(b), TermFrequencies.none()));

        // A reviewer's keep-apart between the guests.
        PersonRecord a2 = person("a", null, null, null, "hv.private@example.com");
        PersonRecord b2 = person("b", "19790521", "3011", "bern", "henrike.work@corp.example.net");
        ClusterScorer.Verdict<String> kept = scorer.decide(c, clusters(a2, b2));
        assertEquals(1, kept.alsoMatching().size());
        assertTrue(scorer.joinable(kept.cluster(), kept.alsoMatching(), clusters(a2, b2), TermFrequencies.none(),
                (x, y) -> "a reviewer kept them apart").isEmpty());

        // An OTA relay address is no match feature: the newcomer sharing only it with a guest does not bridge it.
        PersonRecord relayGuest = PersonRecord.of("r", "Henrike", "Vollmar", null, null, null, null,
                "x7f3k9@guest.booking.com", null, EMAILS);
        PersonRecord relayNewcomer = PersonRecord.of("n", "Henrike", "Vollmar", "19790521", "3011", "bern", null,
                "x7f3k9@guest.booking.com", null, EMAILS);
        ClusterScorer.Verdict<String> relay = scorer.decide(relayNewcomer, clusters(relayGuest, b2));
        assertEquals(ClusterScorer.Outcome.AUTO_MERGE, relay.outcome());
        assertEquals("B", relay.cluster());
        assertTrue(relay.alsoMatching().isEmpty(), "names and a relay address never make a bridge: " + relay);
    }
}
