package org.guestcrm.platform.domain;

/** The kinds of contact point the CRM keys guests and consent by. */
public enum ContactKind {
    EMAIL,
    PHONE
}
