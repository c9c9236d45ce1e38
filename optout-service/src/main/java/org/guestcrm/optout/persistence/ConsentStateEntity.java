package org.guestcrm.optout.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** The current consent of one tenant's contact point for one channel and purpose. */
@Entity
@Table(name = "consent_state")
@IdClass(ConsentStateEntity.Key.class)
public class ConsentStateEntity extends PanacheEntityBase {

    @Id
    public String tenant;

    @Id
    @Column(name = "contact_point")
    public String contactPoint;

    @Id
    public String channel;

    @Id
    public String purpose;

    /** TENANT, or the brand or hotel the consent holds in ({@code HOTEL:<code>}, {@code BRAND:<code>}). */
    @Id
    public String scope = "TENANT";

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public String source;

    @Column(name = "effective_at", nullable = false)
    public Instant effectiveAt;

    @Column(name = "entry_id", nullable = false)
    public UUID entryId;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The composite primary key. */
    public static class Key implements Serializable {
        public String tenant;
        public String contactPoint;
        public String channel;
        public String purpose;
        public String scope;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(tenant, k.tenant) && Objects.equals(contactPoint, k.contactPoint)
                    && Objects.equals(channel, k.channel) && Objects.equals(purpose, k.purpose)
                    && Objects.equals(scope, k.scope);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenant, contactPoint, channel, purpose, scope);
        }
    }

    /** The tenant-scope state. */
    public static Optional<ConsentStateEntity> find(String tenant, String contactPoint, String channel, String purpose) {
        return find(tenant, contactPoint, channel, purpose, "TENANT");
    }

    public static Optional<ConsentStateEntity> find(String tenant, String contactPoint, String channel, String purpose,
            String scope) {
        return find("tenant = ?1 and contactPoint = ?2 and channel = ?3 and purpose = ?4 and scope = ?5", tenant, contactPoint,
                channel, purpose, scope).firstResultOptional();
    }

    /** The states of several contact points of one tenant (a guest's). */
    public static List<ConsentStateEntity> listForAll(String tenant, Collection<String> contactPoints) {
        return contactPoints.isEmpty() ? List.of()
                : list("tenant = ?1 and contactPoint in ?2 order by contactPoint, channel, purpose, scope", tenant, contactPoints);
    }

    public static List<ConsentStateEntity> listFor(String tenant, String contactPoint) {
        return list("tenant = ?1 and contactPoint = ?2 order by channel, purpose, scope", tenant, contactPoint);
    }
}
