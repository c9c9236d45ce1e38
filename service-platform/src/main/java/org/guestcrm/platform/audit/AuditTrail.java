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
        dropped = Counter.builder("guestcrm.audit.dropped").description("Audit entries dropped: queue full")
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
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        insert into audit_event (occurred_at, actor, tenant, roles, action, target_id, source_address, outcome)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (AuditEntry entry : batch) {
                insert.setTimestamp(1, Timestamp.from(entry.occurredAt()));
                insert.setString(2, cut(entry.actor(), 200));
                insert.setString(3, cut(entry.tenant(), 200));
                insert.setString(4, cut(entry.roles(), 200));
                insert.setString(5, cut(entry.action(), 300));
                insert.setString(6, cut(entry.targetId(), 300));
                insert.setString(7, cut(entry.sourceAddress(), 100));
                insert.setInt(8, entry.outcome());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            // Put them back for the next pass, as far as there is room.
            batch.forEach(this::record);
            LOG.warnf("Cannot write %d audit entries now (SQL state %s); retrying.", batch.size(), e.getSQLState());
        }
    }

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

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
