package org.guestcrm.desk.persistence;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import org.guestcrm.desk.domain.LeadStatus;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A request that is not a booking yet (tentative/waitlisted in a PMS, or an inquiry posted to the API). */
@Entity
@Table(name = "lead")
public class LeadEntity extends PanacheEntityBase {

    public static final String ORIGIN_PMS = "PMS";
    public static final String ORIGIN_API = "API";

    @Id
    public UUID id;
    @Column(nullable = false)
    public String tenant;
    @Column(name = "hotel_code", nullable = false)
    public String hotelCode;
    @Column(nullable = false)
    public String origin;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public LeadStatus status;
    @Column(name = "reservation_key")
    public String reservationKey;
    @Column(name = "pms_system")
    public String pmsSystem;
    @Column(name = "pms_reservation_id")
    public String pmsReservationId;
    @Column(name = "pms_profile_id")
    public String pmsProfileId;
    @Column(name = "guest_id")
    public String guestId;
    @Column(name = "guest_name")
    public String guestName;
    @Column(name = "guest_email")
    public String guestEmail;
    @Column(name = "guest_phone")
    public String guestPhone;
    public String language;
    @Column(nullable = false)
    public LocalDate arrival;
    @Column(nullable = false)
    public LocalDate departure;
    @Column(nullable = false)
    public int adults;
    @Column(nullable = false)
    public int children;
    @Column(nullable = false)
    public int rooms;
    @Column(name = "room_type")
    public String roomType;
    public String message;
    public String channel;
    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;
    @Column(name = "answered_at")
    public Instant answeredAt;
    @Column(name = "closed_at")
    public Instant closedAt;
    @Column(name = "outcome_reason")
    public String outcomeReason;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
    /** When the guest's personal data was removed (crm.erasures); null while it is held. */
    @Column(name = "erased_at")
    public Instant erasedAt;
}
