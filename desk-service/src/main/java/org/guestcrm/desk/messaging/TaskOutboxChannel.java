package org.guestcrm.desk.messaging;

import org.guestcrm.desk.config.DeskConfig;
import org.guestcrm.platform.outbox.OutboxChannel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The outbox relay's settings for the TaskChanged events on crm.tasks (the relay has its own producer). */
@ApplicationScoped
public class TaskOutboxChannel implements OutboxChannel {

    @Inject
    DeskConfig config;

    @Override
    public Settings settings() {
        DeskConfig.Outbox outbox = config.outbox();
        return new Settings("desk-outbox-relay", outbox.lockKey(), outbox.every(), outbox.batchSize(),
                outbox.sendTimeout());
    }
}
