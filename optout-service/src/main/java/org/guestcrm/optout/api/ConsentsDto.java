package org.guestcrm.optout.api;

import java.time.Instant;
import java.util.List;

/** The consent of one contact point of a tenant: the current state per channel and purpose, and the ledger. */
public record ConsentsDto(
        String tenant,
        String contactPoint,
        String kind,
        List<StateDto> current,
        List<EntryDto> history,
        List<SourceProfileDto> heldBy) {

    public record StateDto(String channel, String purpose, String status, String source, Instant effectiveAt) {
    }

    public record EntryDto(String channel, String purpose, String status, String source, Instant effectiveAt,
                           String evidence, String pmsSystem, String pmsProfileId, Instant recordedAt) {
    }

    /** A PMS profile that holds this contact point now. */
    public record SourceProfileDto(String pmsSystem, String pmsProfileId) {
    }
}
