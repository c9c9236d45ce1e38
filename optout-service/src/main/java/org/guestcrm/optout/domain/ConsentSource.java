package org.guestcrm.optout.domain;

/** Who said it. Only the PMS so far; the unsubscribe link and the preference centre come later. */
public enum ConsentSource {
    PMS
}
