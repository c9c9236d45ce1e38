package org.guestcrm.profile.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.profile.domain.matching.RefitSchedule;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The nightly refit of every tenant's match parameters ({@code profile.refit.*}, {@link RefitSchedule}): every replica
 * checks every {@code check-every}; a check inside the night's window claims the night (a row in
 * {@code match_refit_run}, V21: the first replica's insert wins, the others find it and do nothing), reads each
 * tenant's profiles received since its last fit (one statement) and refits each tenant with enough of them through
 * {@link TenantMatchParameters#refit} (one transaction per tenant, fitted by {@value #ACTOR}): stored as the next
 * version, used only when the sanity check accepts it. A tenant's failure is logged and the others go on. Counter
 * {@code guestcrm_profile_scheduled_refits_total{outcome="accepted"|"refused"|"skipped"|"failed"}}.
 */
@ApplicationScoped
public class ScheduledMatchRefit {

    private static final Logger LOG = Logger.getLogger(ScheduledMatchRefit.class);
    /** Who a scheduled fit is by (match_parameter_set.fitted_by). */
    public static final String ACTOR = "scheduled-refit";

    /** What one check did: the night's slot (empty outside every window), whether this check ran it, per tenant. */
    public record Run(Optional<Instant> slot, boolean ran, Map<String, String> outcomeByTenant) {
        public static final String ACCEPTED = "accepted";
        public static final String REFUSED = "refused";
        public static final String SKIPPED = "skipped";
        public static final String FAILED = "failed";
    }

    @Inject
    ProfileConfig config;
    @Inject
    TenantMatchParameters parameters;
    @Inject
    EntityManager entityManager;
    @Inject
    MeterRegistry meters;

    @Scheduled(every = "${profile.refit.check-every:10m}", delay = 1, delayUnit = java.util.concurrent.TimeUnit.MINUTES,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (config.refit().enabled()) {
            runIfDue(Instant.now());
        }
    }

    public RefitSchedule schedule() {
        ProfileConfig.Refit refit = config.refit();
        return new RefitSchedule(refit.hour(), refit.zone(), refit.window(), refit.minNewProfiles());
    }

    /**
     * The scheduled check at {@code now} (the tests' clock): outside the night's window nothing; inside it, the night
     * is claimed and each tenant with enough profiles received since its last fit is refitted, unless the night was
     * claimed before (by this or another replica).
     */
    public Run runIfDue(Instant now) {
        RefitSchedule schedule = schedule();
        Optional<Instant> slot = schedule.slotOf(now);
        if (slot.isEmpty()) {
            return new Run(slot, false, Map.of());
        }
        boolean claimed = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "insert into match_refit_run (slot, started_at) values (?1, ?2) on conflict (slot) do nothing")
                .setParameter(1, slot.get()).setParameter(2, Instant.now()).executeUpdate() == 1);
        if (!claimed) {
            return new Run(slot, false, Map.of());
        }
        Map<String, Long> received = QuarkusTransaction.requiringNew().call(this::receivedSinceLastFit);
        Map<String, String> outcomes = new LinkedHashMap<>();
        List<String> due = new ArrayList<>();
        received.forEach((tenant, count) -> {
            if (schedule.refits(count)) {
                due.add(tenant);
            } else {
                outcomes.put(tenant, Run.SKIPPED);
            }
        });
        for (String tenant : due) {
            try {
                outcomes.put(tenant, parameters.refit(tenant, ACTOR).accepted ? Run.ACCEPTED : Run.REFUSED);
            } catch (RuntimeException e) {
                // One tenant's failure (a database error, say) never stops the others' refits; it is tried next night.
                LOG.errorf(e, "The scheduled refit of tenant %s failed; it is tried again next night.", tenant);
                outcomes.put(tenant, Run.FAILED);
            }
        }
        long accepted = outcomes.values().stream().filter(Run.ACCEPTED::equals).count();
        long skipped = outcomes.values().stream().filter(Run.SKIPPED::equals).count();
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                "update match_refit_run set finished_at = ?2, tenants_refit = ?3, accepted = ?4, skipped = ?5 where slot = ?1")
                .setParameter(1, slot.get()).setParameter(2, Instant.now()).setParameter(3, due.size())
                .setParameter(4, (int) accepted).setParameter(5, (int) skipped).executeUpdate());
        outcomes.values().forEach(outcome -> Counter.builder("guestcrm.profile.scheduled.refits").tag("outcome", outcome)
                .description("Tenants the nightly match-parameter refit looked at, by outcome").register(meters).increment());
        LOG.infof("Scheduled match-parameter refit of the night starting %s: %d tenant(s) refitted (%d accepted), %d "
                + "with fewer than %d profiles received since their last fit skipped.", slot.get(), due.size(), accepted,
                skipped, schedule.minNewProfiles());
        return new Run(slot, true, Map.copyOf(outcomes));
    }

    /** Per tenant, the profiles received (new, or a newer state) since its last fit; never fitted: all it holds. */
    private Map<String, Long> receivedSinceLastFit() {
        Map<String, Long> out = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select s.tenant, count(*)
                from source_profile s
                left join (select tenant, max(fitted_at) as last_fit from match_parameter_set group by tenant) f
                    on f.tenant = s.tenant
                where f.last_fit is null or s.received_at > f.last_fit
                group by s.tenant
                order by s.tenant""").getResultList();
        rows.forEach(row -> out.put((String) row[0], ((Number) row[1]).longValue()));
        return out;
    }
}
