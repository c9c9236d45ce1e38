package org.guestcrm.optout.domain;

/** How the guest is reached: e-mail addresses carry EMAIL consent, phone numbers SMS consent. */
public enum ConsentChannel {
    EMAIL,
    SMS
}
