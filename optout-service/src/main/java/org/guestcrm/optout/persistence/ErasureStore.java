package org.guestcrm.optout.persistence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.Suppressions;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.schemas.Topic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Deletes what this service holds of erased contact points of one tenant, in the caller's transaction: their pauses,
 * consent states and ledger entries, soft-bounce counts, the PMS profiles' and guests' rows holding them, their
 * references, the links queued for them, the rate-limit rows of their addresses and the already sent outbox rows on
 * crm.consents keyed by them. What stays: the suppression hash (written by the caller), {@code source_profile}
 * (ids and versions, no personal data: keeps a late older profile version from being applied again),
 * {@code guest_activity} and {@code guest_request} (the guest pages' trail, by reference only).
 */
@ApplicationScoped
public class ErasureStore {

    @Inject
    EntityManager em;

    /** @return rows deleted */
    public int erase(String tenant, Collection<ContactPoint> contactPoints, Collection<String> consentKeys) {
        if (contactPoints.isEmpty()) {
            return 0;
        }
        String[] values = contactPoints.stream().map(ContactPoint::value).distinct().toArray(String[]::new);
        String[] kinds = contactPoints.stream().map(cp -> cp.kind().name()).toArray(String[]::new);
        String[] pairValues = contactPoints.stream().map(ContactPoint::value).toArray(String[]::new);
        String[] refs = contactPoints.stream().map(cp -> ContactPointRef.of(tenant, cp.kind().name(), cp.value()))
                .toArray(String[]::new);
        List<String> addressHashes = new ArrayList<>();
        contactPoints.forEach(cp -> addressHashes.add(Suppressions.sha256(tenant + '\0' + cp.value())));
        int deleted = 0;
        // Pauses and states reference ledger entries: they go first.
        for (String table : List.of("marketing_pause", "consent_state", "consent_entry", "soft_bounce")) {
            deleted += em.createNativeQuery("delete from " + table + " where tenant = ?1 and contact_point = any (cast(?2 as text[]))")
                    .setParameter(1, tenant).setParameter(2, values).executeUpdate();
        }
        for (String table : List.of("profile_contact_point", "guest_contact_point", "known_contact_point")) {
            deleted += em.createNativeQuery("delete from " + table + " t using unnest(cast(?2 as text[]), cast(?3 as text[]))"
                    + " as k (kind, value) where t.tenant = ?1 and t.kind = k.kind and t.value = k.value")
                    .setParameter(1, tenant).setParameter(2, kinds).setParameter(3, pairValues).executeUpdate();
        }
        deleted += em.createNativeQuery("delete from preference_link_mail where tenant = ?1 and ref = any (cast(?2 as text[]))")
                .setParameter(1, tenant).setParameter(2, refs).executeUpdate();
        // Address changes asked for an erased contact point (their mails went with the reference above).
        deleted += em.createNativeQuery("delete from email_change where tenant = ?1 and ref = any (cast(?2 as text[]))")
                .setParameter(1, tenant).setParameter(2, refs).executeUpdate();
        // Phone corrections to or from an erased number (V23).
        deleted += em.createNativeQuery("""
                delete from phone_verification where tenant = ?1
                and (value = any (cast(?2 as text[])) or replaced_value = any (cast(?2 as text[])))""")
                .setParameter(1, tenant).setParameter(2, values).executeUpdate();
        deleted += em.createNativeQuery("delete from link_request where tenant = ?1 and address_hash = any (cast(?2 as text[]))")
                .setParameter(1, tenant).setParameter(2, addressHashes.toArray(String[]::new)).executeUpdate();
        if (!consentKeys.isEmpty()) {
            // Unsent rows stay: the withdrawals and tombstones of this erasure are among them.
            deleted += em.createNativeQuery("""
                    delete from outbox_event where sent_at is not null and topic = ?1 and record_key = any (cast(?2 as text[]))""")
                    .setParameter(1, Topic.CRM_CONSENTS.topicName()).setParameter(2, consentKeys.toArray(String[]::new))
                    .executeUpdate();
        }
        return deleted;
    }

    /** A suppression entry (hash and key id only; never the contact point); a repeat changes nothing. */
    public void suppress(String tenant, String hash, String reason, java.time.Instant now) {
        em.createNativeQuery("""
                insert into suppression (tenant, hash, key_id, reason, created_at) values (?1, ?2, ?3, ?4, ?5)
                on conflict do nothing""")
                .setParameter(1, tenant).setParameter(2, hash).setParameter(3, Suppressions.keyIdOf(hash))
                .setParameter(4, reason).setParameter(5, java.sql.Timestamp.from(now)).executeUpdate();
    }

    /** Every contact point of the PMS profiles named ({@code pmsSystems[i]}, {@code pmsProfileIds[i]}) in {@code tenant}. */
    @SuppressWarnings("unchecked")
    public List<ContactPoint> contactPointsOfProfiles(String tenant, List<String> pmsSystems, List<String> pmsProfileIds) {
        if (pmsSystems.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = em.createNativeQuery("""
                select distinct c.kind, c.value from source_profile p
                join unnest(cast(?2 as text[]), cast(?3 as text[])) as n (pms_system, pms_profile_id)
                  on p.pms_system = n.pms_system and p.pms_profile_id = n.pms_profile_id
                join profile_contact_point c on c.source_profile_id = p.id
                where p.tenant = ?1
                order by c.kind, c.value""")
                .setParameter(1, tenant).setParameter(2, pmsSystems.toArray(String[]::new))
                .setParameter(3, pmsProfileIds.toArray(String[]::new)).getResultList();
        List<ContactPoint> points = new ArrayList<>();
        for (Object[] r : rows) {
            points.add(new ContactPoint(org.guestcrm.platform.domain.ContactKind.valueOf((String) r[0]), (String) r[1]));
        }
        return points;
    }

    /** Whether erasure {@code erasureId} has already been executed here (a replay of the same request). */
    public boolean executed(String tenant, java.util.UUID erasureId) {
        Number count = (Number) em.createNativeQuery("""
                select count(*) from guest_request where tenant = ?1 and kind = 'ERASURE' and detail like ?2""")
                .setParameter(1, tenant).setParameter(2, "erasure=" + erasureId + " %").getSingleResult();
        return count.longValue() > 0;
    }
}
