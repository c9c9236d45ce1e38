package org.guestcrm.journey.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A communication already recorded for the reservation, as the planner sees it; a notice names the reservation version
 * it tells about ({@code noticeVersion}, null for every other step).
 */
public record ExistingCommunication(UUID id, JourneyStep step, Channel channel, CommunicationStatus status,
                                    Instant dueAt, String reason, String noticeVersion) {

    public ExistingCommunication {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(status, "status");
    }

    /** A communication of a step that is not a notice. */
    public ExistingCommunication(UUID id, JourneyStep step, Channel channel, CommunicationStatus status, Instant dueAt,
                                 String reason) {
        this(id, step, channel, status, dueAt, reason, null);
    }
}
