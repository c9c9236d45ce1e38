package org.guestcrm.profile.persistence;

import java.math.BigDecimal;
import java.time.Instant;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A tenant's qualification-tier rules (V24), the version counting the admin's changes. */
@Entity
@Table(name = "tier_rules")
public class TierRulesEntity extends PanacheEntityBase {

    @Id
    public String tenant;

    @Column(name = "repeat_min_stays", nullable = false)
    public int repeatMinStays;

    @Column(name = "vip_min_stays")
    public Integer vipMinStays;

    @Column(name = "vip_min_nights")
    public Integer vipMinNights;

    @Column(name = "vip_min_spend")
    public BigDecimal vipMinSpend;

    @Column(name = "vip_spend_currency")
    public String vipSpendCurrency;

    @Column(nullable = false)
    public int version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    public org.guestcrm.profile.domain.TierRules rules() {
        return new org.guestcrm.profile.domain.TierRules(repeatMinStays, vipMinStays, vipMinNights, vipMinSpend,
                vipSpendCurrency);
    }
}
