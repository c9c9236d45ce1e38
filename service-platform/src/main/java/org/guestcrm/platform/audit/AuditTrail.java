package org.guestcrm.platform.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The audit trail of staff actions, in the service's own table {@code audit_event}. Entries are queued by the request
 * (never blocking it) and written in batches by one thread, at least every 200 ms; a crash can lose the entries of
 * those last 200 ms, and a full queue (10,000 entries: the database is down) drops entries and counts them
 * ({@code guestcrm.audit.dropped}), so an outage of the audit never becomes an outage of the API.
 */
@ApplicationScoped
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);

    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry meters;

    private final BlockingQueue<AuditEntry> queue = new ArrayBlockingQueue<>(10_000);
    private volatile boolean running;
    private Thread writer;
    private Counter dropped;

    void start(@Observes StartupEvent startup) {
        dropped = Counter.builder("guestcrm.audit.dropped").description("Audit entries dropped: queue full, or refused by the database for their data")
                .register(meters);
        running = true;
        writer = new Thread(this::writeLoop, "audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (writer != null) {
            writer.interrupt();
            try {
                writer.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }

    public void record(AuditEntry entry) {
        if (!queue.offer(entry)) {
            dropped.increment();
        }
    }

    /** Writes what is queued now (tests call it to read their own entries back at once). */
    public synchronized void flush() {
        List<AuditEntry> batch = new ArrayList<>();
        queue.drainTo(batch);
        if (batch.isEmpty()) {
            return;
        }
        try {
            write(batch);
        } catch (SQLException e) {
            if (!isDataError(e)) {
                // Transient (the database is away): put them back for a later pass, as far as there is room, and let
                // the writer wait before it tries again instead of spinning on the queue it just refilled.
                batch.forEach(this::record);
                retryAfter = System.nanoTime() + RETRY_PAUSE_NANOS;
                LOG.warnf("Cannot write %d audit entries now (SQL state %s); retrying in 1 s.", batch.size(), e.getSQLState());
                return;
            }
            // One entry the database can never take must not hold back the others: each is written alone, and one
            // that fails again for its data is dropped and counted (guestcrm.audit.dropped), never retried forever.
            int refused = 0;
            for (AuditEntry entry : batch) {
                try {
                    write(List.of(entry));
                } catch (SQLException single) {
                    if (!isDataError(single)) {
                        record(entry);
                        retryAfter = System.nanoTime() + RETRY_PAUSE_NANOS;
                    } else {
                        refused++;
                        dropped.increment();
                    }
                }
            }
            if (refused > 0) {
                LOG.warnf("Dropped %d of %d audit entries the database refuses for their data (SQL state %s).", refused,
                        batch.size(), e.getSQLState());
            }
        }
    }

    private void write(List<AuditEntry> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        insert into audit_event (occurred_at, actor, tenant, roles, action, target_id, source_address, outcome)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (AuditEntry entry : batch) {
                insert.setTimestamp(1, Timestamp.from(entry.occurredAt()));
                insert.setString(2, text(entry.actor(), 200));
                insert.setString(3, text(entry.tenant(), 200));
                insert.setString(4, text(entry.roles(), 200));
                insert.setString(5, text(entry.action(), 300));
                insert.setString(6, text(entry.targetId(), 300));
                insert.setString(7, text(entry.sourceAddress(), 100));
                insert.setInt(8, entry.outcome());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** SQL state class 22 (data exception, e.g. 22021 a NUL in text) or 23 (integrity): the same entry fails again. */
    private static boolean isDataError(SQLException e) {
        for (java.sql.SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    private static final long RETRY_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The writer passes nothing before this instant (System.nanoTime) after a transient failure. */
    private volatile long retryAfter = System.nanoTime();

    /**
     * Entries between {@code from} and {@code to}, newest first, of the given tenants ({@code null}: every tenant),
     * optionally of one actor.
     */
    public List<AuditEntry> find(Instant from, Instant to, Set<String> tenants, String actor, int limit) {
        flush();
        StringBuilder sql = new StringBuilder("""
                select id, occurred_at, actor, tenant, roles, action, target_id, source_address, outcome
                from audit_event where occurred_at >= ? and occurred_at < ?""");
        if (tenants != null) {
            sql.append(" and tenant = any (?)");
        }
        if (actor != null) {
            sql.append(" and actor = ?");
        }
        sql.append(" order by occurred_at desc, id desc limit ?");
        List<AuditEntry> entries = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql.toString())) {
            int i = 1;
            select.setTimestamp(i++, Timestamp.from(from));
            select.setTimestamp(i++, Timestamp.from(to));
            if (tenants != null) {
                select.setArray(i++, connection.createArrayOf("varchar", tenants.toArray()));
            }
            if (actor != null) {
                select.setString(i++, actor);
            }
            select.setInt(i, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new AuditEntry(rows.getLong(1), rows.getTimestamp(2).toInstant(), rows.getString(3),
                            rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7),
                            rows.getString(8), rows.getInt(9)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the audit trail (SQL state " + e.getSQLState() + ")", e);
        }
        return entries;
    }

    private void writeLoop() {
        while (running) {
            try {
                long wait = retryAfter - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                AuditEntry first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    queue.offer(first);
                    flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("Audit writer pass failed: %s", e.getClass().getSimpleName());
            }
        }
    }

    /**
     * The value as PostgreSQL text can hold it: at most {@code max} characters, a NUL (which text cannot hold: SQL
     * state 22021; a hostile request path may carry one, and the audit records refused requests too) written as
     * U+FFFD. A batch holding such an entry once failed on every pass, and the writer retried it in a tight loop.
     */
    static String text(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
