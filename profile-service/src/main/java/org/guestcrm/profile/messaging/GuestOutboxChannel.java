package org.guestcrm.profile.messaging;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.guestcrm.platform.outbox.OutboxChannel;
import org.guestcrm.profile.config.ProfileConfig;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The platform's outbox relay sends this service's GuestUpdated events through channel {@code crm-guests-out}. */
@ApplicationScoped
public class GuestOutboxChannel implements OutboxChannel {

    @Inject
    @Channel("crm-guests-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
    Emitter<SpecificRecord> emitter;

    @Inject
    ProfileConfig config;

    @Override
    public Emitter<SpecificRecord> emitter() {
        return emitter;
    }

    @Override
    public Settings settings() {
        ProfileConfig.Outbox outbox = config.outbox();
        return new Settings("profile-outbox-relay", outbox.lockKey(), outbox.pollInterval(), outbox.batchSize(),
                outbox.sendTimeout());
    }
}
