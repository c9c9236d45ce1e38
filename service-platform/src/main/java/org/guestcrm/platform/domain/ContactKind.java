package org.guestcrm.platform.domain;

/** The kinds of contact point the CRM keys guests and consent by. */
public enum ContactKind {
    EMAIL,
    PHONE,
    /** A postal address, keyed by {@link ContactPointNormaliser#postal}: country, postcode, street line. */
    POSTAL
}
