package org.guestcrm.deploy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What each service database did, from PostgreSQL's own cumulative statistics ({@code pg_stat_database}): commits and
 * rows inserted, updated, deleted and read. Two readings around a benchmark window give the work per booking, which is
 * where a durable commit's WAL flush and the rows behind it show up before any profiler is attached.
 * <p>
 * Each backend flushes its counters at the end of a transaction at most once a second, and an idle one within about
 * ten seconds, so the readings trail by up to that much: a window of minutes (the bench's) reads them to within a few
 * percent, a window of a second may see only part of its own work.
 */
final class DatabaseWork {

    /** Cumulative counters of one database. */
    record Counters(long commits, long rollbacks, long inserted, long updated, long deleted, long fetched) {

        Counters minus(Counters before) {
            return new Counters(commits - before.commits, rollbacks - before.rollbacks, inserted - before.inserted,
                    updated - before.updated, deleted - before.deleted, fetched - before.fetched);
        }

        long written() {
            return inserted + updated + deleted;
        }
    }

    private DatabaseWork() {
    }

    /** The counters of every service database now; empty when PostgreSQL cannot be read (the figures are then left out). */
    static Map<String, Counters> read(StackConfig config) {
        Properties properties = new Properties();
        properties.put("user", "postgres");
        properties.put("connectTimeout", "3");
        Map<String, Counters> counters = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl("postgres"), properties);
                Statement statement = connection.createStatement()) {
            // A fresh snapshot, not the one this backend may have cached for its transaction.
            statement.execute("select pg_stat_clear_snapshot()");
            try (ResultSet rows = statement.executeQuery("""
                    select datname, xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_fetched
                    from pg_stat_database where datname = any (array['connector','profile','journey','optout','desk','ops'])""")) {
                while (rows.next()) {
                    counters.put(rows.getString(1), new Counters(rows.getLong(2), rows.getLong(3), rows.getLong(4),
                            rows.getLong(5), rows.getLong(6), rows.getLong(7)));
                }
            }
        } catch (SQLException e) {
            return Map.of();
        }
        return counters;
    }

    /** After minus before, per database present in both. */
    static Map<String, Counters> delta(Map<String, Counters> before, Map<String, Counters> after) {
        Map<String, Counters> delta = new TreeMap<>();
        after.forEach((database, counters) -> {
            Counters earlier = before.get(database);
            if (earlier != null) {
                delta.put(database, counters.minus(earlier));
            }
        });
        return delta;
    }
}
