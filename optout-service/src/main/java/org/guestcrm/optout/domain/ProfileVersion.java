package org.guestcrm.optout.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * Where one state of a PMS profile stands in its history: compare the PMS sequence when both states have one,
 * else the PMS update time when both have one, else the time the event occurred.
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

    /** The PMS time of this state: when the PMS recorded the change, else when the event occurred. */
    public Instant effectiveAt() {
        return pmsUpdatedAt != null ? pmsUpdatedAt : occurredAt;
    }
}
