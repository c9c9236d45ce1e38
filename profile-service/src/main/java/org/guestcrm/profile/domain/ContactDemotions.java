package org.guestcrm.profile.domain;

import org.guestcrm.platform.domain.ContactKind;

/** Contact points found shared by many unrelated guests of the tenant: kept, but never merge evidence or primary. */
@FunctionalInterface
public interface ContactDemotions {

    ContactDemotions NONE = (kind, value) -> false;

    /** @param value normalised (lower-case e-mail, E.164 phone) */
    boolean isShared(ContactKind kind, String value);
}
