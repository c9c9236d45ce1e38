package org.guestcrm.desk.persistence;

import java.time.Instant;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A PMS profile and the golden guest that holds it (from crm.guests' source profiles). */
@Entity
@Table(name = "guest_link")
public class GuestLinkEntity extends PanacheEntityBase {

    @Id
    @Column(name = "link_key")
    public String linkKey;
    @Column(nullable = false)
    public String tenant;
    @Column(name = "pms_system", nullable = false)
    public String pmsSystem;
    @Column(name = "pms_profile_id", nullable = false)
    public String pmsProfileId;
    @Column(name = "guest_id", nullable = false)
    public String guestId;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The key of a PMS profile within a tenant. */
    public static String keyOf(String tenant, String pmsSystem, String pmsProfileId) {
        return tenant + "|" + pmsSystem + "|" + pmsProfileId;
    }
}
