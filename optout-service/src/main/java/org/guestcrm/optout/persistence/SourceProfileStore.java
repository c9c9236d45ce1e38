package org.guestcrm.optout.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.platform.domain.ContactKind;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The intake's view of {@code source_profile} and {@code profile_contact_point}: one statement per batch for each
 * step (load the batch's profiles, write their new versions, delete their old contact points, insert the new ones,
 * find the profiles holding a set of contact points), in the caller's transaction. No entities: nothing to dirty-check
 * at the flush.
 */
@ApplicationScoped
public class SourceProfileStore {

    @Inject
    EntityManager em;

    /** A PMS profile as the intake holds it: the version applied last. */
    public static final class HeldProfile {
        public UUID id;
        public String tenant;
        public String pmsSystem;
        public String pmsProfileId;
        public Long pmsSequence;
        public Instant pmsUpdatedAt;
        public Instant occurredAt;
        public UUID lastEventId;
        /** The hotel the last applied record named (null: chain-level). */
        public String hotelCode;

        public String key() {
            return key(tenant, pmsSystem, pmsProfileId);
        }

        public static String key(String tenant, String pmsSystem, String pmsProfileId) {
            return tenant + ":" + pmsSystem + ":" + pmsProfileId;
        }
    }

    /** The profile key a PMS names it by. */
    public record ProfileKey(String tenant, String pmsSystem, String pmsProfileId) {
    }

    /** A PMS profile holding a contact point now. */
    public record Holder(String tenant, ContactKind kind, String value, UUID sourceProfileId, String pmsSystem,
            String pmsProfileId, String hotelCode) {
    }

    /** The held profiles of these keys, by {@link HeldProfile#key()}: one query. */
    @SuppressWarnings("unchecked")
    public Map<String, HeldProfile> load(Collection<ProfileKey> keys) {
        Map<String, HeldProfile> held = new HashMap<>();
        if (keys.isEmpty()) {
            return held;
        }
        List<Object[]> rows = PlainSql.rows(em, """
                select p.id, p.tenant, p.pms_system, p.pms_profile_id, p.pms_sequence, p.pms_updated_at, p.occurred_at,
                       p.last_event_id, p.hotel_code
                from source_profile p
                join unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[])) as k (tenant, pms_system, pms_profile_id)
                  on p.tenant = k.tenant and p.pms_system = k.pms_system and p.pms_profile_id = k.pms_profile_id""",
                SqlValues.column(keys, ProfileKey::tenant),
                SqlValues.column(keys, ProfileKey::pmsSystem),
                SqlValues.column(keys, ProfileKey::pmsProfileId));
        for (Object[] r : rows) {
            HeldProfile p = new HeldProfile();
            p.id = SqlValues.uuid(r[0]);
            p.tenant = (String) r[1];
            p.pmsSystem = (String) r[2];
            p.pmsProfileId = (String) r[3];
            p.pmsSequence = SqlValues.longValue(r[4]);
            p.pmsUpdatedAt = SqlValues.instant(r[5]);
            p.occurredAt = SqlValues.instant(r[6]);
            p.lastEventId = SqlValues.uuid(r[7]);
            p.hotelCode = (String) r[8];
            held.put(p.key(), p);
        }
        return held;
    }

    /** Writes the new version of each profile (inserted, or updated by id): one statement. */
    public void save(Collection<HeldProfile> profiles, Instant now) {
        if (profiles.isEmpty()) {
            return;
        }
        PlainSql.update(em, """
                insert into source_profile (id, tenant, pms_system, pms_profile_id, pms_sequence, pms_updated_at, occurred_at,
                                            last_event_id, updated_at, hotel_code)
                select cast(id as uuid), tenant, pms_system, pms_profile_id, cast(seq as bigint), cast(pms_at as timestamptz),
                       cast(occ_at as timestamptz), cast(event_id as uuid), cast(?9 as timestamptz), hotel
                from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[]), cast(?4 as text[]), cast(?5 as text[]),
                            cast(?6 as text[]), cast(?7 as text[]), cast(?8 as text[]), cast(?10 as text[]))
                     as t (id, tenant, pms_system, pms_profile_id, seq, pms_at, occ_at, event_id, hotel)
                on conflict (id) do update set pms_sequence = excluded.pms_sequence, pms_updated_at = excluded.pms_updated_at,
                    occurred_at = excluded.occurred_at, last_event_id = excluded.last_event_id, updated_at = excluded.updated_at,
                    hotel_code = excluded.hotel_code""",
                SqlValues.column(profiles, p -> p.id),
                SqlValues.column(profiles, p -> p.tenant),
                SqlValues.column(profiles, p -> p.pmsSystem),
                SqlValues.column(profiles, p -> p.pmsProfileId),
                SqlValues.column(profiles, p -> p.pmsSequence),
                SqlValues.column(profiles, p -> p.pmsUpdatedAt),
                SqlValues.column(profiles, p -> p.occurredAt),
                SqlValues.column(profiles, p -> p.lastEventId),
                now.toString(),
                SqlValues.column(profiles, p -> p.hotelCode));
    }

    /** The contact point rows to write for one profile. */
    public record ProfileContactPoints(UUID sourceProfileId, String tenant, List<ContactPoint> contactPoints) {
    }

    /**
     * Deletes the old contact points of the profiles given that were {@code stored} before (one statement, none when
     * every profile is new) and inserts the new ones (one statement).
     */
    public void replaceContactPoints(Collection<ProfileContactPoints> profiles, java.util.Set<UUID> stored, Instant now) {
        if (profiles.isEmpty()) {
            return;
        }
        List<ProfileContactPoints> replaced = profiles.stream().filter(p -> stored.contains(p.sourceProfileId())).toList();
        if (!replaced.isEmpty()) {
            PlainSql.update(em, "delete from profile_contact_point where source_profile_id = any (cast(cast(?1 as text[]) as uuid[]))",
                SqlValues.column(replaced, ProfileContactPoints::sourceProfileId));
        }
        record Row(UUID profileId, String tenant, ContactPoint point) {
        }
        List<Row> rows = new ArrayList<>();
        for (ProfileContactPoints p : profiles) {
            for (ContactPoint point : p.contactPoints().stream().distinct().toList()) {
                rows.add(new Row(p.sourceProfileId(), p.tenant(), point));
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        PlainSql.update(em, """
                insert into profile_contact_point (id, source_profile_id, tenant, kind, value, seen_at)
                select gen_random_uuid(), cast(profile_id as uuid), tenant, kind, value, cast(?5 as timestamptz)
                from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[]), cast(?4 as text[]))
                     as t (profile_id, tenant, kind, value)""",
                SqlValues.column(rows, Row::profileId),
                SqlValues.column(rows, Row::tenant),
                SqlValues.column(rows, r -> r.point().kind().name()),
                SqlValues.column(rows, r -> r.point().value()),
                now.toString());
    }

    /** The contact point of one tenant. */
    public record TenantContactPoint(String tenant, ContactPoint contactPoint) {
    }

    /** The PMS profiles holding any of these contact points now (one query), in profile-key order. */
    @SuppressWarnings("unchecked")
    public List<Holder> holders(Collection<TenantContactPoint> contactPoints) {
        if (contactPoints.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = PlainSql.rows(em, """
                select distinct c.tenant, c.kind, c.value, p.id, p.pms_system, p.pms_profile_id, p.hotel_code
                from profile_contact_point c
                join unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[])) as k (tenant, kind, value)
                  on c.tenant = k.tenant and c.kind = k.kind and c.value = k.value
                join source_profile p on p.id = c.source_profile_id
                order by p.pms_system, p.pms_profile_id""",
                SqlValues.column(contactPoints, TenantContactPoint::tenant),
                SqlValues.column(contactPoints, t -> t.contactPoint().kind().name()),
                SqlValues.column(contactPoints, t -> t.contactPoint().value()));
        List<Holder> holders = new ArrayList<>();
        for (Object[] r : rows) {
            holders.add(new Holder((String) r[0], ContactKind.valueOf((String) r[1]), (String) r[2], SqlValues.uuid(r[3]),
                    (String) r[4], (String) r[5], (String) r[6]));
        }
        return holders;
    }

    /**
     * Every contact point of the PMS profiles holding {@code contactPoint} now (itself included when held), of
     * {@code kind} or of every kind when {@code kind} is null: one query, ordered by kind and value.
     */
    @SuppressWarnings("unchecked")
    public List<ContactPoint> heldWith(String tenant, ContactPoint contactPoint, ContactKind kind) {
        List<Object[]> rows = em.createNativeQuery("""
                select distinct o.kind, o.value from profile_contact_point c
                join profile_contact_point o on o.source_profile_id = c.source_profile_id
                where c.tenant = ?1 and c.kind = ?2 and c.value = ?3 and (?4 = '' or o.kind = ?4)
                order by o.kind, o.value""")
                .setParameter(1, tenant).setParameter(2, contactPoint.kind().name()).setParameter(3, contactPoint.value())
                .setParameter(4, kind == null ? "" : kind.name())
                .getResultList();
        List<ContactPoint> points = new ArrayList<>();
        for (Object[] r : rows) {
            points.add(new ContactPoint(ContactKind.valueOf((String) r[0]), (String) r[1]));
        }
        return points;
    }
}
