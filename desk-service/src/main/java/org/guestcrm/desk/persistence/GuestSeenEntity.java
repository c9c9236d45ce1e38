package org.guestcrm.desk.persistence;

import java.time.Instant;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A golden guest as last seen: its version, and whether it is gone (merged into another guest, or erased). */
@Entity
@Table(name = "guest_seen")
public class GuestSeenEntity extends PanacheEntityBase {

    @Id
    @Column(name = "guest_id")
    public String guestId;
    public String tenant;
    @Column(nullable = false)
    public long version;
    @Column(nullable = false)
    public boolean gone;
    @Column(name = "merged_into")
    public String mergedInto;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
    /** When the desk first saw the guest on crm.guests (null for a guest known only as merged away or erased). */
    @Column(name = "first_seen_at")
    public Instant firstSeenAt;
}
