package org.guestcrm.journey.noshow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Not in the suite (a probe: prints figures, asserts only counts). Cost of the no-show sweep against the real
 * PostgreSQL: {@code probe.reservations} (5,000) confirmed reservations of hotel LATECUT (cut-off 23:00) arriving
 * tomorrow, each with a SCHEDULED in-stay and survey, written by SQL; then one sweep past the cut-off (each decided:
 * 2 steps cancelled, the follow-up planned, 3 outbox events) and a second one (nothing left to decide). Run:
 * {@code -Dtest=NoShowSweepProbe -Dsurefire.failIfNoSpecifiedTests=false -Dprobe.reservations=5000}.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class NoShowSweepProbe {

    @Inject
    NoShowCutoffs cutoffs;
    @Inject
    EntityManager entityManager;

    @Test
    void sweep() {
        int count = Integer.getInteger("probe.reservations", 5000);
        String tenant = "probe-" + UUID.randomUUID().toString().substring(0, 8);
        LocalDate arrival = LocalDate.now(ZoneOffset.UTC).plusDays(1);
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager.createNativeQuery("""
                    INSERT INTO reservation (id, tenant, hotel_code, pms_system, pms_reservation_id, status, arrival,
                        departure, event_occurred_at, last_event_id, created_at, updated_at)
                    SELECT nextval('reservation_id_seq'), :tenant, 'LATECUT', 'probe', 'R' || g, 'CONFIRMED', :arrival,
                        cast(:arrival AS date) + 3, now(), gen_random_uuid(), now(), now()
                    FROM generate_series(1, :n) g""")
                    .setParameter("tenant", tenant).setParameter("arrival", arrival).setParameter("n", count)
                    .executeUpdate();
            entityManager.createNativeQuery("""
                    INSERT INTO communication (id, tenant, hotel_code, pms_reservation_id, step, channel, status, due_at,
                        attempts, correlation_id, created_at, updated_at)
                    SELECT gen_random_uuid(), :tenant, 'LATECUT', 'R' || g, s.step, 'EMAIL', 'SCHEDULED', s.due, 0,
                        'probe', now(), now()
                    FROM generate_series(1, :n) g,
                         (VALUES ('IN_STAY', cast(:inStay AS timestamptz)),
                                 ('POST_STAY_SURVEY', cast(:survey AS timestamptz))) AS s (step, due)""")
                    .setParameter("tenant", tenant).setParameter("n", count)
                    .setParameter("inStay", arrival.plusDays(1).atTime(10, 0).atOffset(ZoneOffset.UTC))
                    .setParameter("survey", arrival.plusDays(4).atTime(10, 0).atOffset(ZoneOffset.UTC))
                    .executeUpdate();
        });
        var at = arrival.atTime(LocalTime.of(23, 30)).toInstant(ZoneOffset.UTC);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        NoShowCutoffs.Sweep first = cutoffs.sweepAt(at);
        double firstMs = (System.nanoTime() - wall) / 1e6;
        double firstCpuMs = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
        cpu = threads.getCurrentThreadCpuTime();
        wall = System.nanoTime();
        NoShowCutoffs.Sweep second = cutoffs.sweepAt(at.plusSeconds(60));
        double secondMs = (System.nanoTime() - wall) / 1e6;
        double secondCpuMs = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
        System.out.printf("NoShowSweepProbe: %d reservations decided, %d communication changes in %.0f ms wall "
                        + "(%.3f ms/reservation, %.0f reservations/s), sweeping thread CPU %.3f ms/reservation; "
                        + "second sweep (nothing to decide): %d decided in %.0f ms wall, %.0f ms CPU%n",
                first.decided(), first.changes(), firstMs, firstMs / count, count / (firstMs / 1000),
                firstCpuMs / count, second.decided(), secondMs, secondCpuMs);
        assertEquals(count, first.decided());
        assertEquals(3 * count, first.changes());
        assertEquals(0, second.decided());
    }
}
