package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.Period;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CampaignRecurrenceTest {

    private static final Instant JAN_31 = Instant.parse("2027-01-31T09:00:00Z");

    @Test
    void knowsWeeklyMonthlyAndQuarterlyOnly() {
        assertEquals(Optional.of(Period.ofWeeks(1)), CampaignRecurrence.periodOf("weekly"));
        assertEquals(Optional.of(Period.ofMonths(1)), CampaignRecurrence.periodOf("monthly"));
        assertEquals(Optional.of(Period.ofMonths(3)), CampaignRecurrence.periodOf("quarterly"));
        for (String other : new String[] {"hourly", "Monthly", "", "P1M", null}) {
            assertTrue(CampaignRecurrence.periodOf(other).isEmpty(), other);
        }
    }

    @Test
    void runsAreCountedFromTheFirstRunSoTheyNeverDrift() {
        Period monthly = Period.ofMonths(1);
        assertEquals(JAN_31, CampaignRecurrence.runAt(JAN_31, monthly, 1));
        assertEquals(Instant.parse("2027-02-28T09:00:00Z"), CampaignRecurrence.runAt(JAN_31, monthly, 2));
        assertEquals(Instant.parse("2027-03-31T09:00:00Z"), CampaignRecurrence.runAt(JAN_31, monthly, 3));
        assertEquals(Instant.parse("2027-02-14T09:00:00Z"), CampaignRecurrence.runAt(JAN_31, Period.ofWeeks(1), 3));
    }

    @Test
    void theDueRunIsTheLatestWhoseTimeHasComeAndNoneBeforeItsTime() {
        Period monthly = Period.ofMonths(1);
        assertEquals(Optional.empty(), CampaignRecurrence.dueRun(JAN_31, monthly, 1,
                Instant.parse("2027-02-28T08:59:59Z")));
        assertEquals(Optional.of(2), CampaignRecurrence.dueRun(JAN_31, monthly, 1, Instant.parse("2027-02-28T09:00:00Z")));
        assertEquals(Optional.empty(), CampaignRecurrence.dueRun(JAN_31, monthly, 2, Instant.parse("2027-03-01T00:00:00Z")));
        // Down from before the 2nd run to mid-April: one run, the 3rd (31 March), not the missed 2nd as well.
        assertEquals(Optional.of(3), CampaignRecurrence.dueRun(JAN_31, monthly, 1, Instant.parse("2027-04-15T00:00:00Z")));
    }
}
