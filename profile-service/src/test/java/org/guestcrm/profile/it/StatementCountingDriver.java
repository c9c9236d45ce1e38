package org.guestcrm.profile.it;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * PostgreSQL's JDBC driver with every statement the application sends counted, on the threads that ask for it
 * ({@link #count}): what {@code IntakeStatementsTest} measures per batch. It counts round trips as the client makes
 * them: a query, a single write, a JDBC batch (however many rows it carries), a sequence fetch; never SQL text or
 * parameter values.
 */
public final class StatementCountingDriver implements Driver {

    /** What one thread sent while counting. */
    public static final class Counts {
        public int reads;
        public int singleWrites;
        public int batches;
        public int batchedRows;
        public int sequenceFetches;
        /** Reads and single writes by the start of their SQL (whitespace collapsed, 70 characters): what repeats. */
        public final java.util.Map<String, Integer> bySql = new java.util.TreeMap<>();
        /** Wall time waiting on the server per statement shape (the execute call), nanoseconds; batches and sequences too. */
        public final java.util.Map<String, Long> nanosBySql = new java.util.TreeMap<>();

        /** The statements sent more than once, most frequent first. */
        public String repeated() {
            StringBuilder out = new StringBuilder();
            bySql.entrySet().stream().filter(e -> e.getValue() > 1)
                    .sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(e -> out.append(String.format(Locale.ROOT, "  %4d x %s%n", e.getValue(), e.getKey())));
            return out.toString();
        }

        public int statements() {
            return reads + singleWrites + batches + sequenceFetches;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d statements: %d reads, %d single writes, %d JDBC batches (%d rows), "
                    + "%d sequence fetches", statements(), reads, singleWrites, batches, batchedRows, sequenceFetches);
        }
    }

    private static final ThreadLocal<Counts> COUNTING = new ThreadLocal<>();

    private final Driver delegate = new org.postgresql.Driver();

    /** Runs {@code work} on this thread and returns what it sent to the database. */
    public static Counts count(Runnable work) {
        Counts counts = new Counts();
        COUNTING.set(counts);
        try {
            work.run();
        } finally {
            COUNTING.remove();
        }
        return counts;
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        Connection connection = delegate.connect(url, info);
        return connection == null ? null : proxy(Connection.class, connection, new ConnectionHandler(connection));
    }

    @Override
    public boolean acceptsURL(String url) throws SQLException {
        return delegate.acceptsURL(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return delegate.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
        return delegate.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return delegate.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return delegate.jdbcCompliant();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    private static <T> T proxy(Class<T> type, Object target, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(StatementCountingDriver.class.getClassLoader(), new Class<?>[] {type},
                handler));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private record ConnectionHandler(Connection target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object result = StatementCountingDriver.invoke(target, method, args);
            String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
            return switch (method.getName()) {
                case "prepareStatement" -> proxy(PreparedStatement.class, result, new StatementHandler(result, sql));
                case "prepareCall" -> proxy(CallableStatement.class, result, new StatementHandler(result, sql));
                case "createStatement" -> proxy(Statement.class, result, new StatementHandler(result, null));
                default -> result;
            };
        }
    }

    private record StatementHandler(Object target, String preparedSql) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Counts counts = COUNTING.get();
            String timed = null;
            if (counts != null) {
                String name = method.getName();
                String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : preparedSql;
                switch (name) {
                    case "addBatch" -> counts.batchedRows++;
                    case "executeBatch", "executeLargeBatch" -> {
                        counts.batches++;
                        timed = "[batch] " + shape(preparedSql == null ? ""
                                : preparedSql.strip().toLowerCase(Locale.ROOT), 62);
                        counts.bySql.merge(timed, 1, Integer::sum);
                    }
                    case "execute", "executeQuery", "executeUpdate", "executeLargeUpdate" -> timed = classify(counts, sql);
                    default -> {
                    }
                }
            }
            if (timed == null) {
                return StatementCountingDriver.invoke(target, method, args);
            }
            long start = System.nanoTime();
            try {
                return StatementCountingDriver.invoke(target, method, args);
            } finally {
                counts.nanosBySql.merge(timed, System.nanoTime() - start, Long::sum);
            }
        }

        /** The start of a statement's text, and the table it reads from when that is further on. */
        private static String shape(String text, int length) {
            String shape = text.replaceAll("\\s+", " ");
            String head = shape.substring(0, Math.min(length, shape.length()));
            int from = shape.indexOf(" from ");
            if (from > length) {
                head += " ..." + shape.substring(from, Math.min(from + 50, shape.length()));
            }
            return head;
        }

        /** Counts the statement; returns the shape its wall time is summed under. */
        private static String classify(Counts counts, String sql) {
            String text = sql == null ? "" : sql.stripLeading().toLowerCase(Locale.ROOT);
            String shape = shape(text, 70);
            if (!text.contains("nextval(")) {
                counts.bySql.merge(shape, 1, Integer::sum);
            }
            if (text.contains("nextval(")) {
                counts.sequenceFetches++;
                return "[sequence] " + shape;
            } else if (text.startsWith("insert") || text.startsWith("update") || text.startsWith("delete")) {
                counts.singleWrites++;
            } else {
                counts.reads++;
            }
            return shape;
        }
    }
}
