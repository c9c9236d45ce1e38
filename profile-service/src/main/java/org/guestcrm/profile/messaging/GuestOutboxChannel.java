package org.guestcrm.profile.messaging;

import org.guestcrm.platform.outbox.OutboxChannel;
import org.guestcrm.profile.config.ProfileConfig;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The settings of service-platform's outbox relay, which sends this service's events with its own producer. */
@ApplicationScoped
public class GuestOutboxChannel implements OutboxChannel {

    @Inject
    ProfileConfig config;

    @Override
    public Settings settings() {
        ProfileConfig.Outbox outbox = config.outbox();
        return new Settings("profile-outbox-relay", outbox.lockKey(), outbox.pollInterval(), outbox.batchSize(),
                outbox.sendTimeout());
    }
}
