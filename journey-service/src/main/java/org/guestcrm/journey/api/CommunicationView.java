package org.guestcrm.journey.api;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One communication of a reservation, as the HTTP API shows it. */
@Schema(name = "Communication", description = "One communication of a reservation's journey")
public record CommunicationView(
        @Schema(description = "Communication id (also the local part of the e-mail's Message-ID)") UUID id,
        @Schema(description = "Journey step", enumeration = {"CONFIRMATION", "PRE_STAY", "PRE_CHECK_IN", "IN_STAY",
                "POST_STAY_SURVEY"}) String step,
        @Schema(description = "Channel", enumeration = {"EMAIL", "SMS"}) String channel,
        @Schema(description = "Status; SCHEDULED and RESCHEDULED are pending", enumeration = {"SCHEDULED",
                "RESCHEDULED", "SENT", "FAILED", "CANCELLED", "SKIPPED"}) String status,
        @Schema(description = "When it is (or was) due") Instant dueAt,
        @Schema(description = "When it was sent", nullable = true) Instant sentAt,
        @Schema(description = "When it was cancelled", nullable = true) Instant cancelledAt,
        @Schema(description = "Why it was cancelled, skipped or failed", nullable = true) String reason,
        @Schema(description = "Delivery attempts so far") int attempts,
        @Schema(description = "Last change") Instant updatedAt) {
}
