package org.guestcrm.profile.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A match decision between the thresholds, waiting for a reviewer (or decided), with its evidence and never values. */
public record ReviewDto(
        long reviewId,
        String tenant,
        String status,
        UUID guestId,
        UUID candidateGuestId,
        GuestDto.SourceRefDto sourceProfile,
        Double score,
        String modelVersion,
        List<EvidenceDto> evidence,
        String explanation,
        Instant createdAt,
        Instant decidedAt,
        String reviewer) {

    public record EvidenceDto(String field, String level, double weight) {
    }

    /** A reviewer's decision: {@code MERGE} or {@code KEEP_APART}, and why (free text, optional). */
    public record DecisionRequest(String decision, String reason) {
    }

    /** Merge another guest into this one: the other guest's id, and why. */
    public record MergeRequest(String otherGuestId, String reason) {
    }

    /** Undo a merge: the guest merged into this one (now its alias), and why. */
    public record UnmergeRequest(String mergedGuestId, String reason) {
    }

    /** Split one source profile (by its PMS key) out of this guest into a new guest, and why. */
    public record SplitRequest(String pmsSystem, String pmsProfileId, String reason) {
    }
}
