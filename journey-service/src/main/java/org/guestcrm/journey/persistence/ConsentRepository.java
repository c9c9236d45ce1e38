package org.guestcrm.journey.persistence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.guestcrm.journey.domain.ConsentScope;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** Reads {@code consent_state} (kept by the crm.consents intake, one state per purpose and scope). */
@ApplicationScoped
public class ConsentRepository {

    @Inject
    EntityManager entityManager;

    /** The key of {@link #states}' answer for a tenant and a (normalised) contact point. */
    public static String keyOf(String tenant, String contactPoint) {
        return tenant + "\n" + contactPoint;
    }

    /**
     * Every consent state on {@code channel} (EMAIL, SMS) of the (tenant, normalised contact point) pairs given, of
     * every purpose and scope, in one statement; keyed by {@link #keyOf}, a pair without any record is absent. What
     * holds for a hotel is then decided by {@link ConsentScope#effective}.
     */
    public Map<String, List<ConsentScope.State>> states(String channel, Collection<String[]> tenantAndContactPoint) {
        Map<String, List<ConsentScope.State>> states = new HashMap<>();
        if (tenantAndContactPoint.isEmpty()) {
            return states;
        }
        String[] tenants = tenantAndContactPoint.stream().map(p -> p[0]).toArray(String[]::new);
        String[] contactPoints = tenantAndContactPoint.stream().map(p -> p[1]).toArray(String[]::new);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        SELECT DISTINCT s.tenant, s.contact_point, s.purpose, s.scope, s.status FROM consent_state s
                        JOIN unnest(cast(:tenants AS text[]), cast(:contactPoints AS text[])) AS k (tenant, contact_point)
                          ON s.tenant = k.tenant AND s.contact_point = k.contact_point
                        WHERE s.channel = :channel
                        """)
                .setParameter("channel", channel)
                .setParameter("tenants", tenants)
                .setParameter("contactPoints", contactPoints)
                .getResultList();
        for (Object[] row : rows) {
            states.computeIfAbsent(keyOf((String) row[0], (String) row[1]), k -> new ArrayList<>())
                    .add(new ConsentScope.State((String) row[2], (String) row[3], (String) row[4]));
        }
        return states;
    }
}
