package org.guestcrm.desk.domain;

/** OPEN until done; OVERDUE once its due time passed undone; CANCELLED when its reason went away. */
public enum TaskStatus {
    OPEN, OVERDUE, DONE, CANCELLED;

    public boolean pending() {
        return this == OPEN || this == OVERDUE;
    }
}
