package org.guestcrm.desk.persistence;

import java.time.Instant;
import java.util.UUID;

import org.guestcrm.desk.domain.DocumentKind;
import org.guestcrm.desk.domain.DocumentState;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A document a reservation owes its guest, and how far it got. */
@Entity
@Table(name = "document")
public class DocumentEntity extends PanacheEntityBase {

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
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DocumentKind kind;
    @Column(nullable = false)
    public String step;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DocumentState state;
    @Column(name = "due_at", nullable = false)
    public Instant dueAt;
    @Column(name = "sent_at")
    public Instant sentAt;
    @Column(name = "opened_at")
    public Instant openedAt;
    public String reason;
    @Column(name = "communication_id")
    public UUID communicationId;
    @Column(name = "late_task_id")
    public UUID lateTaskId;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
