package org.guestcrm.profile.persistence;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.profile.domain.SourceProfileKey;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The newest applied state of one PMS reservation, as far as stays and spend need it. */
@Entity
@Table(name = "stay")
public class StayEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(nullable = false)
    public String tenant;
    @Column(name = "hotel_code", nullable = false)
    public String hotelCode;
    @Column(name = "pms_reservation_id", nullable = false)
    public String pmsReservationId;
    @Column(name = "pms_system", nullable = false)
    public String pmsSystem;
    /** The lead guest's profile in that PMS (null when the reservation names none). */
    @Column(name = "pms_profile_id")
    public String pmsProfileId;
    @Column(nullable = false)
    public String status;
    @Column(nullable = false)
    public LocalDate arrival;
    @Column(nullable = false)
    public LocalDate departure;
    public BigDecimal amount;
    public String currency;
    public String channel;
    /** The newest state came from a history import (metadata.history). */
    @Column(nullable = false)
    public boolean history;
    @Column(name = "pms_sequence")
    public Long pmsSequence;
    @Column(name = "pms_modified_at")
    public Instant pmsModifiedAt;
    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;
    @Column(name = "last_event_id", nullable = false)
    public UUID lastEventId;
    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    /** A reservation's key: tenant, hotel, reservation id (the key of pms.reservations). */
    public record Key(String tenant, String hotelCode, String pmsReservationId) {
    }

    public Key key() {
        return new Key(tenant, hotelCode, pmsReservationId);
    }

    /** The held state of these reservations, in one query. */
    public static Map<Key, StayEntity> findByKeys(Collection<Key> keys) {
        Map<Key, StayEntity> held = new HashMap<>();
        if (keys.isEmpty()) {
            return held;
        }
        Set<String> tenants = new HashSet<>();
        Set<String> hotels = new HashSet<>();
        Set<String> ids = new HashSet<>();
        keys.forEach(k -> {
            tenants.add(k.tenant());
            hotels.add(k.hotelCode());
            ids.add(k.pmsReservationId());
        });
        StayEntity.<StayEntity>list("tenant in ?1 and hotelCode in ?2 and pmsReservationId in ?3", tenants, hotels, ids)
                .forEach(s -> {
                    if (keys.contains(s.key())) {
                        held.put(s.key(), s);
                    }
                });
        return held;
    }

    /** The stays of these source profiles (by tenant, PMS and profile id), in one query. */
    public static Map<SourceProfileKey, List<StayEntity>> ofProfiles(Collection<SourceProfileKey> profiles) {
        Map<SourceProfileKey, List<StayEntity>> stays = new HashMap<>();
        if (profiles.isEmpty()) {
            return stays;
        }
        Set<String> tenants = new HashSet<>();
        Set<String> systems = new HashSet<>();
        Set<String> ids = new HashSet<>();
        profiles.forEach(k -> {
            tenants.add(k.tenant());
            systems.add(k.pmsSystem());
            ids.add(k.pmsProfileId());
        });
        Set<SourceProfileKey> wanted = Set.copyOf(profiles);
        StayEntity.<StayEntity>list("tenant in ?1 and pmsSystem in ?2 and pmsProfileId in ?3", tenants, systems, ids)
                .forEach(s -> {
                    SourceProfileKey key = new SourceProfileKey(s.tenant, s.pmsSystem, s.pmsProfileId);
                    if (wanted.contains(key)) {
                        stays.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(s);
                    }
                });
        return stays;
    }
}
