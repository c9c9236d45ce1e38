package org.guestcrm.profile.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.hibernate.Session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The intake's guest rows without entities: the candidate guests locked ({@code for update}, id order) and read as
 * the matcher needs them (tenant, creation time, alias), and the stored side of the joins a batch decided, written at
 * its end in a few set-based statements whatever the number of joins (the guests absorbed and their aliases, the
 * moved links, the absorbed guests' contact points, the pending review items naming them).
 */
@ApplicationScoped
public class GuestJoins {

    @Inject
    EntityManager entityManager;

    /** A locked guest row as the matcher reads it. */
    public record LockedGuest(UUID id, String tenant, Instant createdAt, UUID mergedInto) {
    }

    /** Locks these guests' rows in id order and reads them (one statement, no entity loaded). */
    public Map<UUID, LockedGuest> lock(Collection<UUID> ids) {
        Map<UUID, LockedGuest> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array array = connection.createArrayOf("uuid", ids.stream().distinct().toArray());
            try (PreparedStatement query = connection.prepareStatement("""
                    select id, tenant, created_at, merged_into from guest where id = any(?) order by id for update""")) {
                query.setArray(1, array);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        UUID id = rows.getObject(1, UUID.class);
                        out.put(id, new LockedGuest(id, rows.getString(2), rows.getTimestamp(3).toInstant(),
                                rows.getObject(4, UUID.class)));
                    }
                }
            } finally {
                array.free();
            }
        });
        return out;
    }

    /** The never-merge pairs among these source profiles, as {@code "a|b"} (one statement). */
    public Set<String> exclusionsAmong(Collection<UUID> profiles) {
        Set<String> out = new HashSet<>();
        if (profiles.isEmpty()) {
            return out;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array array = connection.createArrayOf("uuid", profiles.stream().distinct().toArray());
            try (PreparedStatement query = connection.prepareStatement("""
                    select source_profile_id, other_source_profile_id from match_exclusion
                    where source_profile_id = any(?1) and other_source_profile_id = any(?1)""".replace("?1", "?"))) {
                query.setArray(1, array);
                query.setArray(2, array);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        out.add(rows.getObject(1, UUID.class) + "|" + rows.getObject(2, UUID.class));
                    }
                }
            } finally {
                array.free();
            }
        });
        return out;
    }

    /**
     * Writes the stored side of a batch's joins (call after the batch's flush): each stored absorbed guest and every
     * stored alias of it names its final survivor; the moved stored links name their new guest; the stored absorbed
     * guests' contact points are deleted; pending review items naming an absorbed guest name its survivor, and an
     * item left naming one guest on both sides is merged. Four statements at most, none when nothing was joined.
     *
     * @param survivorOf   every guest absorbed by the batch, with its final survivor
     * @param storedAbsorbed the absorbed guests that were stored before the batch
     * @param linkMoves    stored links moved, source profile to its final guest
     */
    public void write(Map<UUID, UUID> survivorOf, Collection<UUID> storedAbsorbed, Map<UUID, UUID> linkMoves,
            Instant now) {
        if (survivorOf.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            Timestamp at = Timestamp.from(now);
            List<UUID> stored = storedAbsorbed.stream().distinct().toList();
            if (!stored.isEmpty()) {
                List<UUID> survivors = stored.stream().map(survivorOf::get).toList();
                update(connection, """
                        with m (absorbed, survivor) as (select * from unnest(?::uuid[], ?::uuid[])),
                        t (id, survivor) as (
                            select absorbed, survivor from m
                            union all
                            select a.id, m.survivor from guest a join m on a.merged_into = m.absorbed)
                        update guest g set merged_into = t.survivor, updated_at = ? from t where g.id = t.id""",
                        uuids(connection, stored), uuids(connection, survivors), at);
                update(connection, "delete from guest_contact_point where guest_id = any(?)", uuids(connection, stored));
            }
            if (!linkMoves.isEmpty()) {
                List<UUID> sources = List.copyOf(linkMoves.keySet());
                update(connection, """
                        update guest_source_profile l set guest_id = m.guest_id, linked_at = ?
                        from unnest(?::uuid[], ?::uuid[]) as m (source_profile_id, guest_id)
                        where l.source_profile_id = m.source_profile_id""", at, uuids(connection, sources),
                        uuids(connection, sources.stream().map(linkMoves::get).toList()));
            }
            List<UUID> absorbed = List.copyOf(survivorOf.keySet());
            update(connection, """
                    with m (absorbed, survivor) as (select * from unnest(?::uuid[], ?::uuid[])),
                    d as (
                        select x.id, coalesce(a.survivor, x.guest_id) as guest_id,
                            coalesce(c.survivor, x.candidate_guest_id) as candidate_guest_id
                        from match_decision x
                        left join m a on a.absorbed = x.guest_id
                        left join m c on c.absorbed = x.candidate_guest_id
                        where x.id in (
                            select id from match_decision where status = 'PENDING' and guest_id in (select absorbed from m)
                            union
                            select id from match_decision where status = 'PENDING'
                                and candidate_guest_id in (select absorbed from m)))
                    update match_decision t set guest_id = d.guest_id, candidate_guest_id = d.candidate_guest_id,
                        status = case when d.guest_id = d.candidate_guest_id then 'MERGED' else t.status end,
                        decided_at = case when d.guest_id = d.candidate_guest_id then ? else t.decided_at end,
                        reviewer = case when d.guest_id = d.candidate_guest_id then 'AUTOMATIC' else t.reviewer end
                    from d where t.id = d.id""", uuids(connection, absorbed),
                    uuids(connection, absorbed.stream().map(survivorOf::get).toList()), at);
        });
    }

    private static Array uuids(Connection connection, List<UUID> ids) throws SQLException {
        return connection.createArrayOf("uuid", ids.toArray());
    }

    private static void update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } finally {
            for (Object p : parameters) {
                if (p instanceof Array a) {
                    a.free();
                }
            }
        }
    }
}
