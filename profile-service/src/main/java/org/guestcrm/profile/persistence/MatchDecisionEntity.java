package org.guestcrm.profile.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Why a source profile was put in its guest. */
@Entity
@Table(name = "match_decision")
public class MatchDecisionEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "guest_id", nullable = false)
    public UUID guestId;

    @Column(name = "source_profile_id", nullable = false)
    public UUID sourceProfileId;

    @Column(nullable = false)
    public String rule;

    @Column(nullable = false)
    public String explanation;

    @Column(name = "decided_by", nullable = false)
    public String decidedBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static List<MatchDecisionEntity> listByGuest(UUID guestId) {
        return list("guestId = ?1 order by createdAt", guestId);
    }
}
