package org.guestcrm.optout.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One change of consent in the append-only ledger. */
@Entity
@Table(name = "consent_entry")
public class ConsentEntryEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "contact_point", nullable = false)
    public String contactPoint;

    @Column(nullable = false)
    public String channel;

    @Column(nullable = false)
    public String purpose;

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public String source;

    @Column(name = "effective_at", nullable = false)
    public Instant effectiveAt;

    /** What proves it: the id of the event that carried it. */
    @Column(nullable = false)
    public String evidence;

    @Column(name = "pms_system")
    public String pmsSystem;

    @Column(name = "pms_profile_id")
    public String pmsProfileId;

    /** Who said it: {@code pms:<system>}, a staff token's subject, {@code guest} for the guest's own links. */
    @Column
    public String actor;

    /** Which feed or link key carried it (never personal data). */
    @Column(name = "source_detail")
    public String sourceDetail;

    /** TENANT, or a narrower scope where a tenant wants one ({@code HOTEL:<code>}). */
    @Column(nullable = false)
    public String scope = "TENANT";

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    public static List<ConsentEntryEntity> history(String tenant, String contactPoint) {
        return list("tenant = ?1 and contactPoint = ?2 order by effectiveAt, recordedAt", tenant, contactPoint);
    }
}
