package org.guestcrm.optout.persistence;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The newest applied state of one PMS profile, for ordering its events. */
@Entity
@Table(name = "source_profile")
public class SourceProfileEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "pms_system", nullable = false)
    public String pmsSystem;

    @Column(name = "pms_profile_id", nullable = false)
    public String pmsProfileId;

    @Column(name = "pms_sequence")
    public Long pmsSequence;

    @Column(name = "pms_updated_at")
    public Instant pmsUpdatedAt;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "last_event_id", nullable = false)
    public UUID lastEventId;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The hotel the last applied record named (V24; null: chain-level or not known yet). */
    @Column(name = "hotel_code")
    public String hotelCode;

    public static List<SourceProfileEntity> listByIds(Collection<java.util.UUID> ids) {
        return ids.isEmpty() ? List.of() : list("id in ?1", ids);
    }
}
