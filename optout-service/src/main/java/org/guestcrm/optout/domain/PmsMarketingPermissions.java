package org.guestcrm.optout.domain;

/**
 * The marketing flags a PMS keeps on a profile; {@code null} means the PMS did not say.
 */
public record PmsMarketingPermissions(Boolean emailOptIn, Boolean smsOptIn, Boolean doNotContact) {
}
