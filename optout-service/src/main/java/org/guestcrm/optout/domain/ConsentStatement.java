package org.guestcrm.optout.domain;

import java.time.Instant;

/** What one source said about one contact point, channel and purpose, and when it became true. */
public record ConsentStatement(ContactPoint contactPoint, ConsentChannel channel, ConsentPurpose purpose,
                               ConsentStatus status, ConsentSource source, Instant effectiveAt) {
}
