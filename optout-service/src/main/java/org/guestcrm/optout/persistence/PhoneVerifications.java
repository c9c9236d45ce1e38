package org.guestcrm.optout.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.optout.persistence.ConsentLedgerStore.TenantValue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Phone numbers the guest typed into the preference centre ({@code phone_verification}, V23): unverified until staff
 * verify them, and while unverified no SMS or PHONE grant holds for them, from any source. In the caller's transaction.
 */
@ApplicationScoped
public class PhoneVerifications {

    @Inject
    EntityManager em;

    /** A number the guest gave, replacing {@code replacedValue} (null: added), unverified from now. */
    public void add(UUID id, String tenant, String value, String replacedValue, Instant now) {
        em.createNativeQuery("""
                insert into phone_verification (id, tenant, value, replaced_value, requested_at) values (?1, ?2, ?3, ?4, ?5)""")
                .setParameter(1, id).setParameter(2, tenant).setParameter(3, value).setParameter(4, replacedValue)
                .setParameter(5, Timestamp.from(now)).executeUpdate();
    }

    /** Which of these numbers are unverified (a correction not verified yet): one query, none when given none. */
    @SuppressWarnings("unchecked")
    public Set<TenantValue> unverified(Collection<TenantValue> values) {
        Set<TenantValue> unverified = new HashSet<>();
        if (values.isEmpty()) {
            return unverified;
        }
        List<Object[]> rows = em.createNativeQuery("""
                select distinct p.tenant, p.value from phone_verification p
                join unnest(cast(?1 as text[]), cast(?2 as text[])) as k (tenant, value) on p.tenant = k.tenant and p.value = k.value
                where p.verified_at is null""")
                .setParameter(1, values.stream().map(TenantValue::tenant).toArray(String[]::new))
                .setParameter(2, values.stream().map(TenantValue::value).toArray(String[]::new))
                .getResultList();
        rows.forEach(r -> unverified.add(new TenantValue((String) r[0], (String) r[1])));
        return unverified;
    }

    public boolean isUnverified(String tenant, String value) {
        return !unverified(List.of(new TenantValue(tenant, value))).isEmpty();
    }

    /** The request ids of the verified number (for its evidence) and the numbers it replaced (null for an addition). */
    public record Verified(List<UUID> ids, List<String> replacedValues) {
        public boolean any() {
            return !ids.isEmpty();
        }
    }

    /** Marks every unverified correction to {@code value} verified by {@code actor}. */
    @SuppressWarnings("unchecked")
    public Verified verify(String tenant, String value, String actor, Instant now) {
        List<Object[]> rows = em.createNativeQuery("""
                update phone_verification set verified_at = ?1, verified_by = ?2
                where tenant = ?3 and value = ?4 and verified_at is null
                returning id, replaced_value""")
                .setParameter(1, Timestamp.from(now)).setParameter(2, actor).setParameter(3, tenant).setParameter(4, value)
                .getResultList();
        List<UUID> ids = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        for (Object[] r : rows) {
            ids.add((UUID) r[0]);
            if (r[1] != null && !replaced.contains((String) r[1])) {
                replaced.add((String) r[1]);
            }
        }
        return new Verified(ids, replaced);
    }
}
