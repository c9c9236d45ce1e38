package org.guestcrm.desk.config;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The service's clock: the system clock, which tests may stop at a given instant (only with {@code desk.clock.controllable=true},
 * the test profile) to see a task go overdue on time without waiting for working hours to pass.
 */
@ApplicationScoped
public class DeskClock {

    @Inject
    DeskConfig config;

    private final AtomicReference<Instant> stopped = new AtomicReference<>();

    /**
     * Now, in microseconds: PostgreSQL's timestamptz keeps microseconds, so a time the desk computes from now (a
     * document's due time, updated_at) compares equal to the same time read back. With the JDK's nanoseconds a due
     * time read back never equalled the one recomputed from an unchanged reservation, and the document was rewritten
     * unchanged (issue 5: DeskCostTest's no-op rewrite of the CONFIRMATION document).
     */
    public Instant now() {
        Instant fixed = stopped.get();
        return (fixed != null ? fixed : Clock.systemUTC().instant()).truncatedTo(ChronoUnit.MICROS);
    }

    /** Stops the clock at {@code instant} until moved again or reset (tests only). */
    public void setNow(Instant instant) {
        requireControllable();
        stopped.set(instant);
    }

    /** Back to the system clock (tests only). */
    public void reset() {
        requireControllable();
        stopped.set(null);
    }

    private void requireControllable() {
        if (!config.clock().controllable()) {
            throw new IllegalStateException("the desk clock is not controllable outside tests");
        }
    }
}
