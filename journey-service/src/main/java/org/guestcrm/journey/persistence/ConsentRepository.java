package org.guestcrm.journey.persistence;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** Reads {@code consent_state} (kept by the crm.consents intake). */
@ApplicationScoped
public class ConsentRepository {

    /** A withdrawn consent: tenant, purpose, contact point (lower-case). */
    public record Withdrawal(String tenant, String purpose, String contactPoint) {
    }

    @Inject
    EntityManager entityManager;

    /** Every withdrawn e-mail consent of the (tenant, lower-case address) pairs given, in one statement. */
    public Set<Withdrawal> withdrawnEmail(Collection<String[]> tenantAndAddress) {
        return withdrawn("EMAIL", tenantAndAddress);
    }

    /** Every withdrawn consent on {@code channel} (EMAIL, SMS) of the (tenant, contact point) pairs given, in one statement. */
    public Set<Withdrawal> withdrawn(String channel, Collection<String[]> tenantAndAddress) {
        Set<Withdrawal> withdrawn = new HashSet<>();
        if (tenantAndAddress.isEmpty()) {
            return withdrawn;
        }
        String[] tenants = tenantAndAddress.stream().map(p -> p[0]).toArray(String[]::new);
        String[] addresses = tenantAndAddress.stream().map(p -> p[1]).toArray(String[]::new);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        SELECT s.tenant, s.purpose, s.contact_point FROM consent_state s
                        JOIN unnest(cast(:tenants AS text[]), cast(:addresses AS text[])) AS k (tenant, contact_point)
                          ON s.tenant = k.tenant AND s.contact_point = k.contact_point
                        WHERE s.channel = :channel AND s.status = 'WITHDRAWN'
                        """)
                .setParameter("channel", channel)
                .setParameter("tenants", tenants)
                .setParameter("addresses", addresses)
                .getResultList();
        for (Object[] row : rows) {
            withdrawn.add(new Withdrawal((String) row[0], (String) row[1], (String) row[2]));
        }
        return withdrawn;
    }

    /**
     * The e-mail MARKETING consent status held for each (tenant, lower-case address) pair given, in one statement:
     * keyed {@code tenant + "\n" + address}; a pair without a record is absent.
     */
    public java.util.Map<String, String> marketingEmailStatus(Collection<String[]> tenantAndAddress) {
        java.util.Map<String, String> statuses = new java.util.HashMap<>();
        if (tenantAndAddress.isEmpty()) {
            return statuses;
        }
        String[] tenants = tenantAndAddress.stream().map(p -> p[0]).toArray(String[]::new);
        String[] addresses = tenantAndAddress.stream().map(p -> p[1]).toArray(String[]::new);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        SELECT s.tenant, s.contact_point, s.status FROM consent_state s
                        JOIN unnest(cast(:tenants AS text[]), cast(:addresses AS text[])) AS k (tenant, contact_point)
                          ON s.tenant = k.tenant AND s.contact_point = k.contact_point
                        WHERE s.channel = 'EMAIL' AND s.purpose = 'MARKETING'
                        """)
                .setParameter("tenants", tenants)
                .setParameter("addresses", addresses)
                .getResultList();
        for (Object[] row : rows) {
            statuses.put(row[0] + "\n" + row[1], (String) row[2]);
        }
        return statuses;
    }
}
