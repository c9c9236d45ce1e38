package org.guestcrm.optout.persistence;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The intake's view of the consent ledger ({@code consent_entry}, {@code consent_state}) and of what bounds it
 * ({@code suppression}, {@code marketing_pause}): one statement per batch for each step, in the caller's transaction.
 * Ledger entries are {@link ConsentEntryEntity} values used as plain objects here (never persisted through Hibernate).
 */
@ApplicationScoped
public class ConsentLedgerStore {

    @Inject
    EntityManager em;

    /** The current consent of one tenant's contact point, channel and purpose. */
    public record HeldState(String status, Instant effectiveAt, UUID entryId) {
    }

    /** {@code tenant, contactPoint, channel, purpose, scope} as one map key. */
    public static String stateKey(String tenant, String contactPoint, String channel, String purpose, String scope) {
        return tenant + "\n" + contactPoint + "\n" + channel + "\n" + purpose + "\n" + scope;
    }

    /** A contact point value of one tenant. */
    public record TenantValue(String tenant, String value) {
    }

    /** Every state of these contact points, by {@link #stateKey}: one query. */
    @SuppressWarnings("unchecked")
    public Map<String, HeldState> states(Collection<TenantValue> contactPoints) {
        Map<String, HeldState> states = new HashMap<>();
        if (contactPoints.isEmpty()) {
            return states;
        }
        List<Object[]> rows = em.createNativeQuery("""
                select s.tenant, s.contact_point, s.channel, s.purpose, s.status, s.effective_at, s.entry_id, s.scope
                from consent_state s
                join (select distinct tenant, value from unnest(cast(?1 as text[]), cast(?2 as text[])) as k (tenant, value)) k
                  on s.tenant = k.tenant and s.contact_point = k.value""")
                .setParameter(1, SqlValues.column(contactPoints, TenantValue::tenant))
                .setParameter(2, SqlValues.column(contactPoints, TenantValue::value))
                .getResultList();
        for (Object[] r : rows) {
            states.put(stateKey((String) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[7]),
                    new HeldState((String) r[4], SqlValues.instant(r[5]), SqlValues.uuid(r[6])));
        }
        return states;
    }

    /** Appends the entries to the ledger: one statement. */
    public void append(List<ConsentEntryEntity> entries) {
        if (entries.isEmpty()) {
            return;
        }
        em.createNativeQuery("""
                insert into consent_entry (id, tenant, contact_point, channel, purpose, status, source, effective_at, evidence,
                                           pms_system, pms_profile_id, actor, source_detail, scope, recorded_at)
                select cast(id as uuid), tenant, contact_point, channel, purpose, status, source, cast(effective_at as timestamptz),
                       evidence, pms_system, pms_profile_id, actor, source_detail, scope, cast(recorded_at as timestamptz)
                from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[]), cast(?4 as text[]), cast(?5 as text[]),
                            cast(?6 as text[]), cast(?7 as text[]), cast(?8 as text[]), cast(?9 as text[]), cast(?10 as text[]),
                            cast(?11 as text[]), cast(?12 as text[]), cast(?13 as text[]), cast(?14 as text[]), cast(?15 as text[]))
                     as t (id, tenant, contact_point, channel, purpose, status, source, effective_at, evidence, pms_system,
                           pms_profile_id, actor, source_detail, scope, recorded_at)""")
                .setParameter(1, SqlValues.column(entries, e -> e.id))
                .setParameter(2, SqlValues.column(entries, e -> e.tenant))
                .setParameter(3, SqlValues.column(entries, e -> e.contactPoint))
                .setParameter(4, SqlValues.column(entries, e -> e.channel))
                .setParameter(5, SqlValues.column(entries, e -> e.purpose))
                .setParameter(6, SqlValues.column(entries, e -> e.status))
                .setParameter(7, SqlValues.column(entries, e -> e.source))
                .setParameter(8, SqlValues.column(entries, e -> e.effectiveAt))
                .setParameter(9, SqlValues.column(entries, e -> e.evidence))
                .setParameter(10, SqlValues.column(entries, e -> e.pmsSystem))
                .setParameter(11, SqlValues.column(entries, e -> e.pmsProfileId))
                .setParameter(12, SqlValues.column(entries, e -> e.actor))
                .setParameter(13, SqlValues.column(entries, e -> e.sourceDetail))
                .setParameter(14, SqlValues.column(entries, e -> e.scope))
                .setParameter(15, SqlValues.column(entries, e -> e.recordedAt))
                .executeUpdate();
    }

    /**
     * Makes each entry the current state of its tenant, contact point, channel and purpose (inserted or updated): one
     * statement. At most one entry per state (the batch's last).
     */
    public void makeCurrent(Collection<ConsentEntryEntity> latest, Instant now) {
        if (latest.isEmpty()) {
            return;
        }
        em.createNativeQuery("""
                insert into consent_state (tenant, contact_point, channel, purpose, status, source, effective_at, entry_id,
                                           updated_at, scope)
                select tenant, contact_point, channel, purpose, status, source, cast(effective_at as timestamptz),
                       cast(entry_id as uuid), cast(?9 as timestamptz), scope
                from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[]), cast(?4 as text[]), cast(?5 as text[]),
                            cast(?6 as text[]), cast(?7 as text[]), cast(?8 as text[]), cast(?10 as text[]))
                     as t (tenant, contact_point, channel, purpose, status, source, effective_at, entry_id, scope)
                on conflict (tenant, contact_point, channel, purpose, scope) do update set status = excluded.status,
                    source = excluded.source, effective_at = excluded.effective_at, entry_id = excluded.entry_id,
                    updated_at = excluded.updated_at""")
                .setParameter(1, SqlValues.column(latest, e -> e.tenant))
                .setParameter(2, SqlValues.column(latest, e -> e.contactPoint))
                .setParameter(3, SqlValues.column(latest, e -> e.channel))
                .setParameter(4, SqlValues.column(latest, e -> e.purpose))
                .setParameter(5, SqlValues.column(latest, e -> e.status))
                .setParameter(6, SqlValues.column(latest, e -> e.source))
                .setParameter(7, SqlValues.column(latest, e -> e.effectiveAt))
                .setParameter(8, SqlValues.column(latest, e -> e.id))
                .setParameter(9, now.toString())
                .setParameter(10, SqlValues.column(latest, e -> e.scope))
                .executeUpdate();
    }

    /** A suppression hash of one tenant. */
    public record TenantHash(String tenant, String hash) {
    }

    /** Which of these (tenant, hash) pairs are suppressed (erased contact points): one query. */
    @SuppressWarnings("unchecked")
    public Set<TenantHash> suppressed(Collection<TenantHash> candidates) {
        Set<TenantHash> suppressed = new HashSet<>();
        if (candidates.isEmpty()) {
            return suppressed;
        }
        List<Object[]> rows = em.createNativeQuery("""
                select s.tenant, s.hash from suppression s
                join unnest(cast(?1 as text[]), cast(?2 as text[])) as k (tenant, hash) on s.tenant = k.tenant and s.hash = k.hash""")
                .setParameter(1, SqlValues.column(candidates, TenantHash::tenant))
                .setParameter(2, SqlValues.column(candidates, TenantHash::hash))
                .getResultList();
        for (Object[] r : rows) {
            suppressed.add(new TenantHash((String) r[0], (String) r[1]));
        }
        return suppressed;
    }

    /** Ends every open pause of these contact points with {@code outcome}: one statement. */
    public void endPauses(Collection<TenantValue> contactPoints, String outcome, Instant now) {
        if (contactPoints.isEmpty()) {
            return;
        }
        em.createNativeQuery("""
                update marketing_pause p set resumed_at = cast(?3 as timestamptz), outcome = ?4
                from (select distinct tenant, value from unnest(cast(?1 as text[]), cast(?2 as text[])) as k (tenant, value)) k
                where p.tenant = k.tenant and p.contact_point = k.value and p.resumed_at is null""")
                .setParameter(1, SqlValues.column(contactPoints, TenantValue::tenant))
                .setParameter(2, SqlValues.column(contactPoints, TenantValue::value))
                .setParameter(3, now.toString())
                .setParameter(4, outcome)
                .executeUpdate();
    }

    /** The soft bounces in a row held for these contact points, by {@code tenant + "\n" + value}: one query. */
    @SuppressWarnings("unchecked")
    public Map<String, Integer> softBounces(Collection<TenantValue> contactPoints) {
        Map<String, Integer> counts = new HashMap<>();
        if (contactPoints.isEmpty()) {
            return counts;
        }
        List<Object[]> rows = em.createNativeQuery("""
                select b.tenant, b.contact_point, b.consecutive from soft_bounce b
                join (select distinct tenant, value from unnest(cast(?1 as text[]), cast(?2 as text[])) as k (tenant, value)) k
                  on b.tenant = k.tenant and b.contact_point = k.value""")
                .setParameter(1, SqlValues.column(contactPoints, TenantValue::tenant))
                .setParameter(2, SqlValues.column(contactPoints, TenantValue::value))
                .getResultList();
        for (Object[] r : rows) {
            counts.put(r[0] + "\n" + r[1], ((Number) r[2]).intValue());
        }
        return counts;
    }

    /** A soft-bounce count to keep (0: the row is deleted). */
    public record SoftBounceCount(String tenant, String value, int consecutive, Instant lastEventAt) {
    }

    /** Writes the batch's final soft-bounce counts: one upsert for the counting ones, one delete for those reset. */
    public void saveSoftBounces(Collection<SoftBounceCount> counts) {
        List<SoftBounceCount> kept = counts.stream().filter(c -> c.consecutive() > 0).toList();
        List<SoftBounceCount> reset = counts.stream().filter(c -> c.consecutive() <= 0).toList();
        if (!kept.isEmpty()) {
            em.createNativeQuery("""
                    insert into soft_bounce (tenant, contact_point, consecutive, last_event_at)
                    select tenant, value, cast(n as integer), cast(at as timestamptz)
                    from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[]), cast(?4 as text[])) as t (tenant, value, n, at)
                    on conflict (tenant, contact_point) do update set consecutive = excluded.consecutive,
                        last_event_at = excluded.last_event_at""")
                    .setParameter(1, SqlValues.column(kept, SoftBounceCount::tenant))
                    .setParameter(2, SqlValues.column(kept, SoftBounceCount::value))
                    .setParameter(3, SqlValues.column(kept, SoftBounceCount::consecutive))
                    .setParameter(4, SqlValues.column(kept, SoftBounceCount::lastEventAt))
                    .executeUpdate();
        }
        if (!reset.isEmpty()) {
            em.createNativeQuery("""
                    delete from soft_bounce b using unnest(cast(?1 as text[]), cast(?2 as text[])) as k (tenant, value)
                    where b.tenant = k.tenant and b.contact_point = k.value""")
                    .setParameter(1, SqlValues.column(reset, SoftBounceCount::tenant))
                    .setParameter(2, SqlValues.column(reset, SoftBounceCount::value))
                    .executeUpdate();
        }
    }
}
