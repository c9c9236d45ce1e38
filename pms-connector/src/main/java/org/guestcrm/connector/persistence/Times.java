package org.guestcrm.connector.persistence;

import java.time.Instant;

/** A timestamp column as the JDBC driver hands it back (Instant, OffsetDateTime or Timestamp), as an Instant. */
final class Times {

    private Times() {
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        throw new IllegalStateException("not a time: " + value.getClass());
    }
}
