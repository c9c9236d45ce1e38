package org.guestcrm.journey.persistence;

import java.time.Instant;
import java.util.UUID;

import org.guestcrm.journey.domain.Channel;
import org.guestcrm.journey.domain.CommunicationStatus;
import org.guestcrm.journey.domain.JourneyStep;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One communication of a reservation's journey (at most one per step). */
@Entity
@Table(name = "communication")
public class CommunicationEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "hotel_code", nullable = false)
    public String hotelCode;

    @Column(name = "pms_reservation_id", nullable = false)
    public String pmsReservationId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public JourneyStep step;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Channel channel;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public CommunicationStatus status;

    @Column(name = "due_at", nullable = false)
    public Instant dueAt;

    /** Set after a failed attempt: the dispatcher waits until then. */
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "cancelled_at")
    public Instant cancelledAt;

    @Column(nullable = false)
    public int attempts;

    /** The last delivery error, with personal data masked. */
    @Column(name = "last_error")
    public String lastError;

    public String reason;

    @Column(name = "correlation_id", nullable = false)
    public String correlationId;

    /** The event id of the reservation snapshot that last changed this communication's plan. */
    @Column(name = "causation_id")
    public String causationId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
