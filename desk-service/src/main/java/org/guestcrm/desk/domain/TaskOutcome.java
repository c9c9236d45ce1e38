package org.guestcrm.desk.domain;

/** How staff closed a task: the lead booked, was lost (a reason is required), nobody answered, or plain done. */
public enum TaskOutcome {
    BOOKED, LOST, NO_ANSWER, DONE
}
