package org.guestcrm.connector.messaging;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.platform.outbox.OutboxChannel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The relay settings of the connector's outbox. service-platform's relay sends the stored records with its own Kafka
 * producer; each row carries its topic ({@code pms.reservations}, {@code pms.profiles}) and key, so the connector has
 * no outgoing SmallRye channel.
 */
@ApplicationScoped
public class PmsOutboxChannel implements OutboxChannel {

    @Inject
    ConnectorConfig config;

    @Override
    public Settings settings() {
        ConnectorConfig.Outbox outbox = config.outbox();
        return new Settings("connector-outbox-relay", outbox.lockKey(), outbox.pollInterval(), outbox.batchSize(),
                outbox.ackTimeout());
    }
}
