package org.guestcrm.connector.persistence;

import java.util.Optional;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.platform.retention.RetentionPolicy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Tells service-platform's RetentionJob how long it keeps sent outbox rows and processed-event rows (crm.contact-updates) (connector.retention.*). */
@ApplicationScoped
public class ConnectorRetentionPolicy implements RetentionPolicy {

    @Inject
    ConnectorConfig config;

    @Override
    public Settings settings() {
        ConnectorConfig.Retention retention = config.retention();
        return new Settings("connector-retention", retention.lockKey(), retention.every(), retention.batchSize(),
                retention.sentOutbox(), Optional.of(retention.processedEvents()));
    }
}
