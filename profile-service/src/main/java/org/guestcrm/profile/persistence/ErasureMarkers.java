package org.guestcrm.profile.persistence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.profile.domain.SourceProfileKey;
import org.hibernate.Session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Suppression markers of erased guests ({@code erasure_marker}): hashes, never values. A source profile's marker is
 * {@code sp1_} + base64url(SHA-256(tenant NUL pmsSystem NUL pmsProfileId)); a contact point's is its platform
 * {@code ContactPointRef}. The intake skips a profile (and a reservation's lead guest) whose marker is held.
 */
@ApplicationScoped
public class ErasureMarkers {

    public static final String SOURCE_PROFILE = "SOURCE_PROFILE";

    @Inject
    EntityManager entityManager;

    /** A marker of one tenant. */
    public record Marker(String tenant, String kind, String marker) {
    }

    public static Marker of(SourceProfileKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (key.tenant() + '\0' + key.pmsSystem() + '\0' + key.pmsProfileId()).getBytes(StandardCharsets.UTF_8));
            return new Marker(key.tenant(), SOURCE_PROFILE,
                    "sp1_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public void add(Collection<Marker> markers, UUID requestId, Instant now) {
        if (markers.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into erasure_marker (tenant, kind, marker, erased_at, request_id) values (?, ?, ?, ?, ?)
                    on conflict do nothing""")) {
                for (Marker m : markers) {
                    insert.setString(1, m.tenant());
                    insert.setString(2, m.kind());
                    insert.setString(3, m.marker());
                    insert.setTimestamp(4, Timestamp.from(now));
                    insert.setObject(5, requestId);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    /** The erased source profiles among these keys, in one statement. */
    public Set<SourceProfileKey> erased(Collection<SourceProfileKey> keys) {
        Set<SourceProfileKey> erased = new HashSet<>();
        if (keys.isEmpty()) {
            return erased;
        }
        List<SourceProfileKey> distinct = keys.stream().distinct().toList();
        List<Marker> markers = distinct.stream().map(ErasureMarkers::of).toList();
        Set<String> held = new HashSet<>();
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array tenants = connection.createArrayOf("text", markers.stream().map(Marker::tenant).toArray());
            Array values = connection.createArrayOf("text", markers.stream().map(Marker::marker).toArray());
            try (PreparedStatement query = connection.prepareStatement("""
                    select m.tenant, m.marker from unnest(?::text[], ?::text[]) as k (tenant, marker)
                    join erasure_marker m on m.tenant = k.tenant and m.kind = 'SOURCE_PROFILE' and m.marker = k.marker""")) {
                query.setArray(1, tenants);
                query.setArray(2, values);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        held.add(rows.getString(1) + '\0' + rows.getString(2));
                    }
                }
            } finally {
                tenants.free();
                values.free();
            }
        });
        for (int i = 0; i < distinct.size(); i++) {
            if (held.contains(markers.get(i).tenant() + '\0' + markers.get(i).marker())) {
                erased.add(distinct.get(i));
            }
        }
        return erased;
    }
}
