package org.guestcrm.desk.persistence;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An offer made to a lead: rooms, dates, price, valid until. */
@Entity
@Table(name = "quote")
public class QuoteEntity extends PanacheEntityBase {

    public static final String OPEN = "OPEN";
    public static final String BOOKED = "BOOKED";
    public static final String EXPIRED = "EXPIRED";
    public static final String LOST = "LOST";

    @Id
    public UUID id;
    @Column(nullable = false)
    public String tenant;
    @Column(name = "lead_id", nullable = false)
    public UUID leadId;
    @Column(name = "hotel_code", nullable = false)
    public String hotelCode;
    @Column(name = "room_type", nullable = false)
    public String roomType;
    @Column(nullable = false)
    public int rooms;
    @Column(nullable = false)
    public LocalDate arrival;
    @Column(nullable = false)
    public LocalDate departure;
    @Column(nullable = false, precision = 12, scale = 2)
    public BigDecimal amount;
    @Column(nullable = false)
    public String currency;
    @Column(name = "valid_until", nullable = false)
    public Instant validUntil;
    @Column(nullable = false)
    public String status;
    @Column(name = "follow_up_raised", nullable = false)
    public boolean followUpRaised;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "created_by", nullable = false)
    public String createdBy;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
