package org.guestcrm.optout.domain;

import java.util.Optional;
import java.util.UUID;

/**
 * The subject of an erasure confirmation link: {@code CHANNEL:cp1_...:<confirmation id>}, the contact point by its
 * opaque reference (never the address) and the one request the link confirms (so the link works for that request
 * only, and only once: the request records its use).
 */
public record ErasureLinkSubject(ConsentChannel channel, String ref, UUID confirmationId) {

    public ErasureLinkSubject {
        if (channel == null || ref == null || ref.isBlank() || ref.contains(":") || confirmationId == null) {
            throw new IllegalArgumentException("An erasure link subject needs a channel, a reference and a confirmation id");
        }
    }

    public String format() {
        return channel.name() + ":" + ref + ":" + confirmationId;
    }

    /** Empty when {@code subject} is not of the form (an unknown channel, a missing part, no UUID). */
    public static Optional<ErasureLinkSubject> parse(String subject) {
        if (subject == null) {
            return Optional.empty();
        }
        String[] parts = subject.split(":", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ErasureLinkSubject(ConsentChannel.valueOf(parts[0]), parts[1], UUID.fromString(parts[2])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
