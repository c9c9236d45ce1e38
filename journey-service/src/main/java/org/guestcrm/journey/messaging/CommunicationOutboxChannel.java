package org.guestcrm.journey.messaging;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.platform.outbox.OutboxChannel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The platform's outbox relay sends this service's CommunicationEvents through channel {@code communications-out}. */
@ApplicationScoped
public class CommunicationOutboxChannel implements OutboxChannel {

    @Inject
    @Channel("communications-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
    Emitter<SpecificRecord> emitter;

    @Inject
    JourneyConfig config;

    @Override
    public Emitter<SpecificRecord> emitter() {
        return emitter;
    }

    @Override
    public Settings settings() {
        JourneyConfig.Outbox outbox = config.outbox();
        return new Settings("journey-outbox-relay", outbox.lockKey(), outbox.every(), outbox.batchSize(),
                outbox.sendTimeout());
    }
}
