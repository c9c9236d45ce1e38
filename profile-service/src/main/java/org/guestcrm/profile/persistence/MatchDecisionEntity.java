package org.guestcrm.profile.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** Why a source profile was put in its guest. */
@Entity
@Table(name = "match_decision")
public class MatchDecisionEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "match_decision_ids")
    @SequenceGenerator(name = "match_decision_ids", sequenceName = "match_decision_id_seq", allocationSize = 50)
    public Long id;

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

    @Column(nullable = false)
    public String tenant;

    /** LINKED (the profile's link), PENDING (to review), MERGED or KEPT_APART (reviewed). */
    @Column(nullable = false)
    public String status = STATUS_LINKED;

    /** The guest the model found close but not close enough (review), or null. */
    @Column(name = "candidate_guest_id")
    public UUID candidateGuestId;

    public Double score;

    @Column(name = "model_version")
    public String modelVersion;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public List<StoredEvidence> evidence;

    @Column(name = "decided_at")
    public Instant decidedAt;

    public String reviewer;

    public static final String STATUS_LINKED = "LINKED";
    public static final String STATUS_PENDING = "PENDING";
    public static final String STATUS_MERGED = "MERGED";
    public static final String STATUS_KEPT_APART = "KEPT_APART";

    /** One field's comparison as recorded: field, level, weight (bits); never the values compared. */
    public record StoredEvidence(String field, String level, double weight) {
    }

    /** The pending review items of these tenants, oldest first. */
    public static List<MatchDecisionEntity> listPending(java.util.Collection<String> tenants, boolean allTenants, int limit) {
        if (allTenants) {
            return find("status = ?1 order by createdAt, id", STATUS_PENDING).page(0, limit).list();
        }
        if (tenants.isEmpty()) {
            return List.of();
        }
        return find("status = ?1 and tenant in ?2 order by createdAt, id", STATUS_PENDING, tenants).page(0, limit).list();
    }

    public static List<MatchDecisionEntity> listByGuest(UUID guestId) {
        return list("guestId = ?1 order by createdAt", guestId);
    }
}
