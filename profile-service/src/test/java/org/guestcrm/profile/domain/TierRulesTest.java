package org.guestcrm.profile.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class TierRulesTest {

    private static final LocalDate START = LocalDate.of(2025, 1, 10);

    private static StaySummary stays(int count, int nightsEach, String amountEach, String currency) {
        List<StaySummary.Reservation> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            LocalDate arrival = START.plusDays(30L * i);
            out.add(new StaySummary.Reservation("ZRH1", "CHECKED_OUT", arrival, arrival.plusDays(nightsEach),
                    amountEach == null ? null : new BigDecimal(amountEach), currency, "WEB"));
        }
        return StaySummary.of(out);
    }

    @Test
    void tiersByStaysNightsAndSpendInTheRulesCurrency() {
        TierRules rules = new TierRules(2, 5, 20, new BigDecimal("3000"), "CHF");
        assertEquals(QualificationTier.PROSPECT, rules.qualify(StaySummary.NONE).tier());
        assertEquals("no stay yet", rules.qualify(StaySummary.NONE).reason());
        assertEquals(QualificationTier.GUEST, rules.qualify(stays(1, 2, "500", "CHF")).tier());
        assertEquals(QualificationTier.REPEAT, rules.qualify(stays(2, 2, "500", "CHF")).tier());
        assertEquals(new TierRules.Qualification(QualificationTier.VIP, "5 stays, VIP from 5"),
                rules.qualify(stays(5, 1, null, null)));
        assertEquals(new TierRules.Qualification(QualificationTier.VIP, "21 nights, VIP from 20"),
                rules.qualify(stays(1, 21, null, null)), "one long stay is enough");
        assertEquals(new TierRules.Qualification(QualificationTier.VIP, "3000 CHF spent, VIP from 3000"),
                rules.qualify(stays(2, 1, "1500.00", "CHF")));
        assertEquals(QualificationTier.REPEAT, rules.qualify(stays(2, 1, "9000", "EUR")).tier(),
                "spend in another currency is not converted, so it does not count");
        // Cancelled, no-show and upcoming reservations are no stays.
        StaySummary none = StaySummary.of(List.of(
                new StaySummary.Reservation("ZRH1", "CANCELLED", START, START.plusDays(30), null, null, null),
                new StaySummary.Reservation("ZRH1", "NO_SHOW", START, START.plusDays(30), null, null, null),
                new StaySummary.Reservation("ZRH1", "CONFIRMED", START, START.plusDays(30), null, null, null)));
        assertEquals(QualificationTier.PROSPECT, rules.qualify(none).tier());
        assertEquals(QualificationTier.REPEAT, TierRules.DEFAULT.qualify(stays(9, 4, null, null)).tier());
        assertEquals(QualificationTier.VIP, TierRules.DEFAULT.qualify(stays(10, 1, null, null)).tier());
        assertTrue(TierRules.DEFAULT.violations().isEmpty());
    }

    @Test
    void violationsNameTheirFields() {
        assertEquals(List.of("repeatMinStays"), fields(new TierRules(1, 5, null, null, null)));
        assertEquals(List.of("vipMinStays"), fields(new TierRules(3, 3, null, null, null)));
        assertEquals(List.of("vipMinNights"), fields(new TierRules(2, null, 0, null, null)));
        assertEquals(List.of("vipSpendCurrency"), fields(new TierRules(2, null, null, BigDecimal.TEN, null)));
        assertEquals(List.of("vipSpendCurrency"), fields(new TierRules(2, null, null, BigDecimal.TEN, "chf")));
        assertEquals(List.of("vipSpendCurrency"), fields(new TierRules(2, null, null, BigDecimal.TEN, "XQZ")));
        assertEquals(List.of("vipMinSpend"), fields(new TierRules(2, null, null, new BigDecimal("-1"), "CHF")));
        assertEquals(List.of("vipMinSpend"), fields(new TierRules(2, null, null, new BigDecimal("1.005"), "CHF")));
        assertEquals(List.of("vipMinSpend"), fields(new TierRules(2, 5, null, null, "CHF")));
        assertEquals(List.of("vipMinStays"), fields(new TierRules(2, null, null, null, null)));
        assertEquals(List.of("repeatMinStays"), fields(new TierRules(20_000, null, 3, null, null)));
        assertTrue(fields(new TierRules(3, null, null, new BigDecimal("10000.50"), "EUR")).isEmpty());
    }

    private static List<String> fields(TierRules rules) {
        return rules.violations().stream().map(TierRules.Violation::field).toList();
    }
}
