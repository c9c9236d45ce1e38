package org.guestcrm.desk.persistence;

import java.time.Instant;
import java.util.UUID;

import org.guestcrm.desk.domain.TaskKind;
import org.guestcrm.desk.domain.TaskOutcome;
import org.guestcrm.desk.domain.TaskStatus;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A staff task of a hotel: call back a lead, follow up a quote, chase a late document. */
@Entity
@Table(name = "task")
public class TaskEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(nullable = false)
    public String tenant;
    @Column(name = "hotel_code", nullable = false)
    public String hotelCode;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public TaskKind kind;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public TaskStatus status;
    @Column(name = "lead_id")
    public UUID leadId;
    @Column(name = "quote_id")
    public UUID quoteId;
    @Column(name = "pms_reservation_id")
    public String pmsReservationId;
    @Column(name = "guest_id")
    public String guestId;
    public String assignee;
    public String team;
    @Column(name = "due_at", nullable = false)
    public Instant dueAt;
    @Column(nullable = false)
    public int attempt;
    @Enumerated(EnumType.STRING)
    public TaskOutcome outcome;
    @Column(name = "outcome_reason")
    public String outcomeReason;
    /** What the task is about, for the list (e.g. "PRE_CHECK_IN"): never personal data. */
    public String subject;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
    @Column(name = "done_at")
    public Instant doneAt;
    @Column(name = "done_by")
    public String doneBy;
}
