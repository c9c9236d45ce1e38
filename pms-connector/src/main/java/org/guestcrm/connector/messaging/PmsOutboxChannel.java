package org.guestcrm.connector.messaging;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.platform.outbox.OutboxChannel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The platform's outbox relay sends the connector's events through channel {@code pms-events}; each record carries
 * its topic ({@code pms.reservations}, {@code pms.profiles}) and key.
 */
@ApplicationScoped
public class PmsOutboxChannel implements OutboxChannel {

    @Inject
    @Channel("pms-events")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
    Emitter<SpecificRecord> emitter;

    @Inject
    ConnectorConfig config;

    @Override
    public Emitter<SpecificRecord> emitter() {
        return emitter;
    }

    @Override
    public Settings settings() {
        ConnectorConfig.Outbox outbox = config.outbox();
        return new Settings("connector-outbox-relay", outbox.lockKey(), outbox.pollInterval(), outbox.batchSize(),
                outbox.ackTimeout());
    }
}
