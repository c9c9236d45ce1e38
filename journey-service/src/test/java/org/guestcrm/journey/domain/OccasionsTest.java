package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The guests' occasions computed with fixed instants (the planner's clock). */
class OccasionsTest {

    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration TWO_DAYS = Duration.ofDays(2);

    private static Occasions.Setting on(Period offset) {
        return new Occasions.Setting(true, offset, LocalTime.of(10, 0), "x");
    }

    private static List<Occasions.Occurrence> due(Occasions.GuestFacts facts, JourneyStep step, Period offset,
                                                  ZoneId zone, String now) {
        return Occasions.due(facts, Map.of(step, on(offset)), zone, Instant.parse(now), DAY, TWO_DAYS);
    }

    @Test
    void aBirthdayIsDueAtTenInTheHotelsZoneOncePerYear() {
        Occasions.GuestFacts facts = new Occasions.GuestFacts(LocalDate.parse("1980-03-15"), null);
        List<Occasions.Occurrence> due = due(facts, JourneyStep.BIRTHDAY, Period.ZERO, TOKYO, "2027-03-14T00:00:00Z");
        assertEquals(1, due.size());
        assertEquals(Instant.parse("2027-03-15T01:00:00Z"), due.getFirst().dueAt(), "10:00 in Tokyo");
        assertEquals("2027", due.getFirst().occasion());
        assertEquals(LocalDate.parse("1980-03-15"), due.getFirst().basis());
        // A week before: not yet (beyond the 2-day horizon); two days after: stale (beyond the 1-day freshness).
        assertTrue(due(facts, JourneyStep.BIRTHDAY, Period.ZERO, TOKYO, "2027-03-08T00:00:00Z").isEmpty());
        assertTrue(due(facts, JourneyStep.BIRTHDAY, Period.ZERO, TOKYO, "2027-03-17T02:00:00Z").isEmpty());
        // The next year's is another occasion.
        assertEquals("2028", due(facts, JourneyStep.BIRTHDAY, Period.ZERO, TOKYO, "2028-03-15T00:00:00Z")
                .getFirst().occasion());
    }

    @Test
    void aBirthdayOffsetMayCrossTheYearAndA29FebruaryFallsOn28InACommonYear() {
        Occasions.GuestFacts newYear = new Occasions.GuestFacts(LocalDate.parse("1990-01-01"), null);
        List<Occasions.Occurrence> early = due(newYear, JourneyStep.BIRTHDAY, Period.ofDays(-2), ZoneId.of("UTC"),
                "2026-12-30T08:00:00Z");
        assertEquals(1, early.size());
        assertEquals("2027", early.getFirst().occasion(), "the occasion is the birthday's year");
        assertEquals(Instant.parse("2026-12-30T10:00:00Z"), early.getFirst().dueAt());

        Occasions.GuestFacts leap = new Occasions.GuestFacts(LocalDate.parse("1996-02-29"), null);
        assertEquals(Instant.parse("2027-02-28T10:00:00Z"),
                due(leap, JourneyStep.BIRTHDAY, Period.ZERO, ZoneId.of("UTC"), "2027-02-28T00:00:00Z")
                        .getFirst().dueAt());
    }

    @Test
    void aWinBackIsDueItsOffsetAfterTheLastDepartureOncePerStay() {
        Occasions.GuestFacts facts = new Occasions.GuestFacts(null, LocalDate.parse("2026-06-10"));
        List<Occasions.Occurrence> due = due(facts, JourneyStep.WIN_BACK, Period.ofMonths(6), ZoneId.of("UTC"),
                "2026-12-10T09:00:00Z");
        assertEquals(1, due.size());
        assertEquals("2026-06-10", due.getFirst().occasion());
        assertEquals(Instant.parse("2026-12-10T10:00:00Z"), due.getFirst().dueAt());
        assertTrue(due(facts, JourneyStep.WIN_BACK, Period.ofMonths(6), ZoneId.of("UTC"), "2026-11-01T00:00:00Z")
                .isEmpty());
        assertEquals(Optional.of(Occasions.STAYED_AGAIN), Occasions.noLongerHolds(JourneyStep.WIN_BACK,
                LocalDate.parse("2026-06-10"), new Occasions.GuestFacts(null, LocalDate.parse("2026-11-20"))));
        assertEquals(Optional.empty(), Occasions.noLongerHolds(JourneyStep.WIN_BACK, LocalDate.parse("2026-06-10"),
                facts));
    }

    @Test
    void aStayAnniversaryIsDueEachYearAfterTheLastStayButNotOnItsDay() {
        Occasions.GuestFacts facts = new Occasions.GuestFacts(null, LocalDate.parse("2025-12-02"));
        List<Occasions.Occurrence> due = due(facts, JourneyStep.STAY_ANNIVERSARY, Period.ZERO, ZoneId.of("UTC"),
                "2026-12-02T01:00:00Z");
        assertEquals(1, due.size());
        assertEquals("2026", due.getFirst().occasion());
        assertTrue(due(facts, JourneyStep.STAY_ANNIVERSARY, Period.ZERO, ZoneId.of("UTC"), "2025-12-02T01:00:00Z")
                .isEmpty(), "the day of the stay is no anniversary");
        assertEquals("2028", due(facts, JourneyStep.STAY_ANNIVERSARY, Period.ZERO, ZoneId.of("UTC"),
                "2028-12-01T12:00:00Z").getFirst().occasion());
    }

    @Test
    void aDisabledOccasionOrMissingFactsPlanNothingAndAChangedBirthDateNoLongerHolds() {
        Occasions.GuestFacts facts = new Occasions.GuestFacts(LocalDate.parse("1980-03-15"), null);
        assertTrue(Occasions.due(facts, Map.of(JourneyStep.BIRTHDAY,
                        new Occasions.Setting(false, Period.ZERO, LocalTime.of(10, 0), "birthday")), TOKYO,
                Instant.parse("2027-03-14T00:00:00Z"), DAY, TWO_DAYS).isEmpty());
        assertTrue(due(facts, JourneyStep.WIN_BACK, Period.ofMonths(6), TOKYO, "2027-03-14T00:00:00Z").isEmpty(),
                "no last stay: no win-back");
        assertEquals(Optional.of(Occasions.BIRTH_DATE_CHANGED), Occasions.noLongerHolds(JourneyStep.BIRTHDAY,
                LocalDate.parse("1980-03-15"), new Occasions.GuestFacts(LocalDate.parse("1980-03-16"), null)));
        assertEquals(Optional.of(StepPurpose.MARKETING), StepPurpose.of(JourneyStep.BIRTHDAY));
    }
}
