package org.guestcrm.optout.messaging;

import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.platform.outbox.OutboxChannel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The settings of the platform's outbox relay for this service's ConsentChanged events. The relay sends the stored
 * bytes with its own Kafka producer, so there is no outgoing SmallRye channel.
 */
@ApplicationScoped
public class ConsentOutboxChannel implements OutboxChannel {

    @Inject
    OptoutConfig config;

    @Override
    public Settings settings() {
        OptoutConfig.Outbox outbox = config.outbox();
        return new Settings("optout-outbox-relay", outbox.lockKey(), outbox.pollInterval(), outbox.batchSize(),
                outbox.sendTimeout());
    }
}
