package org.guestcrm.journey.sms;

import java.util.Objects;

/** What became of one SMS: accepted (with the provider's id), refused for good, or failed for now (retry later). */
public record SmsOutcome(Kind kind, String providerId, String description) {

    public enum Kind {
        ACCEPTED,
        /** The provider refused it for good (invalid number, unsubscribed recipient, bad request): never retried. */
        PERMANENT_FAILURE,
        /** Worth another attempt: 5xx, 429, 408, connection refused or reset, timeout. */
        TRANSIENT_FAILURE
    }

    public SmsOutcome {
        Objects.requireNonNull(kind, "kind");
    }

    static SmsOutcome accepted(String providerId) {
        return new SmsOutcome(Kind.ACCEPTED, providerId, null);
    }

    static SmsOutcome permanent(String description) {
        return new SmsOutcome(Kind.PERMANENT_FAILURE, null, description);
    }

    static SmsOutcome transientFailure(String description) {
        return new SmsOutcome(Kind.TRANSIENT_FAILURE, null, description);
    }
}
