package org.guestcrm.profile.persistence;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "guest")
public class GuestEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    public String title;

    @Column(name = "first_name")
    public String firstName;

    @Column(name = "last_name")
    public String lastName;

    @Column(name = "birth_date")
    public LocalDate birthDate;

    public String language;

    public String nationality;

    @Column(name = "company_name")
    public String companyName;

    @Column(nullable = false)
    public long version;

    /** Survivorship: per field, the source profile its value came from and why ("opera:O-1 (LOYALTY, GOOD, time)"). */
    @org.hibernate.annotations.JdbcTypeCode(org.hibernate.type.SqlTypes.JSON)
    @Column(name = "field_sources", columnDefinition = "jsonb")
    public java.util.Map<String, String> fieldSources;

    /** The surviving preferences (key -> value, bounded: {@code domain.Preferences}); null once erased. */
    @org.hibernate.annotations.JdbcTypeCode(org.hibernate.type.SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public java.util.Map<String, String> preferences;

    /** The qualification tier (domain.QualificationTier) by the tenant's rules at the last recomposition (V24). */
    @Column(name = "qualification_tier")
    public String qualificationTier;

    /** Why that tier: counts and thresholds, no personal data. */
    @Column(name = "qualification_reason")
    public String qualificationReason;

    /** SHA-256 of what the last GuestUpdated on crm.guests carried (GuestRecomposer publishes only on a change). */
    @Column(name = "published_fingerprint")
    public String publishedFingerprint;

    /** Set when this guest was merged into another: the id stays an alias of the survivor. */
    @Column(name = "merged_into")
    public UUID mergedInto;

    /** Set when the guest was erased (GDPR): every personal datum is gone, the id answers 404. */
    @Column(name = "erased_at")
    public Instant erasedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /**
     * Loads and locks these guests ({@code select ... order by id for update}): rows are locked in id order, so two
     * replicas recomposing overlapping guests never deadlock, and neither recomposes from a stale view.
     */
    public static java.util.Map<UUID, GuestEntity> lockAll(java.util.Collection<UUID> ids) {
        java.util.Map<UUID, GuestEntity> guests = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return guests;
        }
        GuestEntity.<GuestEntity>find("id in ?1 order by id", ids)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .list()
                .forEach(g -> guests.put(g.id, g));
        return guests;
    }
}
