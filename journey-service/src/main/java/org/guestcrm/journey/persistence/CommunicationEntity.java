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

/** One communication of a reservation's journey (at most one per step), or a campaign message (one per guest). */
@Entity
@Table(name = "communication")
public class CommunicationEntity extends PanacheEntityBase {

    /** The normalised address the mail was (or is being) sent to: set when claimed (V13). Personal data: never logged. */
    @Column(name = "contact_point")
    public String contactPoint;

    /** On BOUNCED: HARD (V13). */
    @Column(name = "bounce_type")
    public String bounceType;

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "hotel_code", nullable = false)
    public String hotelCode;

    /** The reservation of a journey step; null for a campaign message (V14). */
    @Column(name = "pms_reservation_id")
    public String pmsReservationId;

    /** The campaign of a campaign message (one per campaign and guest, V14); null for a journey step. */
    @Column(name = "campaign_id")
    public UUID campaignId;

    /** The golden guest id (crm.guests) of a campaign message; null for a journey step (ReservationChanged has none). */
    @Column(name = "guest_id")
    public String guestId;

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

    /** Delivery attempts so far; counted when a dispatcher claims the communication, before it sends. */
    @Column(nullable = false)
    public int attempts;

    /** Instance id of the dispatcher that claimed this communication and may be sending it; null when unclaimed. */
    @Column(name = "lease_owner")
    public String leaseOwner;

    /** Until when {@link #leaseOwner}'s claim holds; after it, another dispatcher may claim the communication. */
    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;

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

    /**
     * The reservation version a MODIFICATION or CANCELLATION notice tells about (V15: unique with the reservation and
     * step, so at most one notice per version); '' for every other step.
     */
    @Column(name = "notice_version", nullable = false)
    public String noticeVersion = "";

    /** The run of a recurring campaign this message belongs to (1, 2, ...; V22); null for a one-shot campaign. */
    @Column(name = "campaign_run")
    public Integer campaignRun;

    /** A guest occasion's key (the birthday's or anniversary's year, the last departure of a win-back); else null. */
    @Column(name = "occasion")
    public String occasion;

    /** The date a guest occasion was computed from (birth date, last departure); else null. */
    @Column(name = "occasion_basis")
    public java.time.LocalDate occasionBasis;

    /**
     * The SMS segments of the text just accepted by the gateway, set when its SENT is recorded and carried by that
     * CommunicationEvent ({@code segments}); not stored (the event is the record of it).
     */
    @jakarta.persistence.Transient
    public Integer smsSegments;

    /** The guest this message was re-keyed from by a merge (V24); null when never moved. */
    @Column(name = "previous_guest_id")
    public String previousGuestId;
}
