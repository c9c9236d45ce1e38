package org.guestcrm.desk.domain;

/** Where a lead stands: still to win, booked, lost (with a reason), or given up after calls nobody answered. */
public enum LeadStatus {
    OPEN, BOOKED, LOST, NO_ANSWER;

    public boolean closed() {
        return this != OPEN;
    }
}
