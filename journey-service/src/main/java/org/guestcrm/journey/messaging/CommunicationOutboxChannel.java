package org.guestcrm.journey.messaging;

import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.platform.outbox.OutboxChannel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The settings of service-platform's outbox relay for this service's CommunicationEvents (crm.communications). The
 * relay sends the stored bytes with its own producer: no outgoing SmallRye channel.
 */
@ApplicationScoped
public class CommunicationOutboxChannel implements OutboxChannel {

    @Inject
    JourneyConfig config;

    @Override
    public Settings settings() {
        JourneyConfig.Outbox outbox = config.outbox();
        return new Settings("journey-outbox-relay", outbox.lockKey(), outbox.every(), outbox.batchSize(),
                outbox.sendTimeout());
    }
}
