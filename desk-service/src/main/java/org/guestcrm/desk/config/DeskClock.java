package org.guestcrm.desk.config;

import java.time.Clock;
import java.time.Instant;
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

    public Instant now() {
        Instant fixed = stopped.get();
        return fixed != null ? fixed : Clock.systemUTC().instant();
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
