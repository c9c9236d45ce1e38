package org.guestcrm.profile.persistence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.guestcrm.profile.domain.matching.PersonRecord;
import org.guestcrm.profile.domain.matching.TermFrequencies;
import org.hibernate.Session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The tenants' term frequencies ({@code match_term_frequency}, V17): counts per field and value hash, read for a
 * batch's values in one statement and changed by the batch's net differences in one statement (rows in key order, so
 * two batches never deadlock on them). Values are stored as hashes only. The read looks up each distinct key by the
 * primary key in a lateral subquery ({@code limit 1}): the plain join let the planner scan the whole table per batch
 * (IntakeAtScaleTest's pg_stat_user_tables counters: about 1,360 rows read per batch of 500 at 5,000 profiles).
 */
@ApplicationScoped
public class MatchTermFrequencies {

    @Inject
    EntityManager entityManager;

    /** The hash a value is counted under: the first 16 bytes of SHA-256 of code '|' value, in hex (as V17 computes it). */
    public static String hash(TermFrequencies.Field field, String value) {
        if (TermFrequencies.TOTAL.equals(value)) {
            return "";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((field.code() + "|" + value).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The counts of these records' values and the fields' totals, per tenant, in one statement: each tenant's
     * {@link TermFrequencies} starts from them.
     */
    public Map<String, TermFrequencies> load(Map<String, ? extends Collection<PersonRecord>> recordsByTenant) {
        Map<String, TermFrequencies> out = new HashMap<>();
        List<String> tenants = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        Map<String, String> valueOfHash = new HashMap<>();
        recordsByTenant.forEach((tenant, records) -> {
            out.put(tenant, TermFrequencies.counting());
            for (TermFrequencies.Field field : TermFrequencies.Field.values()) {
                tenants.add(tenant);
                fields.add(field.code());
                hashes.add("");
            }
            for (PersonRecord record : records) {
                TermFrequencies.valuesOf(record).forEach((field, value) -> {
                    String hash = hash(field, value);
                    valueOfHash.put(field.code() + hash, value);
                    tenants.add(tenant);
                    fields.add(field.code());
                    hashes.add(hash);
                });
            }
        });
        if (tenants.isEmpty()) {
            return out;
        }
        Map<String, TermFrequencies.Field> fieldOfCode = new HashMap<>();
        for (TermFrequencies.Field f : TermFrequencies.Field.values()) {
            fieldOfCode.put(f.code(), f);
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array t = connection.createArrayOf("text", tenants.toArray());
            Array f = connection.createArrayOf("text", fields.toArray());
            Array h = connection.createArrayOf("text", hashes.toArray());
            try (PreparedStatement query = connection.prepareStatement("""
                    select k.tenant, k.field, k.value_hash, m.count
                    from (select distinct * from unnest(?::text[], ?::text[], ?::text[]) as u (tenant, field, value_hash)) as k
                    cross join lateral (
                        select m.count from match_term_frequency m
                        where m.tenant = k.tenant and m.field = k.field and m.value_hash = k.value_hash limit 1
                    ) as m""")) {
                query.setArray(1, t);
                query.setArray(2, f);
                query.setArray(3, h);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        TermFrequencies.Field field = fieldOfCode.get(rows.getString(2));
                        String hash = rows.getString(3);
                        String value = hash.isEmpty() ? TermFrequencies.TOTAL : valueOfHash.get(field.code() + hash);
                        if (field != null && value != null) {
                            out.get(rows.getString(1)).load(field, value, rows.getLong(4));
                        }
                    }
                }
            } finally {
                t.free();
                f.free();
                h.free();
            }
        });
        return out;
    }

    /**
     * Adds the net changes of these tenants' counts, in one statement (an existing count never goes below zero; a
     * count read below zero is read as zero).
     */
    public void save(Map<String, TermFrequencies> byTenant) {
        record Change(String tenant, String field, String hash, long delta) {
        }
        List<Change> changes = new ArrayList<>();
        byTenant.forEach((tenant, frequencies) -> frequencies.changes().forEach((field, values) -> values.forEach(
                (value, delta) -> {
                    if (delta != 0) {
                        changes.add(new Change(tenant, field.code(), hash(field, value), delta));
                    }
                })));
        if (changes.isEmpty()) {
            return;
        }
        changes.sort(Comparator.comparing(Change::tenant).thenComparing(Change::field).thenComparing(Change::hash));
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array t = connection.createArrayOf("text", changes.stream().map(Change::tenant).toArray());
            Array f = connection.createArrayOf("text", changes.stream().map(Change::field).toArray());
            Array h = connection.createArrayOf("text", changes.stream().map(Change::hash).toArray());
            Array d = connection.createArrayOf("bigint", changes.stream().map(Change::delta).toArray());
            try (PreparedStatement upsert = connection.prepareStatement("""
                    insert into match_term_frequency (tenant, field, value_hash, count)
                    select tenant, field, value_hash, delta
                    from unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) with ordinality as c (tenant, field, value_hash, delta, n)
                    order by n
                    on conflict (tenant, field, value_hash)
                    do update set count = greatest(match_term_frequency.count + excluded.count, 0)""")) {
                upsert.setArray(1, t);
                upsert.setArray(2, f);
                upsert.setArray(3, h);
                upsert.setArray(4, d);
                upsert.executeUpdate();
            } finally {
                t.free();
                f.free();
                h.free();
                d.free();
            }
        });
    }

    /** Deletes the tenant's counts that reached zero (after an erasure: not even a hash of an erased name stays). */
    public void forgetUncounted(String tenant) {
        entityManager.createNativeQuery("delete from match_term_frequency where tenant = ?1 and count <= 0 and value_hash <> ''")
                .setParameter(1, tenant).executeUpdate();
    }
}
