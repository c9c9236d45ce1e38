package org.guestcrm.journey.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One decision of the planner: a communication to create ({@link #communicationId()} is null) or an existing one that
 * moves to {@link #status()}, due at {@link #dueAt()}, with an optional {@link #reason()}.
 */
public record CommunicationChange(UUID communicationId, JourneyStep step, Channel channel,
                                  CommunicationStatus status, Instant dueAt, String reason) {

    public CommunicationChange {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(dueAt, "dueAt");
    }

    public boolean createsCommunication() {
        return communicationId == null;
    }

    static CommunicationChange create(JourneyStep step, CommunicationStatus status, Instant dueAt, String reason) {
        return new CommunicationChange(null, step, Channel.EMAIL, status, dueAt, reason);
    }

    static CommunicationChange update(ExistingCommunication existing, CommunicationStatus status, Instant dueAt,
                                      String reason) {
        return new CommunicationChange(existing.id(), existing.step(), existing.channel(), status, dueAt, reason);
    }
}
