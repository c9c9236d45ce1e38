package org.guestcrm.profile.persistence;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.hibernate.Session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The blocking keys of the source profiles ({@code source_profile_block}): candidates for matching are looked up here
 * in bulk, one statement for every key of a batch, each key read up to the cap + 1 rows only ({@code lateral ...
 * limit}), so a block larger than the cap costs no more than the cap and is skipped; and the candidates' clusters,
 * read as match features in one statement.
 */
@ApplicationScoped
public class MatchBlocks {

    @Inject
    EntityManager entityManager;

    /**
     * {@link #find}'s statement: tenants, keys, the cap + 1, the cap (public for the probes' EXPLAIN). Each key's members
     * are read up to the cap + 1 from the primary key ({@code array(... limit)}, evaluated once: {@code offset 0}); a
     * block over the cap comes back as one row without a member and is not joined with the links, so its members cost
     * no look-up of their guest.
     */
    public static final String FIND_SQL = """
            select k.tenant, k.block_key, b.source_profile_id, l.guest_id
            from unnest(?::text[], ?::text[]) as k (tenant, block_key)
            cross join lateral (
                select array(select source_profile_id from source_profile_block b
                    where b.tenant = k.tenant and b.block_key = k.block_key limit ?) as ids
                offset 0
            ) as a
            cross join lateral unnest(case when cardinality(a.ids) > ? then array[null::uuid] else a.ids end)
                as b (source_profile_id)
            left join guest_source_profile l on l.source_profile_id = b.source_profile_id""";

    /**
     * {@link #clusters}'s statement: the guest ids (public for the probes' EXPLAIN). Each guest's links and profiles are
     * read through their indexes ({@code lateral ... offset 0}, so the planner does not flatten it into a join): with
     * an array of some 15,000 guests a plain join was planned as a hash join over a sequential scan of the whole
     * {@code source_profile} table, a cost that grows with the store.
     */
    public static final String CLUSTERS_SQL = """
            select m.guest_id, m.id, m.linked_at, m.match_given_name, m.match_surname, m.match_birth_date,
                m.match_postcode, m.match_city, m.match_street, m.match_email, m.match_document, m.match_phone,
                m.match_loyalty
            from unnest(?::uuid[]) as g (id)
            cross join lateral (
                select l.guest_id, s.id, l.linked_at, s.match_given_name, s.match_surname, s.match_birth_date,
                    s.match_postcode, s.match_city, s.match_street, s.match_email, s.match_document, s.match_phone,
                    s.match_loyalty
                from guest_source_profile l join source_profile s on s.id = l.source_profile_id
                where l.guest_id = g.id
                offset 0
            ) as m
            order by m.linked_at, m.id""";

    /** A tenant's blocking key. */
    public record BlockKey(String tenant, String key) {
        public String family() {
            int colon = key.indexOf(':');
            return colon < 0 ? key : key.substring(0, colon);
        }
    }

    /**
     * What the look-up found: the members of each block within the cap, the blocks over it, and the guest each member
     * is linked to (read in the same statement).
     */
    public record Found(Map<BlockKey, List<UUID>> members, Set<BlockKey> oversized, Map<UUID, UUID> guestOf) {
    }

    /**
     * The members of these blocks, in one statement whatever the batch and the key families: each key read up to
     * {@code cap + 1} rows, each member of a block within the cap with the guest its link names (a block over the cap
     * is only named in {@link Found#oversized}).
     */
    public Found find(Collection<BlockKey> keys, int cap) {
        Map<BlockKey, List<UUID>> members = new HashMap<>();
        Set<BlockKey> oversized = new HashSet<>();
        Map<UUID, UUID> guestOf = new HashMap<>();
        if (keys.isEmpty()) {
            return new Found(members, oversized, guestOf);
        }
        List<BlockKey> distinct = keys.stream().distinct().toList();
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array tenants = connection.createArrayOf("text", distinct.stream().map(BlockKey::tenant).toArray());
            Array values = connection.createArrayOf("text", distinct.stream().map(BlockKey::key).toArray());
            try (PreparedStatement query = connection.prepareStatement(FIND_SQL)) {
                query.setArray(1, tenants);
                query.setArray(2, values);
                query.setInt(3, cap + 1);
                query.setInt(4, cap);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        UUID member = rows.getObject(3, UUID.class);
                        BlockKey key = new BlockKey(rows.getString(1), rows.getString(2));
                        if (member == null) {
                            oversized.add(key);
                            continue;
                        }
                        members.computeIfAbsent(key, k -> new ArrayList<>()).add(member);
                        UUID guest = rows.getObject(4, UUID.class);
                        if (guest != null) {
                            guestOf.put(member, guest);
                        }
                    }
                }
            } finally {
                tenants.free();
                values.free();
            }
        });
        return new Found(members, oversized, guestOf);
    }

    /** A member of a guest's cluster as the matcher sees it: its match features, and when it was linked. */
    public record ClusterMember(UUID guestId, UUID sourceProfileId, java.time.Instant linkedAt,
            org.guestcrm.profile.domain.matching.PersonRecord person) {
    }

    /**
     * The whole clusters of these guests (call with their rows locked): every linked source profile's match features,
     * in one statement, in link order ({@code linked_at}, then id). No entity is loaded: the matcher needs the features
     * only.
     */
    public List<ClusterMember> clusters(Collection<UUID> guestIds) {
        List<ClusterMember> out = new ArrayList<>();
        if (guestIds.isEmpty()) {
            return out;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array ids = connection.createArrayOf("uuid", guestIds.stream().distinct().toArray());
            try (PreparedStatement query = connection.prepareStatement(CLUSTERS_SQL)) {
                query.setArray(1, ids);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        UUID id = rows.getObject(2, UUID.class);
                        out.add(new ClusterMember(rows.getObject(1, UUID.class), id,
                                rows.getTimestamp(3).toInstant(),
                                new org.guestcrm.profile.domain.matching.PersonRecord(String.valueOf(id), rows.getString(4),
                                        rows.getString(5), rows.getString(6), rows.getString(7), rows.getString(8),
                                        rows.getString(9), rows.getString(10), rows.getString(11), rows.getString(12),
                                        rows.getString(13))));
                    }
                }
            } finally {
                ids.free();
            }
        });
        return out;
    }

    /** Replaces the blocking keys of these source profiles (flush the profiles first): one delete, one insert. */
    public void replace(Map<UUID, BlockRows> keysBySource) {
        if (keysBySource.isEmpty()) {
            return;
        }
        List<String> tenants = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<UUID> sources = new ArrayList<>();
        keysBySource.forEach((source, rows) -> rows.keys().forEach(key -> {
            tenants.add(rows.tenant());
            values.add(key);
            sources.add(source);
        }));
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array ids = connection.createArrayOf("uuid", keysBySource.keySet().toArray());
            try (PreparedStatement delete = connection.prepareStatement(
                    "delete from source_profile_block where source_profile_id = any(?)")) {
                delete.setArray(1, ids);
                delete.executeUpdate();
            } finally {
                ids.free();
            }
            if (sources.isEmpty()) {
                return;
            }
            Array t = connection.createArrayOf("text", tenants.toArray());
            Array v = connection.createArrayOf("text", values.toArray());
            Array s = connection.createArrayOf("uuid", sources.toArray());
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into source_profile_block (tenant, block_key, source_profile_id)
                    select * from unnest(?::text[], ?::text[], ?::uuid[]) on conflict do nothing""")) {
                insert.setArray(1, t);
                insert.setArray(2, v);
                insert.setArray(3, s);
                insert.executeUpdate();
            } finally {
                t.free();
                v.free();
                s.free();
            }
        });
    }

    /** The keys of one source profile. */
    public record BlockRows(String tenant, Collection<String> keys) {
    }
}
