package org.guestcrm.journey.domain;

/**
 * Where a communication is in its life. SCHEDULED and RESCHEDULED are pending (the dispatcher will send them); HELD
 * waits for an uncertain reservation to be settled by the PMS (released or cancelled then). SENT, FAILED, BOUNCED and
 * COMPLAINED are final.
 */
public enum CommunicationStatus {
    SCHEDULED,
    RESCHEDULED,
    SENT,
    FAILED,
    CANCELLED,
    SKIPPED,
    HELD,
    /** Refused for good by the recipient's server (SMTP 5.1.x: no such mailbox or domain); final, like SENT. */
    BOUNCED,
    /**
     * Delivered, then reported as spam by the recipient (a mailbox provider's feedback loop, RFC 5965); final. Read from
     * the bounce mailbox (issue 9), like a BOUNCED after acceptance (bounce type HARD or SOFT).
     */
    COMPLAINED;

    public boolean isPending() {
        return this == SCHEDULED || this == RESCHEDULED;
    }
}
