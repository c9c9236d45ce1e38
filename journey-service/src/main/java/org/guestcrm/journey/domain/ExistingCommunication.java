package org.guestcrm.journey.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A communication already recorded for the reservation, as the planner sees it. */
public record ExistingCommunication(UUID id, JourneyStep step, Channel channel, CommunicationStatus status,
                                    Instant dueAt, String reason) {

    public ExistingCommunication {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(status, "status");
    }
}
