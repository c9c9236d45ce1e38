package org.guestcrm.connector.persistence;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * PostgreSQL's JDBC driver, every committed transaction recorded as the statements (round trips) it sent: for each
 * connection the statements executed since the last commit or rollback, as the first words of their SQL text (never a
 * parameter value). A JDBC batch is one round trip however many rows it carries. What {@code PushStatementsTest}
 * counts per push.
 */
public final class TransactionRecordingDriver implements Driver {

    /** A statement sent, by the thread that sent it (SQL text shortened, whitespace collapsed). */
    public record Sent(String thread, String sql) {
    }

    /** One committed transaction: its statements, in order (SQL text shortened), and the thread that committed it. */
    public record Transaction(String thread, List<String> statements) {
        public boolean touches(String fragment) {
            return statements.stream().anyMatch(s -> s.contains(fragment));
        }
    }

    private static final ConcurrentLinkedQueue<Transaction> COMMITTED = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<Sent> SENT = new ConcurrentLinkedQueue<>();

    private final Driver delegate = new org.postgresql.Driver();

    /** Forgets what was recorded. */
    public static void clear() {
        COMMITTED.clear();
        SENT.clear();
    }

    /** Every statement thread {@code thread} sent since {@link #clear}, in or out of a transaction. */
    public static List<String> sentBy(String thread) {
        return SENT.stream().filter(s -> s.thread().equals(thread)).map(Sent::sql).toList();
    }

    /** How many statements threads other than {@code except} sent since {@link #clear}. */
    public static long sentByAllBut(String except) {
        return SENT.stream().filter(s -> !s.thread().equals(except)).count();
    }

    /** The committed transactions recorded since {@link #clear} that match. */
    public static List<Transaction> committed(Predicate<Transaction> filter) {
        return COMMITTED.stream().filter(filter).toList();
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        Connection connection = delegate.connect(url, info);
        return connection == null ? null : proxy(Connection.class, new ConnectionHandler(connection));
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

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(TransactionRecordingDriver.class.getClassLoader(), new Class<?>[] {type},
                handler));
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String shorten(String sql) {
        String text = sql == null ? "?" : sql.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        return text.length() > 120 ? text.substring(0, 120) : text;
    }

    /** A connection: the statements of its current transaction. */
    private static final class ConnectionHandler implements InvocationHandler {
        private final Connection target;
        private final List<String> current = new ArrayList<>();

        ConnectionHandler(Connection target) {
            this.target = target;
        }

        synchronized void sent(String sql) {
            String text = shorten(sql);
            current.add(text);
            SENT.add(new Sent(Thread.currentThread().getName(), text));
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("commit")) {
                Object result = call(target, method, args);
                synchronized (this) {
                    if (!current.isEmpty()) {
                        COMMITTED.add(new Transaction(Thread.currentThread().getName(), List.copyOf(current)));
                    }
                    current.clear();
                }
                return result;
            }
            if ((name.equals("rollback") && (args == null || args.length == 0)) || name.equals("setAutoCommit")) {
                synchronized (this) {
                    current.clear();
                }
            }
            Object result = call(target, method, args);
            String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
            return switch (name) {
                case "prepareStatement" -> proxy(PreparedStatement.class, new StatementHandler(this, result, sql));
                case "prepareCall" -> proxy(CallableStatement.class, new StatementHandler(this, result, sql));
                case "createStatement" -> proxy(Statement.class, new StatementHandler(this, result, null));
                default -> result;
            };
        }
    }

    private record StatementHandler(ConnectionHandler connection, Object target, String preparedSql)
            implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : preparedSql;
            switch (method.getName()) {
                case "execute", "executeQuery", "executeUpdate", "executeLargeUpdate" -> connection.sent(sql);
                case "executeBatch", "executeLargeBatch" -> connection.sent("batch: " + shorten(preparedSql));
                default -> {
                }
            }
            return call(target, method, args);
        }
    }
}
