package org.guestcrm.desk.domain;

/**
 * DUE until the journey sends it; SENT, then OPENED when the guest opened it; MISSING when it was not sent by its due
 * time, bounced, failed or was skipped (a task is raised); NOT_OWED when the reservation no longer owes it (cancelled,
 * checked in before the online check-in, booked after its due time).
 */
public enum DocumentState {
    DUE, SENT, OPENED, MISSING, NOT_OWED
}
