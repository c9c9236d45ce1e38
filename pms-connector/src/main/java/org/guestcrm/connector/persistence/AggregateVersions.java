package org.guestcrm.connector.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.guestcrm.connector.domain.VersionOrdering.Held;
import org.hibernate.Session;

/**
 * Table {@code aggregate_version}: what the connector last emitted per feed and aggregate. Used in the caller's
 * transaction (the one writing the outbox rows), in bulk: {@link #lock} creates missing rows as placeholders and locks
 * all of them in key order (so two replicas taking the same reservation wait for each other, never deadlock), and
 * {@link #save} writes the new versions as one JDBC batch.
 */
@ApplicationScoped
public class AggregateVersions {

    /** An aggregate of a feed: type RESERVATION ({@code hotelCode:pmsReservationId}) or PROFILE ({@code pmsProfileId}). */
    public record Key(String type, String id) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byType = type.compareTo(other.type);
            return byType != 0 ? byType : id.compareTo(other.id);
        }
    }

    @Inject
    EntityManager entityManager;

    /** Locks the aggregates (creating placeholders) and answers what is held for each (absent = nothing held). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<Key, Held> lock(String feedId, Collection<Key> keys) {
        Map<Key, Held> held = new HashMap<>();
        if (keys.isEmpty()) {
            return held;
        }
        TreeSet<Key> sorted = new TreeSet<>(keys);
        String[] types = sorted.stream().map(Key::type).toArray(String[]::new);
        String[] ids = sorted.stream().map(Key::id).toArray(String[]::new);
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into aggregate_version (feed_id, aggregate_type, aggregate_id)
                    select ?, t, i from unnest(?::varchar[], ?::varchar[]) with ordinality as u(t, i, n) order by n
                    on conflict do nothing""")) {
                bindKeys(connection, insert, feedId, types, ids);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement("""
                    select aggregate_type, aggregate_id, pms_sequence, sequence_offset, version_time, content_sha256, sequence_epoch_start
                    from aggregate_version
                    where feed_id = ? and (aggregate_type, aggregate_id) in
                          (select t, i from unnest(?::varchar[], ?::varchar[]) as u(t, i))
                    order by aggregate_type, aggregate_id
                    for update""")) {
                bindKeys(connection, select, feedId, types, ids);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        String sha = rs.getString(6);
                        if (sha == null) {
                            continue;
                        }
                        long sequence = rs.getLong(3);
                        Long pmsSequence = rs.wasNull() ? null : sequence;
                        Timestamp time = rs.getTimestamp(5);
                        Timestamp epoch = rs.getTimestamp(7);
                        held.put(new Key(rs.getString(1), rs.getString(2)), new Held(pmsSequence, rs.getLong(4),
                                time == null ? null : time.toInstant(), sha, epoch == null ? null : epoch.toInstant()));
                    }
                }
            }
        });
        return held;
    }

    /** Writes what is held now for each changed aggregate; {@code resets} counts a detected sequence reset. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void save(String feedId, Map<Key, Held> changed, Collection<Key> resets) {
        if (changed.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    update aggregate_version set pms_sequence = ?, sequence_offset = ?, version_time = ?, content_sha256 = ?,
                           sequence_epoch_start = ?, sequence_resets = sequence_resets + ?, updated_at = now()
                    where feed_id = ? and aggregate_type = ? and aggregate_id = ?""")) {
                for (Map.Entry<Key, Held> entry : new java.util.TreeMap<>(changed).entrySet()) {
                    Held held = entry.getValue();
                    if (held.sequence() == null) {
                        update.setNull(1, Types.BIGINT);
                    } else {
                        update.setLong(1, held.sequence());
                    }
                    update.setLong(2, held.sequenceOffset());
                    update.setTimestamp(3, held.time() == null ? null : Timestamp.from(held.time()));
                    update.setString(4, held.contentSha256());
                    update.setTimestamp(5, held.epochStart() == null ? null : Timestamp.from(held.epochStart()));
                    update.setInt(6, resets.contains(entry.getKey()) ? 1 : 0);
                    update.setString(7, feedId);
                    update.setString(8, entry.getKey().type());
                    update.setString(9, entry.getKey().id());
                    update.addBatch();
                }
                update.executeBatch();
            }
        });
    }

    /** The last emitted reservation states of locked aggregates (call after {@link #lock}), by key. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<Key, byte[]> states(String feedId, Collection<Key> keys) {
        Map<Key, byte[]> states = new HashMap<>();
        if (keys.isEmpty()) {
            return states;
        }
        TreeSet<Key> sorted = new TreeSet<>(keys);
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    select aggregate_type, aggregate_id, last_state from aggregate_version
                    where feed_id = ? and last_state is not null and (aggregate_type, aggregate_id) in
                          (select t, i from unnest(?::varchar[], ?::varchar[]) as u(t, i))""")) {
                bindKeys(connection, select, feedId, sorted.stream().map(Key::type).toArray(String[]::new),
                        sorted.stream().map(Key::id).toArray(String[]::new));
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        states.put(new Key(rs.getString(1), rs.getString(2)), rs.getBytes(3));
                    }
                }
            }
        });
        return states;
    }

    /** The reservation aggregates of a feed with this PMS reservation id (one per hotel that used it), in id order. */
    @Transactional(Transactional.TxType.MANDATORY)
    public java.util.List<Key> reservationsWithId(String feedId, String pmsReservationId) {
        @SuppressWarnings("unchecked")
        java.util.List<String> ids = entityManager.createNativeQuery("""
                        select aggregate_id from aggregate_version
                        where feed_id = :feed and aggregate_type = 'RESERVATION' and pms_reservation_id = :id
                        order by aggregate_id""", String.class)
                .setParameter("feed", feedId).setParameter("id", pmsReservationId).getResultList();
        return ids.stream().map(id -> new Key("RESERVATION", id)).toList();
    }

    /** Stores the last emitted state of reservations (locked by {@link #lock} in this transaction), one JDBC batch. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void saveStates(String feedId, Map<Key, ReservationState> states) {
        if (states.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    update aggregate_version set pms_reservation_id = ?, last_state = ?
                    where feed_id = ? and aggregate_type = ? and aggregate_id = ?""")) {
                for (Map.Entry<Key, ReservationState> entry : new java.util.TreeMap<>(states).entrySet()) {
                    update.setString(1, entry.getValue().pmsReservationId());
                    update.setBytes(2, entry.getValue().payload());
                    update.setString(3, feedId);
                    update.setString(4, entry.getKey().type());
                    update.setString(5, entry.getKey().id());
                    update.addBatch();
                }
                update.executeBatch();
            }
        });
    }

    /** A reservation's last emitted state: its id and the event's bytes. */
    public record ReservationState(String pmsReservationId, byte[] payload) {
    }

    private static void bindKeys(Connection connection, PreparedStatement statement, String feedId, String[] types,
                                 String[] ids) throws SQLException {
        Array typeArray = connection.createArrayOf("varchar", types);
        Array idArray = connection.createArrayOf("varchar", ids);
        statement.setString(1, feedId);
        statement.setArray(2, typeArray);
        statement.setArray(3, idArray);
    }
}
