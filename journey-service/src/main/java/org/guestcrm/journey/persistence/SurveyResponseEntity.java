package org.guestcrm.journey.persistence;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A guest's answer to a post-stay survey (V20): one per survey communication, its revision raised on each change. */
@Entity
@Table(name = "survey_response")
public class SurveyResponseEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "communication_id", nullable = false, unique = true)
    public UUID communicationId;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "hotel_code", nullable = false)
    public String hotelCode;

    @Column(name = "pms_reservation_id")
    public String pmsReservationId;

    @Column(name = "guest_id")
    public String guestId;

    @Column(nullable = false)
    public int revision;

    @Column(nullable = false)
    public int score;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Integer> ratings;

    /** The guest's own words: personal data, never logged. */
    public String comment;

    public String language;

    @Column(name = "first_answered_at", nullable = false)
    public Instant firstAnsweredAt;

    @Column(name = "answered_at", nullable = false)
    public Instant answeredAt;

    /** The answer of {@code communicationId}, locked for an update (two submits at once: one revision each). */
    public static SurveyResponseEntity forUpdate(UUID communicationId) {
        return find("communicationId", communicationId)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    public static SurveyResponseEntity of(UUID communicationId) {
        return find("communicationId", communicationId).firstResult();
    }
}
