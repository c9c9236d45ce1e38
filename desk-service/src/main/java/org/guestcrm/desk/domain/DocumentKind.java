package org.guestcrm.desk.domain;

/** A document a booked reservation owes its guest. */
public enum DocumentKind {
    CONFIRMATION, PRE_ARRIVAL, ONLINE_CHECK_IN, INVOICE
}
