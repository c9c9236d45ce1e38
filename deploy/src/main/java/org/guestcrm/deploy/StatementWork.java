package org.guestcrm.deploy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Where PostgreSQL's time goes, statement by statement, from {@code pg_stat_statements}, when the stack's server
 * preloads it ({@code CRM_PG_STATEMENTS=1 ./crm up} on a stack whose PostgreSQL is not running yet): {@link #reset}
 * before a benchmark window, {@link #top} after it. The statement texts are PostgreSQL's normalised ones (constants
 * replaced by {@code $1}, {@code $2}, ...), so they carry no guest data. Without the preload both are no-ops and
 * {@link #top} answers an empty list: the figure is optional, never a reason to fail a run.
 */
final class StatementWork {

    /** One normalised statement of one database over the window. */
    record Entry(String database, long calls, double totalMillis, long rows, String query) {
    }

    private StatementWork() {
    }

    /** Creates the extension if the server preloads it and clears its counters; false when it is not available. */
    static boolean reset(StackConfig config) {
        try (Connection connection = connect(config); Statement statement = connection.createStatement()) {
            statement.execute("create extension if not exists pg_stat_statements");
            statement.execute("select pg_stat_statements_reset()");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The {@code limit} statements of the service databases with the most execution time since {@link #reset}. */
    static List<Entry> top(StackConfig config, int limit) {
        List<Entry> entries = new ArrayList<>();
        try (Connection connection = connect(config); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("""
                    select d.datname, s.calls, s.total_exec_time, s.rows, s.query
                    from pg_stat_statements s join pg_database d on d.oid = s.dbid
                    where d.datname = any (array['connector','profile','journey','optout','desk','ops'])
                    order by s.total_exec_time desc limit %d""".formatted(limit))) {
                while (rows.next()) {
                    entries.add(new Entry(rows.getString(1), rows.getLong(2), rows.getDouble(3), rows.getLong(4),
                            oneLine(rows.getString(5))));
                }
            }
        } catch (SQLException e) {
            return List.of();
        }
        return entries;
    }

    /** The statements as lines of figures per booking, the query cut to {@code width} characters. */
    static List<String> lines(List<Entry> entries, int bookings, int width) {
        List<String> lines = new ArrayList<>();
        if (entries.isEmpty()) {
            return lines;
        }
        double per = Math.max(1, bookings);
        lines.add(String.format("%-9s %9s %9s %9s  %s", "DATABASE", "ms/book", "calls/bk", "rows/bk", "STATEMENT (pg_stat_statements, execution time)"));
        for (Entry entry : entries) {
            String query = entry.query().length() > width ? entry.query().substring(0, width - 3) + "..." : entry.query();
            lines.add(String.format("%-9s %9.3f %9.2f %9.2f  %s", entry.database(), entry.totalMillis() / per,
                    entry.calls() / per, entry.rows() / per, query));
        }
        return lines;
    }

    static String oneLine(String query) {
        return query == null ? "" : query.replaceAll("\\s+", " ").trim();
    }

    private static Connection connect(StackConfig config) throws SQLException {
        Properties properties = new Properties();
        properties.put("user", "postgres");
        properties.put("connectTimeout", "3");
        return DriverManager.getConnection(config.jdbcUrl("postgres"), properties);
    }
}
