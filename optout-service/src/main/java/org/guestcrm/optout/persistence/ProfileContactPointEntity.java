package org.guestcrm.optout.persistence;

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

/** A normalised contact point a PMS profile holds now. */
@Entity
@Table(name = "profile_contact_point")
public class ProfileContactPointEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "source_profile_id", nullable = false)
    public UUID sourceProfileId;

    @Column(nullable = false)
    public String tenant;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ContactKind kind;

    @Column(nullable = false)
    public String value;

    @Column(name = "seen_at", nullable = false)
    public Instant seenAt;

    public static List<ProfileContactPointEntity> listBySourceProfile(UUID sourceProfileId) {
        return list("sourceProfileId = ?1 order by seenAt, value", sourceProfileId);
    }

    public static List<ProfileContactPointEntity> listByTenantAndValue(String tenant, String value) {
        return list("tenant = ?1 and value = ?2", tenant, value);
    }
}
