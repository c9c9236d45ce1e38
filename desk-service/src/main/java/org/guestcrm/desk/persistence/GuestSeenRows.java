package org.guestcrm.desk.persistence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.micrometer.core.instrument.Counter;
import jakarta.persistence.EntityManager;

/**
 * The guest_seen rows of one crm.guests batch with plain JDBC (issue 5): locked in guest order in one statement, the
 * versions applied written back (held rows updated, new ones inserted) in one. The {@link GuestSeenEntity} objects are
 * not managed by Hibernate; the merge and tombstone paths (other transactions) keep the entities.
 */
public final class GuestSeenRows {

    static final String LOCK = "select guest_id, tenant, version, gone, merged_into, updated_at, first_seen_at"
            + " from guest_seen where guest_id = any(cast(? as varchar[])) order by guest_id for update";
    /**
     * Held rows (locked by {@link #LOCK}) take their new tenant, version and times; new rows are inserted in guest
     * order. A new row another transaction inserted meanwhile (a rebalance) is not overwritten and counts nothing,
     * so the batch fails and is applied again (then it reads and locks that row).
     */
    static final String WRITE = "with r as (select * from unnest(cast(? as varchar[]), cast(? as varchar[]),"
            + " cast(? as bigint[]), cast(? as timestamptz[]), cast(? as timestamptz[]), cast(? as boolean[]))"
            + " as u(guest_id, tenant, version, updated_at, first_seen_at, held)),"
            + " changed as (update guest_seen s set tenant = r.tenant, version = r.version, updated_at = r.updated_at,"
            + " first_seen_at = r.first_seen_at from r where r.held and s.guest_id = r.guest_id returning 1),"
            + " added as (insert into guest_seen (guest_id, tenant, version, gone, updated_at, first_seen_at)"
            + " select r.guest_id, r.tenant, r.version, false, r.updated_at, r.first_seen_at from r where not r.held"
            + " order by r.guest_id on conflict (guest_id) do nothing returning 1)"
            + " select (select count(*) from changed) + (select count(*) from added)";

    private final EntityManager entityManager;
    private final Counter statements;

    public GuestSeenRows(EntityManager entityManager, Counter statements) {
        this.entityManager = entityManager;
        this.statements = statements;
    }

    /** The rows held for these guests, locked in guest order, by guestId. */
    public Map<String, GuestSeenEntity> lock(Collection<String> guestIds) {
        Map<String, GuestSeenEntity> held = new HashMap<>();
        if (guestIds.isEmpty()) {
            return held;
        }
        return Jdbc.work(entityManager, connection -> {
            try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
                lock.setArray(1, Jdbc.texts(connection, new TreeSet<>(guestIds), g -> g));
                statements.increment();
                try (ResultSet rs = lock.executeQuery()) {
                    while (rs.next()) {
                        GuestSeenEntity seen = new GuestSeenEntity();
                        seen.guestId = rs.getString("guest_id");
                        seen.tenant = rs.getString("tenant");
                        seen.version = rs.getLong("version");
                        seen.gone = rs.getBoolean("gone");
                        seen.mergedInto = rs.getString("merged_into");
                        seen.updatedAt = Jdbc.instant(rs, "updated_at");
                        seen.firstSeenAt = Jdbc.instant(rs, "first_seen_at");
                        held.put(seen.guestId, seen);
                    }
                }
            }
            return held;
        });
    }

    /**
     * Writes these rows' tenant, version, updated and first-seen times in one statement: those in {@code held} were
     * locked by {@link #lock}, the others are new. Fails if another transaction inserted one of the new ones.
     */
    public void write(Collection<GuestSeenEntity> rows, Set<String> held) {
        if (rows.isEmpty()) {
            return;
        }
        List<GuestSeenEntity> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(s -> s.guestId));
        long written = Jdbc.work(entityManager, connection -> {
            try (PreparedStatement write = connection.prepareStatement(WRITE)) {
                int p = 0;
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.guestId));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.tenant));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.version));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.updatedAt));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.firstSeenAt));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> held.contains(s.guestId)));
                statements.increment();
                try (ResultSet rs = write.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        if (written != sorted.size()) {
            throw new IllegalStateException((sorted.size() - written) + " golden guest(s) of the batch were first"
                    + " written by another transaction meanwhile; the batch is applied again");
        }
    }
}
