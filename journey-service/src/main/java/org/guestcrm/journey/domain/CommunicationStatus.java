package org.guestcrm.journey.domain;

/**
 * Where a communication is in its life. SCHEDULED and RESCHEDULED are pending (the dispatcher will send them); HELD
 * waits for an uncertain reservation to be settled by the PMS (released or cancelled then). SENT, FAILED and BOUNCED are
 * final.
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
    BOUNCED;

    public boolean isPending() {
        return this == SCHEDULED || this == RESCHEDULED;
    }
}
