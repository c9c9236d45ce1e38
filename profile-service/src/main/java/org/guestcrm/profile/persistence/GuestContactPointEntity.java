package org.guestcrm.profile.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.guestcrm.platform.domain.ContactKind;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A normalised contact point of a guest, held by one source profile (its provenance). */
@Entity
@Table(name = "guest_contact_point")
public class GuestContactPointEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "guest_contact_point_ids")
    @SequenceGenerator(name = "guest_contact_point_ids", sequenceName = "guest_contact_point_id_seq", allocationSize = 50)
    public Long id;

    @Column(name = "guest_id", nullable = false)
    public UUID guestId;

    @Column(nullable = false)
    public String tenant;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ContactKind kind;

    @Column(nullable = false)
    public String value;

    public String type;

    @Column(name = "is_primary", nullable = false)
    public boolean primary;

    @Column(name = "source_profile_id", nullable = false)
    public UUID sourceProfileId;

    @Column(name = "last_seen_at", nullable = false)
    public Instant lastSeenAt;

    /** The trust of the source profile holding it (SourceTrust). */
    @Column(name = "source_trust")
    public String sourceTrust;

    /** Null for an address that may be the guest's own; else why not (OTA_RELAY, PLACEHOLDER, SHARED_BY_UNRELATED_GUESTS). */
    @Column(name = "not_for_marketing")
    public String notForMarketing;

    /** The platform's ContactPointRef of this point (V19): erasure requests name contact points by it. */
    @Column(name = "ref")
    public String ref;

    @jakarta.persistence.PrePersist
    @jakarta.persistence.PreUpdate
    void computeRef() {
        ref = org.guestcrm.platform.domain.ContactPointRef.of(tenant, kind.name(), value);
    }

    public static List<GuestContactPointEntity> listByGuest(UUID guestId) {
        return list("guestId = ?1 order by kind, primary desc, value", guestId);
    }

    public static List<GuestContactPointEntity> listByTenantAndValues(String tenant, ContactKind kind, List<String> values) {
        if (values.isEmpty()) {
            return List.of();
        }
        return list("tenant = ?1 and kind = ?2 and value in ?3", tenant, kind, values);
    }

    /** The contact-point rows of all these guests, in one query. */
    public static List<GuestContactPointEntity> listByGuests(java.util.Collection<UUID> guestIds) {
        if (guestIds.isEmpty()) {
            return List.of();
        }
        return list("guestId in ?1", guestIds);
    }

    /** Rows of the tenants holding one of the values (candidates for matching), in one query. */
    public static List<GuestContactPointEntity> listByTenantsAndValues(java.util.Collection<String> tenants, ContactKind kind,
            java.util.Collection<String> values) {
        if (tenants.isEmpty() || values.isEmpty()) {
            return List.of();
        }
        return list("tenant in ?1 and kind = ?2 and value in ?3", tenants, kind, values);
    }
}
