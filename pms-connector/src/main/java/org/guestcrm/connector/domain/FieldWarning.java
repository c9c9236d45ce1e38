package org.guestcrm.connector.domain;

/**
 * An optional field the connector dropped from the canonical event because its value is malformed (the raw archive
 * keeps it). {@code field} is the canonical field name (the metric's tag: email, phone, birthDate, language,
 * nationality, countryCode, totalAmount); {@code location} names where it was in the message; {@code reason} never
 * holds the value.
 */
public record FieldWarning(String field, String location, String reason) {

    @Override
    public String toString() {
        return location + " " + reason;
    }
}
