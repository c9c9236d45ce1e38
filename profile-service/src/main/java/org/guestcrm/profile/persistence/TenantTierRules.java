package org.guestcrm.profile.persistence;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.guestcrm.profile.domain.TierRules;
import org.guestcrm.profile.messaging.GuestRecomposer;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Each tenant's qualification-tier rules ({@code tier_rules}, V24; {@link TierRules#DEFAULT} for a tenant without a
 * row). The recomposition asks {@link #rulesFor} (held in memory, reloaded by every replica every 30 s, one query outside
 * any batch: a batch never reads them); an admin's {@link #update} stores the next version, holds it at once on this
 * replica and re-tiers the tenant's guests ({@link #retier}: every live guest recomposed, a page of
 * {@value #PAGE} guests per transaction, locked in id order as the intake locks them).
 */
@ApplicationScoped
public class TenantTierRules {

    private static final Logger LOG = Logger.getLogger(TenantTierRules.class);
    static final int PAGE = 500;

    private final Map<String, TierRules> held = new ConcurrentHashMap<>();

    @Inject
    EntityManager entityManager;
    @Inject
    GuestRecomposer recomposer;

    /** The rules the tenant's guests are qualified by now. */
    public TierRules rulesFor(String tenant) {
        return held.getOrDefault(tenant, TierRules.DEFAULT);
    }

    /** Reloads every tenant's rules (another replica's change shows up here within 30 s). */
    @Scheduled(every = "30s", delay = 1, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void reload() {
        Map<String, TierRules> loaded = new HashMap<>();
        TierRulesEntity.<TierRulesEntity>listAll().forEach(row -> loaded.put(row.tenant, row.rules()));
        held.keySet().retainAll(loaded.keySet());
        held.putAll(loaded);
    }

    /** The tenant's stored rules, or null when it uses the default. */
    @Transactional
    public TierRulesEntity stored(String tenant) {
        return TierRulesEntity.findById(tenant);
    }

    /** Stores the tenant's next version of its rules (already validated) and holds them from now on. */
    public TierRulesEntity update(String tenant, TierRules rules, String actor) {
        TierRulesEntity row = QuarkusTransaction.requiringNew().call(() -> {
            TierRulesEntity r = TierRulesEntity.findById(tenant, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            if (r == null) {
                r = new TierRulesEntity();
                r.tenant = tenant;
                r.version = 0;
            }
            r.repeatMinStays = rules.repeatMinStays();
            r.vipMinStays = rules.vipMinStays();
            r.vipMinNights = rules.vipMinNights();
            r.vipMinSpend = rules.vipMinSpend();
            r.vipSpendCurrency = rules.vipSpendCurrency();
            r.version = r.version + 1;
            r.updatedAt = Instant.now();
            r.updatedBy = actor;
            r.persist();
            return r;
        });
        held.put(tenant, rules);
        return row;
    }

    /** What a re-tiering did. */
    public record Retiered(int guests, int changed) {
    }

    /**
     * Recomposes every live guest of the tenant with the rules held now (so its tier follows them), a page per
     * transaction; answers how many guests were recomposed and how many changed tier.
     */
    public Retiered retier(String tenant, String correlationId) {
        UUID after = new UUID(0, 0); // the lowest uuid in PostgreSQL's order
        int guests = 0;
        int changed = 0;
        while (true) {
            UUID from = after;
            List<UUID> page = QuarkusTransaction.requiringNew().call(() -> entityManager.createQuery(
                    "select g.id from GuestEntity g where g.tenant = :tenant and g.mergedInto is null"
                            + " and g.erasedAt is null and g.id > :after order by g.id", UUID.class)
                    .setParameter("tenant", tenant).setParameter("after", from).setMaxResults(PAGE).getResultList());
            if (page.isEmpty()) {
                break;
            }
            int[] counts = QuarkusTransaction.requiringNew().call(() -> {
                Map<UUID, GuestEntity> locked = GuestEntity.lockAll(page);
                locked.values().removeIf(g -> g.mergedInto != null || g.erasedAt != null);
                Map<UUID, String> before = new HashMap<>();
                Map<UUID, GuestRecomposer.Cause> touched = new HashMap<>();
                locked.values().forEach(g -> {
                    before.put(g.id, g.qualificationTier);
                    touched.put(g.id, new GuestRecomposer.Cause(correlationId, correlationId));
                });
                recomposer.recompose(touched, locked, Instant.now());
                int moved = (int) locked.values().stream()
                        .filter(g -> !java.util.Objects.equals(before.get(g.id), g.qualificationTier)).count();
                return new int[] {locked.size(), moved};
            });
            guests += counts[0];
            changed += counts[1];
            after = page.get(page.size() - 1);
        }
        LOG.infof("Tenant %s re-tiered under tier rules %s: %d guests recomposed, %d changed tier.", tenant,
                correlationId, guests, changed);
        return new Retiered(guests, changed);
    }
}
