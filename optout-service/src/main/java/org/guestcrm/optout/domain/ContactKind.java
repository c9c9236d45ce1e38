package org.guestcrm.optout.domain;

/** The kinds of contact point consent is kept for. */
public enum ContactKind {
    EMAIL,
    PHONE
}
