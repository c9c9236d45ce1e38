package org.guestcrm.journey.persistence;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Which golden guest each PMS profile belongs to ({@code guest_source_profile}, V24): from crm.guests' sourceProfiles
 * and crm.guest-merges. The last record to name a profile wins (a profile belongs to one guest at a time).
 */
@ApplicationScoped
public class GuestSourceProfiles {

    /** A PMS profile of a tenant. */
    public record Profile(String pmsSystem, String pmsProfileId) {
    }

    @Inject
    EntityManager entityManager;

    /** Maps every one of {@code profiles} of {@code tenant} to {@code guestId}; returns the rows written. */
    public int assign(String tenant, String guestId, Collection<Profile> profiles, Instant now) {
        if (profiles.isEmpty()) {
            return 0;
        }
        return entityManager.createNativeQuery("""
                        INSERT INTO guest_source_profile (tenant, pms_system, pms_profile_id, guest_id, updated_at)
                        SELECT :tenant, p.system, p.profile, :guest, :now
                        FROM unnest(cast(:systems AS text[]), cast(:profiles AS text[])) AS p (system, profile)
                        ON CONFLICT (tenant, pms_system, pms_profile_id)
                        DO UPDATE SET guest_id = excluded.guest_id, updated_at = excluded.updated_at
                        WHERE guest_source_profile.guest_id <> excluded.guest_id
                        """)
                .setParameter("tenant", tenant)
                .setParameter("guest", guestId)
                .setParameter("now", now)
                .setParameter("systems", profiles.stream().map(Profile::pmsSystem).toArray(String[]::new))
                .setParameter("profiles", profiles.stream().map(Profile::pmsProfileId).toArray(String[]::new))
                .executeUpdate();
    }

    /** One profile of a guest, for {@link #assignAll}. */
    public record Owned(String tenant, String guestId, Profile profile) {
    }

    /**
     * Maps each profile to its guest in ONE statement (a crm.guests batch); a profile named twice goes to the later
     * one. Returns the rows written.
     */
    public int assignAll(List<Owned> owned, Instant now) {
        Map<String, Owned> byKey = new LinkedHashMap<>();
        for (Owned o : owned) {
            byKey.put(o.tenant() + "\n" + o.profile().pmsSystem() + "\n" + o.profile().pmsProfileId(), o);
        }
        if (byKey.isEmpty()) {
            return 0;
        }
        List<Owned> rows = List.copyOf(byKey.values());
        return entityManager.createNativeQuery("""
                        INSERT INTO guest_source_profile (tenant, pms_system, pms_profile_id, guest_id, updated_at)
                        SELECT p.tenant, p.system, p.profile, p.guest, :now
                        FROM unnest(cast(:tenants AS text[]), cast(:systems AS text[]), cast(:profiles AS text[]),
                                    cast(:guests AS text[])) AS p (tenant, system, profile, guest)
                        ON CONFLICT (tenant, pms_system, pms_profile_id)
                        DO UPDATE SET guest_id = excluded.guest_id, updated_at = excluded.updated_at
                        WHERE guest_source_profile.guest_id <> excluded.guest_id
                        """)
                .setParameter("now", now)
                .setParameter("tenants", rows.stream().map(Owned::tenant).toArray(String[]::new))
                .setParameter("systems", rows.stream().map(o -> o.profile().pmsSystem()).toArray(String[]::new))
                .setParameter("profiles", rows.stream().map(o -> o.profile().pmsProfileId()).toArray(String[]::new))
                .setParameter("guests", rows.stream().map(Owned::guestId).toArray(String[]::new))
                .executeUpdate();
    }

    /** Every profile of {@code fromGuestId} now belongs to {@code toGuestId} (a merge). */
    public int moveAll(String tenant, String fromGuestId, String toGuestId, Instant now) {
        return entityManager.createNativeQuery("""
                        UPDATE guest_source_profile SET guest_id = :to, updated_at = :now
                        WHERE tenant = :tenant AND guest_id = :from""")
                .setParameter("tenant", tenant).setParameter("from", fromGuestId).setParameter("to", toGuestId)
                .setParameter("now", now).executeUpdate();
    }

    /** Forgets the profiles of guests that are gone (tombstones). */
    public int forget(List<String> guestIds) {
        if (guestIds.isEmpty()) {
            return 0;
        }
        return entityManager.createNativeQuery("DELETE FROM guest_source_profile WHERE guest_id = any(cast(:ids AS text[]))")
                .setParameter("ids", guestIds.toArray(String[]::new)).executeUpdate();
    }
}
