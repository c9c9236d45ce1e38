package org.guestcrm.profile.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * Where one state of a PMS profile stands in its history. PMSs deliver at least once and out of order,
 * so a state is applied only when it is newer than the one held: compare the PMS sequence when both
 * states have one, else the PMS update time when both have one, else the time the event occurred.
 */
public record ProfileVersion(Long pmsSequence, Instant pmsUpdatedAt, Instant occurredAt) {

    public ProfileVersion {
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    public boolean isNewerThan(ProfileVersion held) {
        if (held == null) {
            return true;
        }
        if (pmsSequence != null && held.pmsSequence != null) {
            return pmsSequence > held.pmsSequence;
        }
        if (pmsUpdatedAt != null && held.pmsUpdatedAt != null) {
            return pmsUpdatedAt.isAfter(held.pmsUpdatedAt);
        }
        return occurredAt.isAfter(held.occurredAt);
    }

    /** The best-known time of this state: the PMS update time, else when the event occurred. */
    public Instant effectiveAt() {
        return pmsUpdatedAt != null ? pmsUpdatedAt : occurredAt;
    }
}
