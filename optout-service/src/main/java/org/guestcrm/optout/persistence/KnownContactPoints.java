package org.guestcrm.optout.persistence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.domain.ContactPointRef;
import org.hibernate.Session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The contact points this service holds, each with its opaque reference ({@link ContactPointRef}, table
 * {@code known_contact_point}): guest links name a contact point by reference, and this resolves it. A reference
 * nobody stored resolves to nothing (the caller answers exactly as for an invalid link).
 */
@ApplicationScoped
public class KnownContactPoints {

    @Inject
    EntityManager entityManager;

    /** The reference of {@code contactPoint} in {@code tenant} (the same in every service). */
    public static String refOf(String tenant, ContactPoint contactPoint) {
        return ContactPointRef.of(tenant, contactPoint.kind().name(), contactPoint.value());
    }

    /** Stores the reference of each contact point not yet known, in one statement (in the caller's transaction). */
    public void remember(String tenant, Collection<ContactPoint> contactPoints) {
        rememberAll(contactPoints.stream().map(cp -> new SourceProfileStore.TenantContactPoint(tenant, cp)).toList());
    }

    /** As {@link #remember}, for contact points of any tenants: one statement. */
    public void rememberAll(Collection<SourceProfileStore.TenantContactPoint> contactPoints) {
        record Known(String tenant, String ref, ContactPoint contactPoint) {
        }
        Map<String, Known> byRef = new LinkedHashMap<>();
        for (SourceProfileStore.TenantContactPoint t : contactPoints) {
            String ref = refOf(t.tenant(), t.contactPoint());
            byRef.putIfAbsent(t.tenant() + "\n" + ref, new Known(t.tenant(), ref, t.contactPoint()));
        }
        if (byRef.isEmpty()) {
            return;
        }
        Collection<Known> rows = byRef.values();
        PlainSql.update(entityManager, """
                insert into known_contact_point (tenant, ref, kind, value)
                select t, r, k, v from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[]), cast(?4 as text[]))
                     as x (t, r, k, v)
                on conflict do nothing""",
                SqlValues.column(rows, Known::tenant),
                SqlValues.column(rows, Known::ref),
                SqlValues.column(rows, k -> k.contactPoint().kind().name()),
                SqlValues.column(rows, k -> k.contactPoint().value()));
    }

    /** The contact point a reference names in {@code tenant}, if this service holds it. */
    public Optional<ContactPoint> resolve(String tenant, String ref) {
        if (tenant == null || !ContactPointRef.looksLikeRef(ref)) {
            return Optional.empty();
        }
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select kind, value from known_contact_point where tenant = ? and ref = ?")) {
                select.setString(1, tenant);
                select.setString(2, ref);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(new ContactPoint(ContactKind.valueOf(row.getString(1)), row.getString(2)))
                            : Optional.<ContactPoint>empty();
                }
            }
        });
    }

    /** Forgets a contact point (erasure): its reference resolves to nothing afterwards. */
    public void forget(String tenant, ContactPoint contactPoint) {
        entityManager.createNativeQuery("delete from known_contact_point where tenant = ?1 and ref = ?2")
                .setParameter(1, tenant).setParameter(2, refOf(tenant, contactPoint)).executeUpdate();
    }
}
