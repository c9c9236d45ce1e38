package org.guestcrm.journey.mail;

import java.util.Map;
import java.util.Set;

import org.guestcrm.journey.time.ControllableClock;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The application on the tests' {@link ControllableClock} (every bean that reads the time injects it), with what the
 * clocked rules need: the no-show sweep running every second (at the clock's time), a 23:00 cut-off at hotel
 * {@value #NO_SHOW_HOTEL}, hotel {@value #QUIET_HOTEL} in Zurich with quiet hours 22:00-07:00, tenant
 * {@value #CAPPED_TENANT} capped at one marketing mail per guest in 30 days, and a dispatcher lease of 10 minutes (of
 * that clock: a claim the test makes as a replica that dies is not taken over before the test moves the clock past it),
 * the production send timeout of 30 s (the test profile's 4 s timed out a cold first SMTP exchange under load: the
 * retry mailed the confirmation a second time, a count this class checks), and the delivery-report retention passing
 * every second.
 * A profile of its own, so no other test class runs on a clock it does not set.
 */
public class ClockedProfile implements QuarkusTestProfile {

    static final String NO_SHOW_HOTEL = "CLKNOSHOW";
    static final String QUIET_HOTEL = "QUIETZRH";
    static final String CAPPED_TENANT = "clocked-capped";

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(ControllableClock.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "journey.no-show-sweep.every", "1s",
                "journey.hotel-no-show-cutoffs." + NO_SHOW_HOTEL, "23:00",
                "journey.hotel-zones." + QUIET_HOTEL, "Europe/Zurich",
                "journey.hotel-quiet-hours." + QUIET_HOTEL, "22:00-07:00",
                "journey.marketing-caps." + CAPPED_TENANT, "1/30d",
                "journey.dispatcher.lease", "10m",
                "journey.dispatcher.send-timeout", "30s",
                "journey.retention.delivery-reports-every", "1s");
    }
}
