package org.guestcrm.journey.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One decision of the planner: a communication to create ({@link #communicationId()} is null) or an existing one that
 * moves to {@link #status()}, due at {@link #dueAt()}, with an optional {@link #reason()}. A notice (MODIFICATION,
 * CANCELLATION) names the reservation version it tells about in {@link #noticeVersion()} (null for every other step).
 */
public record CommunicationChange(UUID communicationId, JourneyStep step, Channel channel,
                                  CommunicationStatus status, Instant dueAt, String reason, String noticeVersion) {

    public CommunicationChange {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(dueAt, "dueAt");
    }

    /** A change of a step that is not a notice. */
    public CommunicationChange(UUID communicationId, JourneyStep step, Channel channel, CommunicationStatus status,
                               Instant dueAt, String reason) {
        this(communicationId, step, channel, status, dueAt, reason, null);
    }

    public boolean createsCommunication() {
        return communicationId == null;
    }

    /** The same decision on another channel (the planner decides EMAIL; the channel choice may make it SMS). */
    public CommunicationChange onChannel(Channel other) {
        return new CommunicationChange(communicationId, step, other, status, dueAt, reason, noticeVersion);
    }

    static CommunicationChange create(JourneyStep step, CommunicationStatus status, Instant dueAt, String reason) {
        return new CommunicationChange(null, step, Channel.EMAIL, status, dueAt, reason, null);
    }

    static CommunicationChange update(ExistingCommunication existing, CommunicationStatus status, Instant dueAt,
                                      String reason) {
        return new CommunicationChange(existing.id(), existing.step(), existing.channel(), status, dueAt, reason,
                existing.noticeVersion());
    }
}
