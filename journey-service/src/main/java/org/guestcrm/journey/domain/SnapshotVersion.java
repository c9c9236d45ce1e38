package org.guestcrm.journey.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The order of reservation snapshots. A snapshot replaces the one held only if it is newer: by PMS sequence when
 * both have one, else by PMS modification time when both have one, else by the event's occurredAt.
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
}
