package org.guestcrm.optout.messaging;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.platform.outbox.OutboxChannel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The platform's outbox relay sends this service's ConsentChanged events through channel {@code crm-consents-out}. */
@ApplicationScoped
public class ConsentOutboxChannel implements OutboxChannel {

    @Inject
    @Channel("crm-consents-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
    Emitter<SpecificRecord> emitter;

    @Inject
    OptoutConfig config;

    @Override
    public Emitter<SpecificRecord> emitter() {
        return emitter;
    }

    @Override
    public Settings settings() {
        OptoutConfig.Outbox outbox = config.outbox();
        return new Settings("optout-outbox-relay", outbox.lockKey(), outbox.pollInterval(), outbox.batchSize(),
                outbox.sendTimeout());
    }
}
