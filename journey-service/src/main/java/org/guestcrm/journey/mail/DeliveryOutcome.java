package org.guestcrm.journey.mail;

import java.util.UUID;

/**
 * What became of one claimed delivery; {@code error} is already free of personal data; {@code segments} is the SMS
 * segment count of a text message the gateway accepted (null for e-mail), for CommunicationEvent.segments on SENT.
 */
record DeliveryOutcome(UUID communicationId, int attempt, Kind kind, String error, Integer segments) {

    DeliveryOutcome(UUID communicationId, int attempt, Kind kind, String error) {
        this(communicationId, attempt, kind, error, null);
    }

    enum Kind {
        /** The SMTP server accepted the mail. */
        SENT,
        /** The SMTP server (or the address itself) refused it for good: fail now, never retry. */
        PERMANENT_FAILURE,
        /**
         * The recipient's server refused the recipient for good (SMTP 5xx with enhanced status 5.1.x: no such mailbox,
         * bad domain, bad syntax): BOUNCED with bounce type HARD, so the optout-service can suppress the address.
         */
        HARD_BOUNCE,
        /** Worth another attempt with back-off: 4xx, connection refused or reset, timeout. */
        TRANSIENT_FAILURE,
        /** Not started because too little of the lease was left; the claim is given back as if never made. */
        NOT_ATTEMPTED
    }

    static DeliveryOutcome sent(Delivery delivery) {
        return new DeliveryOutcome(delivery.communicationId(), delivery.attempt(), Kind.SENT, null);
    }

    static DeliveryOutcome notAttempted(Delivery delivery) {
        return new DeliveryOutcome(delivery.communicationId(), delivery.attempt(), Kind.NOT_ATTEMPTED, null);
    }

    /** What the SMS gateway answered: accepted, refused for good (no retry), or worth another attempt. */
    static DeliveryOutcome of(Delivery delivery, org.guestcrm.journey.sms.SmsOutcome outcome) {
        Kind kind = switch (outcome.kind()) {
            case ACCEPTED -> Kind.SENT;
            case PERMANENT_FAILURE -> Kind.PERMANENT_FAILURE;
            case TRANSIENT_FAILURE -> Kind.TRANSIENT_FAILURE;
        };
        String error = outcome.description() == null ? null
                : outcome.description().startsWith("undeliverable: ")
                        ? outcome.description().substring("undeliverable: ".length()) : outcome.description();
        Integer segments = kind == Kind.SENT && delivery.sms() != null
                ? org.guestcrm.journey.domain.SmsSegments.segmentsOf(delivery.sms().body()) : null;
        return new DeliveryOutcome(delivery.communicationId(), delivery.attempt(), kind, error, segments);
    }

    static DeliveryOutcome failed(Delivery delivery, Throwable error) {
        Kind kind = DeliveryFailures.isHardBounce(error) ? Kind.HARD_BOUNCE
                : DeliveryFailures.isPermanent(error) ? Kind.PERMANENT_FAILURE : Kind.TRANSIENT_FAILURE;
        return new DeliveryOutcome(delivery.communicationId(), delivery.attempt(), kind,
                DeliveryFailures.describe(error));
    }
}
