package org.guestcrm.journey.domain;

/** Where a communication is in its life. SCHEDULED and RESCHEDULED are pending (the dispatcher will send them). */
public enum CommunicationStatus {
    SCHEDULED,
    RESCHEDULED,
    SENT,
    FAILED,
    CANCELLED,
    SKIPPED;

    public boolean isPending() {
        return this == SCHEDULED || this == RESCHEDULED;
    }
}
