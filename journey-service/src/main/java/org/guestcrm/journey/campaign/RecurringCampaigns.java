package org.guestcrm.journey.campaign;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.guestcrm.platform.intake.Failures;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Runs the recurring campaigns whose next run has come (issue 9), every {@code journey.campaigns.recurrence-every}
 * (1 minute; {@code off}: never): one transaction per campaign ({@link CampaignPlanner#runDue}, which locks the campaign
 * and decides again under the lock, so replicas running this at once plan each run once).
 */
@ApplicationScoped
public class RecurringCampaigns {

    private static final Logger LOG = Logger.getLogger(RecurringCampaigns.class);
    private static final int PER_TICK = 100;

    @Inject
    CampaignPlanner planner;

    @Scheduled(every = "${journey.campaigns.recurrence-every:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void runDue() {
        try {
            runDueNow();
        } catch (RuntimeException e) {
            // The next tick tries again; a run planned stays planned (one transaction per campaign).
            LOG.warnf("Recurring campaigns could not be run (%s); the next tick tries again.", Failures.describe(e));
        }
    }

    /** Runs every recurring campaign that is due now; returns how many runs were planned. */
    int runDueNow() {
        List<UUID> due = QuarkusTransaction.requiringNew().call(() -> planner.dueRecurring(PER_TICK));
        int runs = 0;
        for (UUID campaign : due) {
            Optional<Integer> run = QuarkusTransaction.requiringNew().call(() -> planner.runDue(campaign));
            if (run.isPresent()) {
                runs++;
            }
        }
        return runs;
    }
}
