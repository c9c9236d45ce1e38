package org.guestcrm.profile.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** "Never merge these": two source profiles a reviewer kept apart or split (stored in both directions). */
@Entity
@Table(name = "match_exclusion")
@IdClass(MatchExclusionEntity.Pair.class)
public class MatchExclusionEntity extends PanacheEntityBase {

    public record Pair(UUID sourceProfileId, UUID otherSourceProfileId) implements Serializable {
        public Pair() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "source_profile_id")
    public UUID sourceProfileId;

    @Id
    @Column(name = "other_source_profile_id")
    public UUID otherSourceProfileId;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "decided_by", nullable = false)
    public String decidedBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Records that no profile of {@code a} may share a guest with one of {@code b}, both directions. */
    public static void excludeAll(String tenant, Collection<UUID> a, Collection<UUID> b, String decidedBy, Instant now) {
        Set<Pair> existing = new HashSet<>();
        pairsAmong(a, b).forEach(e -> existing.add(new Pair(e.sourceProfileId, e.otherSourceProfileId)));
        for (UUID x : a) {
            for (UUID y : b) {
                for (Pair pair : List.of(new Pair(x, y), new Pair(y, x))) {
                    if (!x.equals(y) && existing.add(pair)) {
                        MatchExclusionEntity row = new MatchExclusionEntity();
                        row.sourceProfileId = pair.sourceProfileId();
                        row.otherSourceProfileId = pair.otherSourceProfileId();
                        row.tenant = tenant;
                        row.decidedBy = decidedBy;
                        row.createdAt = now;
                        row.persist();
                    }
                }
            }
        }
    }

    /** The exclusions from a profile of {@code a} to one of {@code b}, in one query. */
    public static List<MatchExclusionEntity> pairsAmong(Collection<UUID> a, Collection<UUID> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return List.of();
        }
        return list("sourceProfileId in ?1 and otherSourceProfileId in ?2", a, b);
    }

    /** A later manual merge beats an earlier keep-apart: the pairs between the two sets are forgotten. */
    public static void forgetAll(Collection<UUID> a, Collection<UUID> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return;
        }
        delete("(sourceProfileId in ?1 and otherSourceProfileId in ?2) or (sourceProfileId in ?2 and otherSourceProfileId in ?1)",
                a, b);
    }
}
