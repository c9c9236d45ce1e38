package org.guestcrm.profile.persistence;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The newest applied state of one PMS guest profile. */
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

    @Column(name = "hotel_code")
    public String hotelCode;

    @Column(name = "change_type", nullable = false)
    public String changeType;

    @Column(name = "merged_into_pms_profile_id")
    public String mergedIntoPmsProfileId;

    @Column(name = "profile_type")
    public String profileType;

    public String title;

    @Column(name = "first_name")
    public String firstName;

    @Column(name = "middle_name")
    public String middleName;

    @Column(name = "last_name")
    public String lastName;

    @Column(name = "birth_date")
    public LocalDate birthDate;

    public String gender;

    public String language;

    public String nationality;

    @Column(name = "company_name")
    public String companyName;

    @Column(name = "loyalty_program")
    public String loyaltyProgram;

    @Column(name = "loyalty_number")
    public String loyaltyNumber;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public List<StoredContact> emails = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public List<StoredContact> phones = new ArrayList<>();

    @Column(name = "pms_sequence")
    public Long pmsSequence;

    @Column(name = "pms_updated_at")
    public Instant pmsUpdatedAt;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "last_event_id", nullable = false)
    public UUID lastEventId;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    public static Optional<SourceProfileEntity> findByKey(String tenant, String pmsSystem, String pmsProfileId) {
        return find("tenant = ?1 and pmsSystem = ?2 and pmsProfileId = ?3", tenant, pmsSystem, pmsProfileId)
                .firstResultOptional();
    }
}
