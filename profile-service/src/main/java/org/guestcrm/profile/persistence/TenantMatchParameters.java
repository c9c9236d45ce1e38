package org.guestcrm.profile.persistence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.guestcrm.profile.domain.matching.FittedParameterCheck;
import org.guestcrm.profile.domain.matching.MatchModel;
import org.guestcrm.profile.domain.matching.ParameterEstimation;
import org.guestcrm.profile.domain.matching.PersonRecord;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Per-tenant fitted m/u ({@code match_parameter_set}, V20): {@link #refit} fits a tenant's parameters from its own
 * stored profiles' match features ({@link ParameterEstimation}, no labels), checks them ({@link FittedParameterCheck})
 * and stores them as the tenant's next version, accepted or not, with the problems found. The intake asks
 * {@link #modelFor} for the tenant's model: the newest accepted set (version {@code fs-3-fitted/<tenant>/v<n>}), else
 * the fixed set ({@link MatchModel#VERSION}). The accepted sets are held in memory, reloaded by every replica every
 * 30 s (one query, outside any batch, so a batch never reads them).
 */
@ApplicationScoped
public class TenantMatchParameters {

    private static final Logger LOG = Logger.getLogger(TenantMatchParameters.class);
    /** The most profiles a fit reads (the newest). */
    static final int MAX_PROFILES = 100_000;

    private final MatchModel fixed = new MatchModel();
    private final Map<String, MatchModel> accepted = new ConcurrentHashMap<>();

    @Inject
    EntityManager entityManager;

    /** The model the tenant's decisions use now. */
    public MatchModel modelFor(String tenant) {
        return accepted.getOrDefault(tenant, fixed);
    }

    /** Reloads the newest accepted set of every tenant (the other replicas' refits show up here). */
    @Scheduled(every = "30s", delay = 1, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void reload() {
        Map<String, MatchModel> loaded = new HashMap<>();
        MatchParameterSetEntity.<MatchParameterSetEntity>list(
                "from MatchParameterSetEntity s where s.accepted = true and s.version = (select max(o.version) "
                        + "from MatchParameterSetEntity o where o.tenant = s.tenant and o.accepted = true)")
                .forEach(set -> loaded.put(set.tenant, modelOf(set)));
        accepted.keySet().retainAll(loaded.keySet());
        accepted.putAll(loaded);
    }

    /** Fits, checks and stores the tenant's next parameter set; an accepted one is used from now on. */
    @Transactional
    public MatchParameterSetEntity refit(String tenant, String actor) {
        List<PersonRecord> records = profilesOf(tenant);
        ParameterEstimation.Fit fit = ParameterEstimation.fitWithDetails(records, ParameterEstimation.Settings.STANDARD);
        FittedParameterCheck.Verdict verdict = FittedParameterCheck.check(fit, records.size(),
                FittedParameterCheck.Limits.STANDARD);
        // Versions per tenant: the next one, the tenant's row locked by the insert's primary key.
        Integer last = entityManager.createQuery(
                "select max(s.version) from MatchParameterSetEntity s where s.tenant = :tenant", Integer.class)
                .setParameter("tenant", tenant).getSingleResult();
        MatchParameterSetEntity set = new MatchParameterSetEntity();
        set.tenant = tenant;
        set.version = last == null ? 1 : last + 1;
        set.fittedAt = Instant.now();
        set.fittedBy = actor;
        set.profiles = records.size();
        set.trainingPairs = fit.trainingPairs();
        set.accepted = verdict.accepted();
        set.problems = verdict.problems();
        Map<String, MatchParameterSetEntity.StoredLevel> parameters = new LinkedHashMap<>();
        fit.model().levels().forEach((key, level) -> parameters.put(key,
                new MatchParameterSetEntity.StoredLevel(level.name(), level.m(), level.u())));
        set.parameters = parameters;
        set.persist();
        if (set.accepted) {
            accepted.put(tenant, modelOf(set));
        }
        LOG.infof("Match parameters of tenant %s fitted as version %d on %d profiles: %s.", tenant, set.version,
                set.profiles, set.accepted ? "accepted, in use" : "not accepted (" + set.problems.size() + " problem(s))");
        return set;
    }

    /** The version a decision records for this set. */
    public static String versionOf(MatchParameterSetEntity set) {
        return MatchModel.VERSION + "-fitted/" + set.tenant + "/v" + set.version;
    }

    private static MatchModel modelOf(MatchParameterSetEntity set) {
        Map<String, MatchModel.Level> levels = new HashMap<>();
        set.parameters.forEach((key, level) -> levels.put(key, new MatchModel.Level(level.level(), level.m(), level.u())));
        return new MatchModel(levels, versionOf(set));
    }

    /** The tenant's newest stored profiles as the matcher sees them (match features only; one statement). */
    private List<PersonRecord> profilesOf(String tenant) {
        List<PersonRecord> out = new ArrayList<>();
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement query = connection.prepareStatement("""
                    select s.id, s.match_given_name, s.match_surname, s.match_birth_date, s.match_postcode, s.match_city,
                        s.match_street, s.match_email, s.match_document, s.match_phone, s.match_loyalty
                    from source_profile s
                    where s.tenant = ?
                    order by s.received_at desc, s.id
                    limit ?""")) {
                query.setString(1, tenant);
                query.setInt(2, MAX_PROFILES);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        out.add(new PersonRecord(rows.getString(1), rows.getString(2), rows.getString(3),
                                rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7),
                                rows.getString(8), rows.getString(9), rows.getString(10), rows.getString(11)));
                    }
                }
            }
        });
        return out;
    }
}
