package org.guestcrm.optout.domain;

/** Who said it (the names of crm.consents' ConsentSource). */
public enum ConsentSource {
    /** A PMS marketing flag (which feed: the ledger entry's source detail). */
    PMS,
    /** Staff, through the staff API: an opt-out said at the desk, on the phone or by mail. */
    FRONT_DESK,
    /** The one-click unsubscribe link of an e-mail (RFC 8058). */
    UNSUBSCRIBE_LINK,
    /** The guest's own preference centre. */
    PREFERENCE_CENTRE,
    IMPORT,
    API,
    /** A bounce reported by the mail or SMS gateway (crm.communications BOUNCED). */
    BOUNCE,
    /** The guest marked a mail as spam (crm.communications COMPLAINED, a feedback loop report). */
    COMPLAINT
}
