package org.guestcrm.profile.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One fitted m/u set of a tenant (V20): its version, when and by whom fitted, on what, and whether it is trusted. */
@Entity
@Table(name = "match_parameter_set")
@IdClass(MatchParameterSetEntity.Key.class)
public class MatchParameterSetEntity extends PanacheEntityBase {

    public record Key(String tenant, int version) implements Serializable {
        public Key() {
            this(null, 0);
        }
    }

    /** A level's fitted probabilities. */
    public record StoredLevel(String level, double m, double u) {
    }

    @Id
    public String tenant;

    @Id
    public int version;

    @Column(name = "fitted_at", nullable = false)
    public Instant fittedAt;

    @Column(name = "fitted_by", nullable = false)
    public String fittedBy;

    @Column(nullable = false)
    public int profiles;

    @Column(name = "training_pairs", nullable = false)
    public long trainingPairs;

    @Column(nullable = false)
    public boolean accepted;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public List<String> problems;

    /** Per {@code field/level name}: the level with its m and u. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, StoredLevel> parameters;

    public static List<MatchParameterSetEntity> listByTenant(String tenant) {
        return list("tenant = ?1 order by version desc", tenant);
    }
}
