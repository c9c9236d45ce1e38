package org.guestcrm.optout.domain;

/**
 * What the guest is contacted for (the names of crm.consents' ConsentPurpose). The PMS flags speak only about
 * marketing; the preference centre lets the guest choose each. Transactional messages (booking confirmations) need no
 * consent and have no purpose here: no opt-out or bounce rule ever stops them.
 */
public enum ConsentPurpose {
    MARKETING,
    GUEST_SURVEY,
    PRE_STAY_SERVICE,
    PROFILING
}
