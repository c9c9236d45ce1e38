package org.guestcrm.optout.it;

import java.util.ArrayList;
import java.util.List;

import org.hibernate.resource.jdbc.spi.StatementInspector;

import io.quarkus.hibernate.orm.PersistenceUnitExtension;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Test-only: sees every SQL statement Hibernate prepares (entity loads and flushes, JPQL, native queries; a JDBC batch
 * is prepared once) and keeps those of the thread that asked for it, so a test counts the statements of one batch
 * without the relay's or the timers' statements on other threads. Plain JDBC through {@code Session.doWork} is not
 * seen (the platform's processed-event insert is the one such statement of an intake batch).
 */
@PersistenceUnitExtension
@ApplicationScoped
public class StatementCounter implements StatementInspector {

    private static final ThreadLocal<List<String>> RECORDING = new ThreadLocal<>();
    /** Every statement prepared, on any thread (the cost probe's count). */
    private static final java.util.concurrent.atomic.AtomicLong ALL = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public String inspect(String sql) {
        ALL.incrementAndGet();
        List<String> statements = RECORDING.get();
        if (statements != null) {
            statements.add(sql);
        }
        return sql;
    }

    /** How many statements were prepared so far on every thread. */
    public static long all() {
        return ALL.get();
    }

    /** Starts recording the statements of the calling thread. */
    public static void start() {
        RECORDING.set(new ArrayList<>());
    }

    /** Stops recording and answers what was prepared since {@link #start()}. */
    public static List<String> stop() {
        List<String> statements = RECORDING.get();
        RECORDING.remove();
        return statements == null ? List.of() : statements;
    }
}
