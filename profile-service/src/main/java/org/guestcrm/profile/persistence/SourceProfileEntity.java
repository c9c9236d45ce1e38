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

    @Column(name = "postal_code")
    public String postalCode;

    public String city;

    public String street;

    @Column(name = "country_code")
    public String countryCode;

    @Column(name = "document_type")
    public String documentType;

    @Column(name = "document_number")
    public String documentNumber;

    /** The match features (PersonRecord's normalisation), computed when a state is stored. */
    @Column(name = "match_given_name")
    public String matchGivenName;

    @Column(name = "match_surname")
    public String matchSurname;

    @Column(name = "match_birth_date")
    public String matchBirthDate;

    @Column(name = "match_postcode")
    public String matchPostcode;

    @Column(name = "match_city")
    public String matchCity;

    @Column(name = "match_street")
    public String matchStreet;

    @Column(name = "match_email")
    public String matchEmail;

    @Column(name = "match_phone")
    public String matchPhone;

    @Column(name = "match_document")
    public String matchDocument;

    @Column(name = "match_loyalty")
    public String matchLoyalty;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public List<StoredContact> emails = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public List<StoredContact> phones = new ArrayList<>();

    /** Preferences of this state, bounded and keys normalised ({@code domain.Preferences}). */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public java.util.Map<String, String> preferences = new java.util.TreeMap<>();

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

    /**
     * The held state of each of these profiles (tenant, PMS system, profile id), in one query: narrowed by the three
     * columns of the unique key, then matched exactly.
     */
    public static java.util.Map<org.guestcrm.profile.domain.SourceProfileKey, SourceProfileEntity> findByKeys(
            java.util.Collection<org.guestcrm.profile.domain.SourceProfileKey> keys) {
        java.util.Map<org.guestcrm.profile.domain.SourceProfileKey, SourceProfileEntity> held = new java.util.HashMap<>();
        if (keys.isEmpty()) {
            return held;
        }
        java.util.Set<String> tenants = new java.util.HashSet<>();
        java.util.Set<String> systems = new java.util.HashSet<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        keys.forEach(k -> {
            tenants.add(k.tenant());
            systems.add(k.pmsSystem());
            ids.add(k.pmsProfileId());
        });
        SourceProfileEntity.<SourceProfileEntity>list("tenant in ?1 and pmsSystem in ?2 and pmsProfileId in ?3",
                tenants, systems, ids).forEach(s -> {
                    var key = new org.guestcrm.profile.domain.SourceProfileKey(s.tenant, s.pmsSystem, s.pmsProfileId);
                    if (keys.contains(key)) {
                        held.put(key, s);
                    }
                });
        return held;
    }

    /** The held states of some profiles and the guest each is linked to. */
    public record Held(java.util.Map<org.guestcrm.profile.domain.SourceProfileKey, SourceProfileEntity> profiles,
            java.util.Map<UUID, UUID> guestOf) {
    }

    /**
     * The held state of each of these profiles with its guest link, in one query (the link joined to the profile):
     * narrowed by the three columns of the unique key, then matched exactly.
     */
    public static Held findByKeysWithGuests(java.util.Collection<org.guestcrm.profile.domain.SourceProfileKey> keys) {
        java.util.Map<org.guestcrm.profile.domain.SourceProfileKey, SourceProfileEntity> held = new java.util.HashMap<>();
        java.util.Map<UUID, UUID> guestOf = new java.util.HashMap<>();
        if (keys.isEmpty()) {
            return new Held(held, guestOf);
        }
        java.util.Set<String> tenants = new java.util.HashSet<>();
        java.util.Set<String> systems = new java.util.HashSet<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        keys.forEach(k -> {
            tenants.add(k.tenant());
            systems.add(k.pmsSystem());
            ids.add(k.pmsProfileId());
        });
        getEntityManager().createQuery("""
                select s, l.guestId from SourceProfileEntity s
                left join GuestSourceProfileEntity l on l.sourceProfileId = s.id
                where s.tenant in :tenants and s.pmsSystem in :systems and s.pmsProfileId in :ids""", Object[].class)
                .setParameter("tenants", tenants).setParameter("systems", systems).setParameter("ids", ids)
                .getResultList().forEach(row -> {
                    SourceProfileEntity s = (SourceProfileEntity) row[0];
                    var key = new org.guestcrm.profile.domain.SourceProfileKey(s.tenant, s.pmsSystem, s.pmsProfileId);
                    if (keys.contains(key)) {
                        held.put(key, s);
                        if (row[1] != null) {
                            guestOf.put(s.id, (UUID) row[1]);
                        }
                    }
                });
        return new Held(held, guestOf);
    }

    public static Optional<SourceProfileEntity> findByKey(String tenant, String pmsSystem, String pmsProfileId) {
        return find("tenant = ?1 and pmsSystem = ?2 and pmsProfileId = ?3", tenant, pmsSystem, pmsProfileId)
                .firstResultOptional();
    }
}
