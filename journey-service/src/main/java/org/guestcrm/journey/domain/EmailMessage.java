package org.guestcrm.journey.domain;

/** A rendered e-mail: subject, plain-text body and HTML body. */
public record EmailMessage(String subject, String text, String html) {
}
