package org.guestcrm.journey.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One snapshot applied to a reservation, as the notice planner needs it: the terms held before ({@code before}, null
 * when the reservation is first seen), the terms now, the reservation version it brings ({@code version}: the PMS
 * sequence, else its modification time, else the event time; one notice per version at most), when the change was made
 * ({@code changedAt}: the PMS modification time, else the event time) and whether it comes from a history import or
 * replay (which never starts a notice).
 */
public record ReservationUpdate(ReservationTerms before, ReservationTerms after, String version, Instant changedAt,
                                boolean history) {

    public ReservationUpdate {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(changedAt, "changedAt");
    }
}
