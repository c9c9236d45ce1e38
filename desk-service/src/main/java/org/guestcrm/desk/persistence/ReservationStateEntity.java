package org.guestcrm.desk.persistence;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A reservation as last seen on pms.reservations: what the desk needs to order snapshots and match leads. */
@Entity
@Table(name = "reservation_state")
public class ReservationStateEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "reservation_key", nullable = false)
    public String reservationKey;
    @Column(nullable = false)
    public String tenant;
    @Column(name = "hotel_code", nullable = false)
    public String hotelCode;
    @Column(name = "pms_reservation_id", nullable = false)
    public String pmsReservationId;
    @Column(name = "pms_system", nullable = false)
    public String pmsSystem;
    @Column(nullable = false)
    public String status;
    @Column(nullable = false)
    public LocalDate arrival;
    @Column(nullable = false)
    public LocalDate departure;
    @Column(name = "pms_profile_id")
    public String pmsProfileId;
    @Column(name = "guest_email")
    public String guestEmail;
    @Column(name = "pms_sequence")
    public Long pmsSequence;
    @Column(name = "pms_modified_at")
    public Instant pmsModifiedAt;
    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;
    @Column(name = "last_event_id", nullable = false)
    public UUID lastEventId;
    @Column(name = "first_seen_at", nullable = false)
    public Instant firstSeenAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
    /** When the guest booked: the PMS's createdAt, else the first snapshot's event time (campaign attribution). */
    @Column(name = "booked_at")
    public Instant bookedAt;
    /** The booked total for the stay (ReservationChanged.totalAmount), when the PMS sends it. */
    @Column(name = "total_amount", precision = 19, scale = 4)
    public java.math.BigDecimal totalAmount;
    @Column(length = 3)
    public String currency;
}
