package org.guestcrm.journey.domain;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How often a recurring campaign runs (issue 9): {@code weekly}, {@code monthly} or {@code quarterly}. Run {@code n}
 * (from 1) is due at the first run's time plus {@code n - 1} periods, counted in calendar months or weeks from that
 * first time (UTC), so runs never drift (31 January monthly: 28/29 February, then 31 March).
 */
public final class CampaignRecurrence {

    private static final Map<String, Period> PERIODS = Map.of("weekly", Period.ofWeeks(1), "monthly", Period.ofMonths(1),
            "quarterly", Period.ofMonths(3));

    /** The values the API accepts, for its error text. */
    public static final List<String> NAMES = List.of("weekly", "monthly", "quarterly");

    private CampaignRecurrence() {
    }

    /** The period of {@code name}; empty when it is none of {@link #NAMES}. */
    public static Optional<Period> periodOf(String name) {
        return Optional.ofNullable(name == null ? null : PERIODS.get(name));
    }

    /** When run {@code run} (from 1) of a campaign whose first run was at {@code first} is due. */
    public static Instant runAt(Instant first, Period period, int run) {
        return first.atOffset(ZoneOffset.UTC).plus(period.multipliedBy(run - 1)).toInstant();
    }

    /**
     * The number of the run that is due at {@code now}, after {@code runsSoFar} runs: the latest run whose time has
     * come (runs missed while the service was down are not made up: one run, the latest), or empty when the next is
     * still ahead.
     */
    public static Optional<Integer> dueRun(Instant first, Period period, int runsSoFar, Instant now) {
        int run = runsSoFar + 1;
        if (runAt(first, period, run).isAfter(now)) {
            return Optional.empty();
        }
        while (!runAt(first, period, run + 1).isAfter(now)) {
            run++;
        }
        return Optional.of(run);
    }
}
