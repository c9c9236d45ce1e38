package org.guestcrm.optout.domain;

/**
 * The marketing flags a PMS keeps on a profile; {@code null} means the PMS did not say.
 */
public record PmsMarketingPermissions(Boolean emailOptIn, Boolean smsOptIn, Boolean phoneOptIn, Boolean postOptIn,
        Boolean doNotContact) {

    /** Without a post flag (the PMS did not say). */
    public PmsMarketingPermissions(Boolean emailOptIn, Boolean smsOptIn, Boolean phoneOptIn, Boolean doNotContact) {
        this(emailOptIn, smsOptIn, phoneOptIn, null, doNotContact);
    }

    /** Without a phone-call or post flag (the PMS did not say). */
    public PmsMarketingPermissions(Boolean emailOptIn, Boolean smsOptIn, Boolean doNotContact) {
        this(emailOptIn, smsOptIn, null, null, doNotContact);
    }
}
