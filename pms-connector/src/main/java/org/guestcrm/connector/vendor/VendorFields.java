package org.guestcrm.connector.vendor;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading a vendor's JSON: a value that is present but unreadable is named in {@code problems} (never echoed). */
final class VendorFields {

    final List<String> problems = new ArrayList<>();

    String text(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        String text = value.isValueNode() ? value.asText() : null;
        return text == null || text.isBlank() ? null : text.trim();
    }

    String text(JsonNode node, String object, String name) {
        return text(node == null ? null : node.get(object), name);
    }

    OffsetDateTime dateTime(JsonNode node, String name, String field) {
        String text = text(node, name);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            problems.add(field + " is not an ISO 8601 date-time with offset");
            return null;
        }
    }

    Instant instant(JsonNode node, String name, String field) {
        OffsetDateTime value = dateTime(node, name, field);
        return value == null ? null : value.toInstant();
    }

    Integer integer(JsonNode node, String name, String field) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            problems.add(field + " is not a count");
            return null;
        }
        return value.asInt();
    }

    BigDecimal decimal(JsonNode node, String name, String field) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            problems.add(field + " is not a number");
            return null;
        }
        return value.decimalValue();
    }

    static LocalDate dateOf(OffsetDateTime value) {
        return value == null ? null : value.toLocalDate();
    }
}
