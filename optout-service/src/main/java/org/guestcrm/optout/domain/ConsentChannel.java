package org.guestcrm.optout.domain;

import org.guestcrm.platform.domain.ContactKind;

/**
 * How the guest is reached: e-mail addresses carry EMAIL consent; phone numbers SMS (text messages) and PHONE (calls)
 * consent, each with its own PMS flag; postal addresses POST consent (letters, the PMS flag {@code postOptIn}).
 */
public enum ConsentChannel {
    EMAIL,
    SMS,
    PHONE,
    POST;

    /** The kind of contact point consent on this channel is about. */
    public ContactKind kind() {
        return switch (this) {
            case EMAIL -> ContactKind.EMAIL;
            case SMS, PHONE -> ContactKind.PHONE;
            case POST -> ContactKind.POSTAL;
        };
    }
}
