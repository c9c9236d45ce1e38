package org.guestcrm.optout.domain;

/** What the guest is contacted for. The PMS flags speak only about marketing. */
public enum ConsentPurpose {
    MARKETING
}
