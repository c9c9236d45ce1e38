package org.guestcrm.optout.persistence;

import java.util.Optional;

import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.platform.retention.RetentionPolicy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Tells service-platform's RetentionJob how long it keeps sent outbox rows and processed events (optout.retention.*). */
@ApplicationScoped
public class OptoutRetentionPolicy implements RetentionPolicy {

    @Inject
    OptoutConfig config;

    @Override
    public Settings settings() {
        OptoutConfig.Retention retention = config.retention();
        return new Settings("optout-retention", retention.lockKey(), retention.every(), retention.batchSize(),
                retention.sentOutbox(), Optional.of(retention.processedEvents()));
    }
}
