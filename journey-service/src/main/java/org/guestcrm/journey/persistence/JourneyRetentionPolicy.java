package org.guestcrm.journey.persistence;

import java.util.Optional;

import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.platform.retention.RetentionPolicy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Tells service-platform's RetentionJob how long it keeps sent outbox rows and processed events (journey.retention.*). */
@ApplicationScoped
public class JourneyRetentionPolicy implements RetentionPolicy {

    @Inject
    JourneyConfig config;

    @Override
    public Settings settings() {
        JourneyConfig.Retention retention = config.retention();
        return new Settings("journey-retention", retention.lockKey(), retention.every(), retention.batchSize(),
                retention.sentOutbox(), Optional.of(retention.processedEvents()));
    }
}
