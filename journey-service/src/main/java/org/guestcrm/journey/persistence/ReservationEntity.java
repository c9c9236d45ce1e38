package org.guestcrm.journey.persistence;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import org.guestcrm.journey.domain.ReservationStatus;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A reservation as last seen on pms.reservations (the newest snapshot by PMS order). */
@Entity
@Table(name = "reservation")
public class ReservationEntity extends PanacheEntityBase {

    /** Internal (referenced by nothing): from a sequence handing out blocks of 50, so batched inserts need no round trip. */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "reservation_ids")
    @SequenceGenerator(name = "reservation_ids", sequenceName = "reservation_id_seq", allocationSize = 50)
    public Long id;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "hotel_code", nullable = false)
    public String hotelCode;

    @Column(name = "hotel_name")
    public String hotelName;

    @Column(name = "pms_system", nullable = false)
    public String pmsSystem;

    @Column(name = "pms_reservation_id", nullable = false)
    public String pmsReservationId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ReservationStatus status;

    @Column(nullable = false)
    public LocalDate arrival;

    @Column(nullable = false)
    public LocalDate departure;

    @Column(name = "guest_name")
    public String guestName;

    @Column(name = "guest_email")
    public String guestEmail;

    @Column(name = "guest_language")
    public String guestLanguage;

    /** ContactPointRef of the lead guest's normalised e-mail (V17): how an erasure finds the reservation. */
    @Column(name = "guest_email_ref")
    public String guestEmailRef;

    /** ContactPointRef (kind PHONE) of the lead guest's E.164 number (V17). */
    @Column(name = "guest_phone_ref")
    public String guestPhoneRef;

    /** The lead guest's PMS profile id (in {@link #pmsSystem}) (V17). */
    @Column(name = "guest_profile_id")
    public String guestProfileId;

    /** The guest asked to be forgotten (crm.erasures): guest data is no longer kept, not even from later snapshots. */
    @Column(name = "guest_erased", nullable = false)
    public boolean guestErased;

    /** The lead guest's mobile number in E.164, when the PMS sent a valid one (V16). Personal data: never logged. */
    @Column(name = "guest_phone")
    public String guestPhone;

    @Column(name = "pms_sequence")
    public Long pmsSequence;

    @Column(name = "pms_modified_at")
    public Instant pmsModifiedAt;

    @Column(name = "event_occurred_at", nullable = false)
    public Instant eventOccurredAt;

    @Column(name = "last_event_id", nullable = false)
    public UUID lastEventId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** When the booking was made: PMS createdAt, else the first PMS modification time seen; null if neither (V13). */
    @Column(name = "booked_at")
    public Instant bookedAt;

    /** Missing from the PMS export: guest mails are HELD until a later change settles it (V13). */
    @Column(nullable = false)
    public boolean uncertain;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Booking terms a guest cares about (V15): a change of them to a booked reservation plans a MODIFICATION notice. */
    @Column(name = "room_type_code")
    public String roomTypeCode;

    @Column(name = "rate_plan_code")
    public String ratePlanCode;

    public Integer adults;

    public Integer children;

    /**
     * When the hotel's no-show cut-off passed without a check-in from the PMS while it said CONFIRMED (V23): the
     * journey treats the reservation as a no-show; null when not decided. Cleared by a later check-in, other status
     * or moved arrival.
     */
    @Column(name = "no_show_cutoff_at")
    public Instant noShowCutoffAt;

    /** The cut-off applied, in words ("23:00 on the arrival day"), for the reasons (V23). */
    @Column(name = "no_show_cutoff")
    public String noShowCutoff;
}
