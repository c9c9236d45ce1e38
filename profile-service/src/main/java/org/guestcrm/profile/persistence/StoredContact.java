package org.guestcrm.profile.persistence;

/** One e-mail or phone of a source profile, as the PMS sent it (kept raw; normalised when composed). */
public record StoredContact(String value, String type, boolean primary) {
}
