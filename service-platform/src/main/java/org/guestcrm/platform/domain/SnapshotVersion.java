package org.guestcrm.platform.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * Where one snapshot of a PMS entity (a reservation, a profile) stands in its history. PMSs deliver at least once and
 * out of order, so a snapshot replaces the one held only when it is newer: compare the PMS sequence when both have
 * one, else the PMS modification time when both have one, else the time the event occurred.
 */
public record SnapshotVersion(Long pmsSequence, Instant pmsModifiedAt, Instant occurredAt) {

    public SnapshotVersion {
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    public boolean isNewerThan(SnapshotVersion held) {
        if (held == null) {
            return true;
        }
        if (pmsSequence != null && held.pmsSequence != null) {
            return pmsSequence > held.pmsSequence;
        }
        if (pmsModifiedAt != null && held.pmsModifiedAt != null) {
            return pmsModifiedAt.isAfter(held.pmsModifiedAt);
        }
        return occurredAt.isAfter(held.occurredAt);
    }

    /** The best-known time of this snapshot: the PMS modification time, else when the event occurred. */
    public Instant effectiveAt() {
        return pmsModifiedAt != null ? pmsModifiedAt : occurredAt;
    }
}
