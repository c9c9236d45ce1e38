package org.guestcrm.profile.persistence;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.hibernate.Session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Contact points demoted as shared by unrelated guests ({@code shared_contact_point}), keyed like the blocking keys:
 * {@code e:} + normalised e-mail, {@code p:} + E.164 phone, per tenant. One statement per question, whatever the batch;
 * each key is looked up by the primary key in a lateral subquery ({@code limit 1}), so a batch reads its keys' rows,
 * never the whole table (the planner chose a sequential scan for the plain join: IntakeAtScaleTest's counters).
 */
@ApplicationScoped
public class SharedContactPoints {

    /** How many surnames a look-up reads per key: enough to decide any threshold up to this. */
    static final int NAMES_READ = 50;

    @Inject
    EntityManager entityManager;

    /** A contact point of a tenant, as a match key. */
    public record Key(String tenant, String matchKey) {
    }

    /** The keys among these that are demoted already. */
    public Set<Key> demoted(Collection<Key> keys) {
        Set<Key> found = new HashSet<>();
        if (keys.isEmpty()) {
            return found;
        }
        run("""
                select s.tenant, s.match_key from unnest(?::text[], ?::text[]) as k (tenant, match_key)
                cross join lateral (
                    select s.tenant, s.match_key from shared_contact_point s
                    where s.tenant = k.tenant and s.match_key = k.match_key limit 1
                ) as s""", keys,
                rows -> found.add(new Key(rows.getString(1), rows.getString(2))));
        return found;
    }

    /**
     * The match surnames of the stored source profiles holding each key as a blocking key (at most {@link #NAMES_READ}
     * distinct ones per key).
     */
    public Map<Key, List<String>> surnamesHolding(Collection<Key> keys) {
        Map<Key, List<String>> names = new HashMap<>();
        if (keys.isEmpty()) {
            return names;
        }
        run("""
                select k.tenant, k.match_key, n.match_surname from unnest(?::text[], ?::text[]) as k (tenant, match_key)
                cross join lateral (
                    select distinct p.match_surname from source_profile_block b
                    join source_profile p on p.id = b.source_profile_id
                    where b.tenant = k.tenant and b.block_key = k.match_key and p.match_surname is not null
                    limit %d
                ) as n""".formatted(NAMES_READ), keys,
                rows -> names.computeIfAbsent(new Key(rows.getString(1), rows.getString(2)), k -> new ArrayList<>())
                        .add(rows.getString(3)));
        return names;
    }

    /** What the intake needs to know of its contact points: which are demoted, and who holds the others. */
    public record Holdings(Set<Key> demoted, Map<Key, List<String>> surnames) {
    }

    /**
     * In one statement: which of these keys are demoted already, and for each of the others the match surnames of the
     * stored source profiles holding it as a blocking key (at most {@link #NAMES_READ} distinct ones per key).
     */
    public Holdings lookUp(Collection<Key> keys) {
        Set<Key> demoted = new HashSet<>();
        Map<Key, List<String>> names = new HashMap<>();
        if (keys.isEmpty()) {
            return new Holdings(demoted, names);
        }
        run("""
                select k.tenant, k.match_key, s.demoted is not null, n.match_surname
                from unnest(?::text[], ?::text[]) as k (tenant, match_key)
                left join lateral (
                    select true as demoted from shared_contact_point s
                    where s.tenant = k.tenant and s.match_key = k.match_key limit 1
                ) as s on true
                left join lateral (
                    select distinct p.match_surname from source_profile_block b
                    join source_profile p on p.id = b.source_profile_id
                    where s.demoted is null and b.tenant = k.tenant and b.block_key = k.match_key
                        and p.match_surname is not null
                    limit %d
                ) as n on true""".formatted(NAMES_READ), keys, rows -> {
                    Key key = new Key(rows.getString(1), rows.getString(2));
                    if (rows.getBoolean(3)) {
                        demoted.add(key);
                    } else if (rows.getString(4) != null) {
                        names.computeIfAbsent(key, k -> new ArrayList<>()).add(rows.getString(4));
                    }
                });
        return new Holdings(demoted, names);
    }

    /** The guests holding any of these contact points (as golden-record contact points), with their tenant: one statement. */
    public Map<java.util.UUID, String> holders(Collection<Key> keys) {
        Map<java.util.UUID, String> holders = new java.util.LinkedHashMap<>();
        if (keys.isEmpty()) {
            return holders;
        }
        run("""
                select distinct c.guest_id, c.tenant from unnest(?::text[], ?::text[]) as k (tenant, match_key)
                join guest_contact_point c on c.tenant = k.tenant
                    and c.kind = case when k.match_key like 'e:%' then 'EMAIL' else 'PHONE' end
                    and c.value = substr(k.match_key, 3)""", keys,
                rows -> holders.putIfAbsent(rows.getObject(1, java.util.UUID.class), rows.getString(2)));
        return holders;
    }

    /** Records newly demoted keys with the count that decided it (a key demoted already is left as it is). */
    public void demote(Map<Key, Integer> unrelatedNames, Instant now) {
        if (unrelatedNames.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into shared_contact_point (tenant, match_key, unrelated_names, detected_at)
                    values (?, ?, ?, ?) on conflict do nothing""")) {
                for (Map.Entry<Key, Integer> e : unrelatedNames.entrySet()) {
                    insert.setString(1, e.getKey().tenant());
                    insert.setString(2, e.getKey().matchKey());
                    insert.setInt(3, e.getValue());
                    insert.setTimestamp(4, Timestamp.from(now));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    private interface RowReader {
        void read(ResultSet rows) throws java.sql.SQLException;
    }

    private void run(String sql, Collection<Key> keys, RowReader reader) {
        entityManager.unwrap(Session.class).doWork(connection -> {
            List<Key> distinct = keys.stream().distinct().toList();
            Array tenants = connection.createArrayOf("text", distinct.stream().map(Key::tenant).toArray());
            Array values = connection.createArrayOf("text", distinct.stream().map(Key::matchKey).toArray());
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                query.setArray(1, tenants);
                query.setArray(2, values);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        reader.read(rows);
                    }
                }
            } finally {
                tenants.free();
                values.free();
            }
        });
    }
}
