package org.guestcrm.profile.domain;

/** The kinds of contact point a golden guest record keeps. */
public enum ContactKind {
    EMAIL,
    PHONE
}
