package org.guestcrm.profile.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The link that puts a source profile in exactly one guest. */
@Entity
@Table(name = "guest_source_profile")
public class GuestSourceProfileEntity extends PanacheEntityBase {

    @Id
    @Column(name = "source_profile_id")
    public UUID sourceProfileId;

    @Column(name = "guest_id", nullable = false)
    public UUID guestId;

    @Column(name = "linked_at", nullable = false)
    public Instant linkedAt;

    public static Optional<GuestSourceProfileEntity> findBySourceProfile(UUID sourceProfileId) {
        return findByIdOptional(sourceProfileId);
    }

    /** The links of these source profiles, in one query. */
    public static List<GuestSourceProfileEntity> listBySourceProfiles(java.util.Collection<UUID> sourceProfileIds) {
        if (sourceProfileIds.isEmpty()) {
            return List.of();
        }
        return list("sourceProfileId in ?1", sourceProfileIds);
    }

    /** The links of these guests, in one query. */
    public static List<GuestSourceProfileEntity> listByGuests(java.util.Collection<UUID> guestIds) {
        if (guestIds.isEmpty()) {
            return List.of();
        }
        return list("guestId in ?1 order by linkedAt, sourceProfileId", guestIds);
    }

    public static List<GuestSourceProfileEntity> listByGuest(UUID guestId) {
        return list("guestId = ?1 order by linkedAt", guestId);
    }
}
