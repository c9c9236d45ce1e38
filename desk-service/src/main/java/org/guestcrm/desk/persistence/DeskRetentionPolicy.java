package org.guestcrm.desk.persistence;

import java.util.Optional;

import org.guestcrm.desk.config.DeskConfig;
import org.guestcrm.platform.retention.RetentionPolicy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** How long service-platform's RetentionJob keeps sent outbox rows and processed events (desk.retention.*). */
@ApplicationScoped
public class DeskRetentionPolicy implements RetentionPolicy {

    @Inject
    DeskConfig config;

    @Override
    public Settings settings() {
        DeskConfig.Retention retention = config.retention();
        return new Settings("desk-retention", retention.lockKey(), retention.every(), retention.batchSize(),
                retention.sentOutbox(), Optional.of(retention.processedEvents()));
    }
}
