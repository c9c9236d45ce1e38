package org.guestcrm.optout.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hibernate.Session;

import jakarta.persistence.EntityManager;

/**
 * The intake's hot statements in plain JDBC on the transaction's own connection (issue 5: the JFR of the opt-out
 * under load showed Hibernate's native-query handling, not PostgreSQL, in {@code GuestDirectory.load/save} and
 * {@code SourceProfileStore.load}). The statement texts keep Hibernate's numbered parameters ({@code ?1}, reused or
 * out of order as written); they are turned into JDBC's positional ones once per text. A {@code String[]} binds as
 * {@code text[]}. Results come as {@code Object[]} rows of the driver's objects (timestamps as
 * {@link java.sql.Timestamp}, uuids as {@link java.util.UUID}), what {@link SqlValues} reads. Whatever entities the
 * transaction changed are flushed first, as Hibernate does before a native query.
 */
final class PlainSql {

    private static final Pattern NUMBERED = Pattern.compile("\\?(\\d+)");
    private static final Map<String, Positional> TEXTS = new ConcurrentHashMap<>();

    private record Positional(String sql, int[] order) {
    }

    private PlainSql() {
    }

    /** Runs an insert, update or delete; answers the rows it changed. */
    static int update(EntityManager em, String sql, Object first, Object... more) {
        Object[] parameters = parameters(first, more);
        return work(em, connection -> {
            Positional positional = positional(sql);
            try (PreparedStatement statement = connection.prepareStatement(positional.sql())) {
                bind(connection, statement, positional, parameters);
                return statement.executeUpdate();
            }
        });
    }

    /** Runs a query; answers its rows. */
    static List<Object[]> rows(EntityManager em, String sql, Object first, Object... more) {
        Object[] parameters = parameters(first, more);
        return work(em, connection -> {
            Positional positional = positional(sql);
            try (PreparedStatement statement = connection.prepareStatement(positional.sql())) {
                bind(connection, statement, positional, parameters);
                List<Object[]> rows = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        Object[] row = new Object[columns];
                        for (int c = 0; c < columns; c++) {
                            row[c] = rs.getObject(c + 1);
                        }
                        rows.add(row);
                    }
                }
                return rows;
            }
        });
    }

    /** The parameters in order (the first apart: a lone {@code String[]} is a parameter, never the varargs array). */
    private static Object[] parameters(Object first, Object[] more) {
        Object[] all = new Object[more.length + 1];
        all[0] = first;
        System.arraycopy(more, 0, all, 1, more.length);
        return all;
    }

    private interface Work<R> {
        R on(Connection connection) throws SQLException;
    }

    private static <R> R work(EntityManager em, Work<R> work) {
        Session session = em.unwrap(Session.class);
        if (session.isDirty()) {
            session.flush();
        }
        return session.doReturningWork(work::on);
    }

    private static Positional positional(String sql) {
        return TEXTS.computeIfAbsent(sql, text -> {
            Matcher m = NUMBERED.matcher(text);
            StringBuilder out = new StringBuilder();
            List<Integer> order = new ArrayList<>();
            while (m.find()) {
                order.add(Integer.parseInt(m.group(1)));
                m.appendReplacement(out, "?");
            }
            m.appendTail(out);
            return new Positional(out.toString(), order.stream().mapToInt(Integer::intValue).toArray());
        });
    }

    private static void bind(Connection connection, PreparedStatement statement, Positional positional,
                             Object[] parameters) throws SQLException {
        for (int i = 0; i < positional.order().length; i++) {
            Object value = parameters[positional.order()[i] - 1];
            if (value instanceof String[] texts) {
                statement.setArray(i + 1, connection.createArrayOf("text", texts));
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }
}
