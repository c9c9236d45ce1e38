package org.guestcrm.profile.domain.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which two birth dates can be one person's mistyped ({@link BirthDateTypos}), and the level the model gives them. */
class BirthDateTyposTest {

    @Test
    void theUsualTypingErrorsAreOnePersonsDates() {
        assertEquals(Optional.of(BirthDateTypos.SAME), BirthDateTypos.kind("19790521", "19790521"));
        assertEquals(Optional.of(BirthDateTypos.ONE_DIGIT), BirthDateTypos.kind("19790521", "19790527"));
        assertEquals(Optional.of(BirthDateTypos.YEAR_ONE_DIGIT), BirthDateTypos.kind("19790521", "19890521"));
        assertEquals(Optional.of(BirthDateTypos.ADJACENT_SWAP), BirthDateTypos.kind("19790521", "19970521"));
        assertEquals(Optional.of(BirthDateTypos.DAY_MONTH_SWAPPED), BirthDateTypos.kind("19790521", "19792105"));
        assertEquals(Optional.of(BirthDateTypos.DAY_MONTH_SWAPPED), BirthDateTypos.kind("19790305", "19790503"));
        assertEquals(Optional.of(BirthDateTypos.TWO_DIGITS), BirthDateTypos.kind("19790521", "19790612"));
        // The year one digit off and the neighbouring month or a mistyped day (fake_1000's usual error).
        assertEquals(Optional.of(BirthDateTypos.NEAR), BirthDateTypos.kind("19740821", "19840919"));
        assertEquals(Optional.of(BirthDateTypos.NEAR), BirthDateTypos.kind("19901026", "19900928"));
        // Across the new year: 28 December and 3 January are 6 days apart (the years one digit apart).
        assertEquals(Optional.of(BirthDateTypos.NEAR), BirthDateTypos.kind("19801228", "19810103"));
        assertEquals(Optional.empty(), BirthDateTypos.kind("19791228", "19800103"), "1979 and 1980: two year digits");
        // fs-6: up to 45 days, a mistyped month with a mistyped day (fake_1000: 1977-09-13 / 1977-10-17, 34 days).
        assertEquals(Optional.of(BirthDateTypos.NEAR), BirthDateTypos.kind("19770913", "19771017"));
        assertEquals(Optional.of(BirthDateTypos.NEAR), BirthDateTypos.kind("20200518", "20100622"), "35 days");
        assertEquals(Optional.of(BirthDateTypos.NEAR), BirthDateTypos.kind("19790521", "19790705"), "45 days");
        assertEquals(Optional.empty(), BirthDateTypos.kind("19790521", "19790706"), "46 days: two people");
    }

    @Test
    void otherDatesAreTwoPeople() {
        assertEquals(Optional.empty(), BirthDateTypos.kind("19790521", "19621103"), "another year and season");
        assertEquals(Optional.empty(), BirthDateTypos.kind("19790521", "19550521".replace("0521", "0630")),
                "the year two digits apart");
        assertEquals(Optional.empty(), BirthDateTypos.kind("19790521", "19791030"), "the same year, months apart");
        assertEquals(Optional.empty(), BirthDateTypos.kind("19790521", "19690801"), "a year digit and months apart");
        assertEquals(Optional.empty(), BirthDateTypos.kind("19790521", null));
        assertEquals(Optional.empty(), BirthDateTypos.kind("1979", "1989"), "no whole date");
        assertEquals(Optional.empty(), BirthDateTypos.kind("19791399", "19891201"), "no real day");
        assertTrue(BirthDateTypos.plausible("19790521", "19790521"));
    }

    @Test
    void theModelWeighsANearDateAsWeakEvidenceAgainstNotAsTwoPeople() {
        MatchModel model = new MatchModel();
        EmailEvidence emails = EmailEvidence.standard();
        PersonRecord a = PersonRecord.of("a", "Henrike", "Vollmar", "19740821", null, null, null, null, null, emails);
        PersonRecord near = PersonRecord.of("b", "Henrike", "Vollmar", "19840919", null, null, null, null, null, emails);
        PersonRecord other = PersonRecord.of("c", "Henrike", "Vollmar", "19620301", null, null, null, null, null, emails);
        MatchModel.FieldEvidence nearDate = birthDate(model.compare(a, near));
        MatchModel.FieldEvidence otherDate = birthDate(model.compare(a, other));
        assertEquals("year one digit apart, day within 45 days", nearDate.level());
        assertEquals("different", otherDate.level());
        assertTrue(nearDate.weight() < 0 && nearDate.weight() > -1.01, nearDate.toString());
        assertTrue(otherDate.weight() < -6, otherDate.toString());
    }

    private static MatchModel.FieldEvidence birthDate(MatchModel.Score score) {
        return score.evidence().stream().filter(e -> e.field().equals("birthDate")).findFirst().orElseThrow();
    }
}
