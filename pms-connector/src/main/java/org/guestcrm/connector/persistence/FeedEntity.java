package org.guestcrm.connector.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.guestcrm.connector.domain.FeedKind;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A PMS feed of a tenant (one PMS source for one or more hotels); its credentials are {@link FeedCredentialEntity} rows. */
@Entity
@Table(name = "feed")
public class FeedEntity extends PanacheEntityBase {

    @Id
    @Column(name = "feed_id")
    public String feedId;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId;

    @Enumerated(EnumType.STRING)
    @Column(name = "kind", nullable = false)
    public FeedKind kind;

    @Column(name = "pms_system", nullable = false)
    public String pmsSystem;

    @Column(name = "default_currency")
    public String defaultCurrency;

    @Column(name = "enabled", nullable = false)
    public boolean enabled;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "pms_type")
    public String pmsType;

    /** The hotels of the feed as a JSON array of {hotelCode, timeZone, countryCode} (V11). */
    @Column(name = "hotels", nullable = false)
    public String hotels = "[]";

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Days the feed's raw archive is kept (V21); null: connector.retention.archive. */
    @Column(name = "archive_retention_days")
    public Integer archiveRetentionDays;

    /** Set when the feed was deleted: it answers 404 from then on; its id is never reused. */
    @Column(name = "deleted_at")
    public Instant deletedAt;
}
