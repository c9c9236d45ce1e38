package org.guestcrm.optout.domain;

/**
 * How the guest is reached: e-mail addresses carry EMAIL consent; phone numbers SMS (text messages) and PHONE (calls)
 * consent, each with its own PMS flag. (POST needs a postal-address key this service does not hold yet.)
 */
public enum ConsentChannel {
    EMAIL,
    SMS,
    PHONE
}
