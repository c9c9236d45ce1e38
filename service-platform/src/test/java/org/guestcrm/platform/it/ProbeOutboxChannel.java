package org.guestcrm.platform.it;

import java.time.Duration;

import org.guestcrm.platform.outbox.OutboxChannel;

import jakarta.enterprise.context.ApplicationScoped;

/** The test application's relay settings: 3 counted attempts before a row is parked. */
@ApplicationScoped
public class ProbeOutboxChannel implements OutboxChannel {

    @Override
    public Settings settings() {
        return new Settings("probe-outbox-relay", 4242L, Duration.ofMillis(200), 200, Duration.ofSeconds(10), 3);
    }
}
