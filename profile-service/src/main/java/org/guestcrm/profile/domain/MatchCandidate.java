package org.guestcrm.profile.domain;

import java.time.Instant;
import java.util.UUID;

/** An existing guest of the same tenant that holds one of the new profile's normalised e-mail addresses. */
public record MatchCandidate(UUID guestId, String matchedEmail, Instant guestCreatedAt) {
}
