package org.guestcrm.journey.persistence;

import java.util.List;
import java.util.function.Function;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Keyset paging over reservations in the intake's key order (tenant, hotel, reservation id), one transaction per page:
 * what the no-show sweep and the settings re-plan both walk. A page returns the key to go on after (null: it was the
 * last) and what it did; what a page committed stays committed when a later page fails.
 */
public final class ReservationPages {

    private ReservationPages() {
    }

    /** One page's work: the key to continue after (null when it was the last page), rows looked at, changes made. */
    public record Page(ReservationKey last, int rows, int changes) {

        /** The page of {@code rows} read with {@code limit}: last when it was not full. */
        public static Page of(List<ReservationEntity> rows, int limit, int counted, int changes) {
            return new Page(rows.size() < limit ? null : ReservationKey.of(rows.getLast()), counted, changes);
        }
    }

    /** What every page did together. */
    public record Totals(int rows, int changes) {
    }

    /** Runs {@code page} from {@code start}, each in a new transaction, until a page says it was the last. */
    public static Totals walk(ReservationKey start, Function<ReservationKey, Page> page) {
        ReservationKey after = start;
        int rows = 0;
        int changes = 0;
        while (after != null) {
            ReservationKey from = after;
            Page done = QuarkusTransaction.requiringNew().call(() -> page.apply(from));
            rows += done.rows();
            changes += done.changes();
            after = done.last();
        }
        return new Totals(rows, changes);
    }
}
