package org.guestcrm.journey.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The tests' clock for the whole journey service: an {@code @Alternative} to {@link ServiceClock}'s system clock,
 * enabled only by a test profile that names it ({@code ClockedProfile}); the main sources never select it. Until a test
 * sets it, it reads the system clock. Once set, it runs on from the instant set at the real pace (so the rows it stamps
 * keep their order), until it is set again: a test jumps it to the moment it wants to look at (days ahead, into quiet
 * hours, past a lease) instead of moving rows' due times in the database.
 * <p>
 * {@code -Dclocked.rules.system-clock=true} makes the service ignore what the tests set (it reads the system clock),
 * the check that the clocked tests fail when the service's clock is not the one they move.
 */
@Alternative
@Singleton
public class ControllableClock extends Clock {

    /** The service reads the system clock whatever the tests set (see the class comment). */
    static final boolean IGNORE_SETTINGS = Boolean.getBoolean("clocked.rules.system-clock");

    private record Anchor(Instant at, long nanos) {
    }

    private volatile Anchor anchor;

    /** From now on the clock reads {@code instant}, running on from it. */
    public void set(Instant instant) {
        anchor = new Anchor(instant, System.nanoTime());
    }

    /** Back to the system clock. */
    public void reset() {
        anchor = null;
    }

    @Override
    public Instant instant() {
        Anchor current = anchor;
        if (current == null || IGNORE_SETTINGS) {
            return Clock.systemUTC().instant();
        }
        return current.at().plusNanos(System.nanoTime() - current.nanos());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        ControllableClock source = this;
        return new Clock() {
            @Override
            public Instant instant() {
                return source.instant();
            }

            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return source.withZone(other);
            }
        };
    }
}
