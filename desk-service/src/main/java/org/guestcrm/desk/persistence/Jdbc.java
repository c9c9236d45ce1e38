package org.guestcrm.desk.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.function.Function;

import org.hibernate.Session;

import jakarta.persistence.EntityManager;

/**
 * Plain JDBC on the current transaction's connection (the one Hibernate uses), for the intake's hot path: statements
 * of one fixed text whatever the batch size (values as arrays: {@code unnest(cast(? as uuid[]), ...)},
 * {@code = any(cast(? as varchar[]))}), so the driver prepares each once per connection and reuses it, with no
 * Hibernate query parsing, entity hydration or flush dirty check.
 */
public final class Jdbc {

    private Jdbc() {
    }

    /** Work on the transaction's connection. */
    public interface Work<R> {
        R on(Connection connection) throws SQLException;
    }

    public static <R> R work(EntityManager entityManager, Work<R> work) {
        return entityManager.unwrap(Session.class).doReturningWork(work::on);
    }

    /** The values as a text array (null elements kept), to be cast in the statement to the column's array type. */
    public static <T> Array texts(Connection connection, Collection<T> values, Function<T, ?> value) throws SQLException {
        String[] out = new String[values.size()];
        int i = 0;
        for (T element : values) {
            Object v = value.apply(element);
            out[i++] = v == null ? null : v.toString();
        }
        return connection.createArrayOf("text", out);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /** PostgreSQL keeps microseconds: an object holding what its row holds never shows a phantom change. */
    public static Instant micros(Instant at) {
        return at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
    }
}
