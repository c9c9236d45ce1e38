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

/** A PMS push feed of a tenant; only the SHA-256 of its bearer token is stored. */
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

    @Column(name = "token_sha256", nullable = false)
    public String tokenSha256;

    @Column(name = "default_currency")
    public String defaultCurrency;

    @Column(name = "enabled", nullable = false)
    public boolean enabled;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
