package org.guestcrm.connector.vendor;

/**
 * An entity a webhook named, to be fetched from the PMS: a reservation or a customer (guest profile), its PMS id, what
 * the notification said (apaleo type such as {@code set-to-no-show}, Mews discriminator) and the property or
 * enterprise it came from. The notification carries no state: the fetch decides what changed.
 */
public record WebhookNotice(EntityType entityType, String entityId, String notice, String propertyId) {

    public enum EntityType {
        RESERVATION, CUSTOMER
    }
}
