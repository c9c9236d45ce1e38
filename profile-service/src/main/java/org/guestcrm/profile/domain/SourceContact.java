package org.guestcrm.profile.domain;

/** One e-mail address or phone number as a PMS profile holds it. */
public record SourceContact(String value, String type, boolean primary) {
}
