package org.guestcrm.profile.domain.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MatchingRulesTest {

    private final EmailEvidence emails = EmailEvidence.standard();

    @Test
    void otaRelayAndPlaceholderAddressesAreNeverEvidence() {
        assertFalse(emails.isEvidence("x7f3k9@guest.booking.com"));
        assertFalse(emails.isEvidence("abc123@m.expediapartnercentral.com"));
        assertFalse(emails.isEvidence("noemail@hotel-alpha.ch"));
        assertFalse(emails.isEvidence("reception@hotel-alpha.ch"));
        assertTrue(emails.isEvidence("anna.muster@example.com"));
        assertTrue(emails.isEvidence("anna@booking.company.ch"), "only the listed domain and its subdomains");
    }

    @Test
    void jaroWinklerEditDistanceAndSoundexBehaveAsPublished() {
        assertEquals(0.961, Similarity.jaroWinkler("martha", "marhta"), 0.001);
        assertEquals(0.840, Similarity.jaroWinkler("dwayne", "duane"), 0.001);
        assertEquals(1, Similarity.editDistance("19710624", "19710642"));
        assertEquals("R163", Similarity.soundex("robert"));
        assertEquals("R163", Similarity.soundex("rupert"));
        assertEquals("A261", Similarity.soundex("ashcraft"));
    }

    @Test
    void namesAreNormalisedAndSwappedNamesStillMatch() {
        PersonRecord a = PersonRecord.of("a", "Dr. José", "Müller-Lüdenscheidt", "1980-02-03", null, null, null, null, null, emails);
        assertEquals("jose", a.givenName());
        assertEquals("mullerludenscheidt", a.surname());
        PersonRecord swapped = PersonRecord.of("b", "Muller-Ludenscheidt", "Jose", "19800203", null, null, null, null, null, emails);
        assertTrue(new MatchModel().compare(a, swapped).weight() > ClusterScorer.Thresholds.STANDARD.autoMerge());
    }

    @Test
    void fs5AMistypedAddressIsNeutralButSimilarAddressesOfOtherPeopleStayEvidenceAgainst() {
        // Mistyped over local part and domain at once (fake_1000's stray records): neither for nor against.
        assertEquals("a few typing errors apart, neither for nor against",
                emailLevel("evied56@harris-bailey.net", "evihd56@earris-bailey.net"));
        assertEquals("a few typing errors apart, neither for nor against",
                emailLevel("ajones-@cortez6wilcox.com", "ajones6@cortez-wilcox.com"));
        // Other accounts: another number, a name that merely starts alike on one domain, far apart.
        assertEquals("different", emailLevel("peter.keller@gmail.com", "peter.koch@gmail.com"));
        assertEquals("different", emailLevel("anna.kellerb12@example3.com", "anna.kellerb40@example1.com"));
        assertEquals("different", emailLevel("anna.muster@gmail.com", "anna.mueller@yahoo.com"));
    }

    /**
     * fs-8, traced on synthetic persons ({@code it.BatchLinkerProbe}'s false merges): look-alike mailboxes of look-alike
     * names on one domain are other people, and a city agreeing where the postcode agrees is not a second fact.
     */
    @Test
    void fs8LookAlikeMailboxesAreOtherPeopleAndTheCityOfAnAgreeingPostcodeCountsOnce() {
        // Three edits apart on one domain: another mailbox (before fs-8: the close level, +6.3 bits).
        assertEquals("different", emailLevel("anna.schneider.imp@mail.example", "anna.schneider.unl@mail.example"));
        assertEquals("different", emailLevel("anna.schneider43.ppe@mail.example", "anna.schneider56.4du@mail.example"));
        // A typing error (fake_1000: one letter added, one digit lost) stays the close level.
        assertEquals("same domain, local part jaro-winkler>=0.88", emailLevel("robert255@smith.net", "roberta25@smith.net"));
        PersonRecord anna = PersonRecord.of("a", "Anna", "Schneider", null, null, null, null,
                "anna.schneider.imp@mail.example", null, emails);
        PersonRecord other = PersonRecord.of("b", "Anna", "Schneider", null, null, null, null,
                "anna.schneider.unl@mail.example", null, emails);
        ClusterScorer scorer = new ClusterScorer(new MatchModel(), ClusterScorer.Thresholds.STANDARD);
        assertFalse(scorer.decide(anna, java.util.Map.of(1, java.util.List.of(other))).outcome()
                == ClusterScorer.Outcome.AUTO_MERGE, "two Anna Schneiders with two mailboxes are not merged on them");

        // The same postcode and city: the postcode's 8.1 bits and the city given the postcode (+2.2), not the city's
        // own weight again (before fs-8: +6.6 without term frequencies).
        PersonRecord thomas = PersonRecord.of("c", "Thomas", "Ezsonkelwy", null, "4054", "Basel", null, null, null, emails);
        PersonRecord neighbour = PersonRecord.of("d", "Thomas", "Hoffmann", null, "4054", "Basel", null, null, null, emails);
        MatchModel.Score score = new MatchModel().compare(thomas, neighbour);
        MatchModel.FieldEvidence city = score.evidence().stream().filter(e -> e.field().equals("city")).findFirst()
                .orElseThrow();
        assertEquals("exact, with the postcode agreeing", city.level());
        assertEquals(2.2, city.weight(), 0.05);
        // Another postcode of the city: the city weighs as itself.
        PersonRecord across = PersonRecord.of("e", "Thomas", "Hoffmann", null, "4001", "Basel", null, null, null, emails);
        assertEquals("exact", new MatchModel().compare(thomas, across).evidence().stream()
                .filter(e -> e.field().equals("city")).findFirst().orElseThrow().level());
    }

    /**
     * fs-9: two persons of one household sharing a landline or a family e-mail (and the address and surname; their own
     * given names and birth dates) are never merged automatically, while one person who moved or changed surname still
     * is on strong evidence.
     */
    @Test
    void fs9APersonsHouseholdIsNoMatchButAMoveOrANewSurnameStillIs() {
        ClusterScorer scorer = new ClusterScorer(new MatchModel(), ClusterScorer.Thresholds.STANDARD);
        PersonRecord anna = PersonRecord.of("a", "Anna", "Keller", "1975-04-12", "8004", "Zuerich", "Seestrasse 12",
                "kellers@mail.example", null, "+41441234567", null, emails);
        PersonRecord peter = PersonRecord.of("b", "Peter", "Keller", "1972-11-30", "8004", "Zuerich", "Seestrasse 12",
                "kellers@mail.example", null, "+41441234567", null, emails);
        MatchModel.Score household = new MatchModel().compare(anna, peter);
        assertTrue(household.weight() > 20, "the fields shared weigh a lot: " + household.explain());
        assertEquals("different given names and different birth dates sharing a contact point (a household's)",
                household.hardConflict());
        assertEquals(ClusterScorer.Outcome.REVIEW, decide(scorer, peter, anna),
                "a household's second person goes to review at most");

        // Either shared contact point alone is enough; a given name with a typing error is not another person's.
        PersonRecord peterOwnMail = PersonRecord.of("c", "Peter", "Keller", "1972-11-30", "8004", "Zuerich",
                "Seestrasse 12", "peter.keller@mail.example", null, "+41441234567", null, emails);
        assertTrue(new MatchModel().compare(anna, peterOwnMail).conflicting());
        PersonRecord annaMistyped = PersonRecord.of("d", "Anan", "Keller", "1990-01-05", "8004", "Zuerich",
                "Seestrasse 12", "kellers@mail.example", null, "+41441234567", null, emails);
        assertFalse(new MatchModel().compare(anna, annaMistyped).conflicting(), "anan is anna mistyped");
        // Names swapped and mistyped (fake_1000: dixon james / jsames): not two given names.
        PersonRecord swapped = PersonRecord.of("s", "Kelelr", "Anan", "1990-01-05", "8004", "Zuerich", null,
                "kellers@mail.example", null, null, null, emails);
        assertFalse(new MatchModel().compare(anna, swapped).conflicting());
        assertTrue(new ClusterScorer(new MatchModel(), ClusterScorer.Thresholds.STANDARD).crossConflict(
                java.util.List.of(anna), java.util.List.of(peter), TermFrequencies.none()) != null,
                "two guests of one household are never joined by a bridging profile");

        // The same person moved: another address, the same names, birth date and e-mail.
        PersonRecord moved = PersonRecord.of("e", "Anna", "Keller", "1975-04-12", "3011", "Bern", "Marktgasse 3",
                "anna.keller@mail.example", null, null, null, emails);
        PersonRecord before = PersonRecord.of("f", "Anna", "Keller", "1975-04-12", "8004", "Zuerich", "Seestrasse 12",
                "anna.keller@mail.example", null, null, null, emails);
        assertEquals(ClusterScorer.Outcome.AUTO_MERGE, decide(scorer, moved, before));
        // She married and took another surname, at the same address: her given name, birth date and own e-mail.
        PersonRecord married = PersonRecord.of("g", "Anna", "Brunner", "1975-04-12", "8004", "Zuerich",
                "Seestrasse 12", "anna.keller@mail.example", null, null, null, emails);
        assertEquals(ClusterScorer.Outcome.AUTO_MERGE, decide(scorer, married, before));
        // ... and without a birth date: her own e-mail is strong evidence.
        PersonRecord marriedNoDate = PersonRecord.of("h", "Anna", "Brunner", null, "8004", "Zuerich", "Seestrasse 12",
                "anna.keller@mail.example", null, null, null, emails);
        assertEquals(ClusterScorer.Outcome.AUTO_MERGE, decide(scorer, marriedNoDate, before));
        // A typing error in the given name with the same birth date is the same person, not a household.
        PersonRecord typo = PersonRecord.of("i", "Anan", "Keller", "1975-04-12", "8004", "Zuerich", "Seestrasse 12",
                null, null, null, null, emails);
        assertEquals(ClusterScorer.Outcome.AUTO_MERGE, decide(scorer, typo, before));
    }

    private static ClusterScorer.Outcome decide(ClusterScorer scorer, PersonRecord newcomer, PersonRecord held) {
        return scorer.decide(newcomer, java.util.Map.of(1, java.util.List.of(held))).outcome();
    }

    private String emailLevel(String a, String b) {
        MatchModel.Score score = new MatchModel().compare(
                PersonRecord.of("a", null, null, null, null, null, null, a, null, emails),
                PersonRecord.of("b", null, null, null, null, null, null, b, null, emails));
        return score.evidence().stream().filter(e -> e.field().equals("email")).findFirst().orElseThrow().level();
    }

    @Test
    void aSharedRelayAddressIsNoEvidenceAndDifferentDocumentsAreAConflict() {
        PersonRecord a = PersonRecord.of("a", "Anna", "Muster", null, null, null, null, "q1@guest.booking.com", "X1234567", emails);
        PersonRecord b = PersonRecord.of("b", "Bruno", "Keller", null, null, null, null, "q1@guest.booking.com", "Y7654321", emails);
        MatchModel.Score score = new MatchModel().compare(a, b);
        assertTrue(score.evidence().stream().noneMatch(e -> e.field().equals("email")));
        assertTrue(score.conflicting());
    }

    @Test
    void aCommonSurnameIsWeakerEvidenceThanARareOneAndNoCountsMeansTheModelsOwnWeight() {
        PersonRecord a = PersonRecord.of("a", "Anna", "Smith", null, null, null, null, null, null, emails);
        PersonRecord b = PersonRecord.of("b", "Anna", "Smith", null, null, null, null, null, null, emails);
        PersonRecord c = PersonRecord.of("c", "Anna", "Quarrington", null, null, null, null, null, null, emails);
        PersonRecord d = PersonRecord.of("d", "Anna", "Quarrington", null, null, null, null, null, null, emails);
        MatchModel model = new MatchModel();
        TermFrequencies empty = TermFrequencies.counting();
        assertEquals(model.compare(a, b).weight(), model.compare(a, b, empty).weight(), 1e-9,
                "a tenant with nothing counted weighs as the model without the adjustment");

        TermFrequencies tenant = TermFrequencies.counting();
        for (int i = 0; i < 2000; i++) {
            tenant.add(PersonRecord.of("x" + i, "Given" + letters(i), i % 10 == 0 ? "Smith" : "Other" + letters(i),
                    null, null, null, null, null, null, emails));
        }
        tenant.add(c);
        double common = surnameWeight(model.compare(a, b, tenant));
        double rare = surnameWeight(model.compare(c, d, tenant));
        double average = surnameWeight(model.compare(a, b));
        assertTrue(common < average && average < rare, "Smith (1 in 10) " + common + " < average " + average
                + " < Quarrington (1 in 2001) " + rare);
        MatchModel.FieldEvidence smith = model.compare(a, b, tenant).evidence().stream()
                .filter(e -> e.field().equals("surname")).findFirst().orElseThrow();
        assertTrue(smith.level().startsWith("exact (term frequency 1 in "), smith.level());
        assertTrue(!smith.level().contains("smith"), "the level names how common the value is, never the value");

        tenant.remove(c);
        assertTrue(surnameWeight(model.compare(c, d, tenant)) > rare, "uncounted, the value is rarer still");
    }

    private static double surnameWeight(MatchModel.Score score) {
        return score.evidence().stream().filter(e -> e.field().equals("surname")).findFirst().orElseThrow().weight();
    }

    private static String letters(int n) {
        StringBuilder out = new StringBuilder();
        int v = n;
        do {
            out.append((char) ('a' + v % 26));
            v /= 26;
        } while (v > 0);
        return out.toString();
    }
}
