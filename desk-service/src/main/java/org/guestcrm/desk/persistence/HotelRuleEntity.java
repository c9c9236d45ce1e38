package org.guestcrm.desk.persistence;

import java.time.Instant;
import java.time.LocalTime;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A hotel's desk rule set by an admin; every null column falls back to the configuration. */
@Entity
@Table(name = "hotel_rule")
public class HotelRuleEntity extends PanacheEntityBase {

    @Id
    @Column(name = "rule_key")
    public String ruleKey;
    @Column(nullable = false)
    public String tenant;
    @Column(name = "hotel_code", nullable = false)
    public String hotelCode;
    public String zone;
    public LocalTime opens;
    public LocalTime closes;
    public String days;
    @Column(name = "call_back_within_seconds")
    public Long callBackWithinSeconds;
    public String team;
    @Column(name = "retry_after_seconds")
    public Long retryAfterSeconds;
    @Column(name = "max_attempts")
    public Integer maxAttempts;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    public static String keyOf(String tenant, String hotelCode) {
        return tenant + ":" + hotelCode;
    }
}
