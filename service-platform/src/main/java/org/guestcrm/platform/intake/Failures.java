package org.guestcrm.platform.intake;

import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells a transient failure (a server that is unavailable for now: the database, the schema registry, the broker;
 * a lock conflict) from one that retrying cannot fix. A transient failure pauses and retries; only the other kind
 * can make a record a dead letter.
 */
public final class Failures {

    private static final Set<String> TRANSIENT_TYPES = Set.of(
            "java.net.ConnectException",
            "java.net.SocketException",
            "java.net.SocketTimeoutException",
            "java.net.UnknownHostException",
            "java.net.NoRouteToHostException",
            "java.net.http.HttpTimeoutException",
            "java.net.http.HttpConnectTimeoutException",
            "java.nio.channels.ClosedChannelException",
            "java.util.concurrent.TimeoutException",
            "java.sql.SQLTransientException",
            "java.sql.SQLRecoverableException",
            "org.hibernate.exception.JDBCConnectionException",
            "org.hibernate.exception.LockAcquisitionException",
            "org.hibernate.exception.LockTimeoutException",
            "org.hibernate.PessimisticLockException",
            "jakarta.persistence.LockTimeoutException",
            "jakarta.persistence.PessimisticLockException",
            "org.hibernate.StaleObjectStateException",
            "jakarta.persistence.OptimisticLockException",
            "org.apache.kafka.common.errors.RetriableException",
            "org.apache.kafka.common.errors.TimeoutException",
            "io.vertx.core.VertxException",
            "org.guestcrm.platform.outbox.OutboxSerde$SchemaUnavailableException");

    private Failures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PoisonRecordException) {
                return false;
            }
            for (Class<?> type = t.getClass(); type != null; type = type.getSuperclass()) {
                if (TRANSIENT_TYPES.contains(type.getName())) {
                    return true;
                }
            }
            if (t instanceof SQLException sql && transientSqlState(sql)) {
                return true;
            }
            Integer status = httpStatusOf(t);
            if (status != null && (status >= 500 || status == 429 || status == 408)) {
                return true;
            }
        }
        return false;
    }

    /** The exception's class and, for SQL, its state: enough to act on, and never a value from the data. */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        StringBuilder text = new StringBuilder(failure.getClass().getSimpleName());
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            if (t instanceof PoisonRecordException) {
                return t.getMessage();
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return text.append(" (SQL state ").append(sql.getSQLState()).append(')').toString();
            }
        }
        if (root != failure) {
            text.append(" caused by ").append(root.getClass().getSimpleName());
        }
        return text.toString();
    }

    private static boolean transientSqlState(SQLException sql) {
        String state = sql.getSQLState();
        if (state == null) {
            // Agroal: "Sorry, acquisition timeout!" when no connection could be had in time.
            String message = sql.getMessage();
            return message != null && message.toLowerCase(java.util.Locale.ROOT).contains("acquisition timeout");
        }
        return state.startsWith("08")           // connection exception
                || state.startsWith("53")       // insufficient resources (too many connections, disk full)
                || state.startsWith("57P")      // admin shutdown, crash shutdown, cannot connect now
                || state.equals("40001")        // serialization failure
                || state.equals("40P01")        // deadlock detected
                || state.equals("55P03")        // lock not available
                || state.equals("55000")        // e.g. "database is not currently accepting connections"
                || state.equals("25006");       // read-only transaction (a failover in progress)
    }

    /** The HTTP status of a registry client's error (Kiota ApiException and the like), found by name. */
    private static Integer httpStatusOf(Throwable t) {
        for (String accessor : new String[] {"getResponseStatusCode", "getStatusCode", "getStatus"}) {
            try {
                Method method = t.getClass().getMethod(accessor);
                if (method.getParameterCount() == 0) {
                    Object value = method.invoke(t);
                    if (value instanceof Integer status && status > 0) {
                        return status;
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // not an HTTP error
            }
        }
        return null;
    }
}
