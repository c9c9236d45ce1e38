package org.guestcrm.optout.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.UUID;
import java.util.function.Function;

/**
 * The column values of a bulk statement: each column of a batch is bound as one {@code text[]} parameter and cast in
 * SQL ({@code unnest(cast(?1 as text[]), ...)}, {@code cast(x as uuid)}, {@code cast(x as timestamptz)}), so a batch is
 * one statement whatever its size, and the SQL text never changes with it (no IN list to expand, no plan per size).
 */
final class SqlValues {

    private SqlValues() {
    }

    static <T> String[] column(Collection<T> rows, Function<T, ?> value) {
        return rows.stream().map(value).map(SqlValues::text).toArray(String[]::new);
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        return value.toString();
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        throw new IllegalStateException("Unexpected timestamp type " + value.getClass().getName());
    }

    static UUID uuid(Object value) {
        return value == null ? null : value instanceof UUID id ? id : UUID.fromString(value.toString());
    }

    static Long longValue(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }
}
