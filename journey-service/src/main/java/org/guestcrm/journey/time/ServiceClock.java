package org.guestcrm.journey.time;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The journey service's one clock: every rule that reads the time (planning at intake, the dispatcher's due, freshness,
 * quiet-hours and lease checks, the no-show sweep, occasions, campaigns, KPI windows, tracking, survey answers,
 * bounces, settings re-plans) injects this {@link Clock}. In production it is the system clock in UTC (hotel times are
 * computed from it with each hotel's zone). A test profile may enable an {@code @Alternative} Clock bean of the test
 * sources instead (a settable clock); nothing in the main sources selects one, so a deployed service always reads the
 * system clock.
 * <p>
 * Not read from it (not business time, and kept as they are): PostgreSQL's own {@code now()} defaults, Kafka record
 * timestamps, service-platform's outbox relay, retention job, batch intake and signed-link expiry, and the elapsed-time
 * measurements ({@code System.nanoTime()}) of the dispatcher's rounds.
 */
@ApplicationScoped
public class ServiceClock {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
