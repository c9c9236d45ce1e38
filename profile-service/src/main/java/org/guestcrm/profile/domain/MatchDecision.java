package org.guestcrm.profile.domain;

import java.util.Optional;
import java.util.UUID;

/**
 * Where a new source profile goes and why. The explanation names the evidence (never the personal data
 * itself), so it can be shown to a reviewer and logged.
 */
public sealed interface MatchDecision {

    String rule();

    String explanation();

    /** The existing guest to attach to, or empty when a new guest is created. */
    Optional<UUID> existingGuestId();

    record AttachToExistingGuest(UUID guestId, String rule, String explanation) implements MatchDecision {
        @Override
        public Optional<UUID> existingGuestId() {
            return Optional.of(guestId);
        }
    }

    record CreateNewGuest(String rule, String explanation) implements MatchDecision {
        @Override
        public Optional<UUID> existingGuestId() {
            return Optional.empty();
        }
    }
}
