package org.guestcrm.connector.ota;

/** A UniqueID as sent (Type = UIT code, ID), echoed in a profile or cancel response. */
public record OtaUniqueId(String type, String id) {
}
