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
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A normalised contact point of a guest, held by one source profile (its provenance). */
@Entity
@Table(name = "guest_contact_point")
public class GuestContactPointEntity extends PanacheEntityBase {

    @Id
    public UUID id;

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

    public static List<GuestContactPointEntity> listByGuest(UUID guestId) {
        return list("guestId = ?1 order by kind, primary desc, value", guestId);
    }

    public static List<GuestContactPointEntity> listByTenantAndValues(String tenant, ContactKind kind, List<String> values) {
        if (values.isEmpty()) {
            return List.of();
        }
        return list("tenant = ?1 and kind = ?2 and value in ?3", tenant, kind, values);
    }

    public static long deleteByGuest(UUID guestId) {
        return delete("guestId", guestId);
    }
}
