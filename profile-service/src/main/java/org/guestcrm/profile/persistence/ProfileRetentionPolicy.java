package org.guestcrm.profile.persistence;

import java.util.Optional;

import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.platform.retention.RetentionPolicy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Tells service-platform's RetentionJob how long it keeps sent outbox rows and processed events (profile.retention.*). */
@ApplicationScoped
public class ProfileRetentionPolicy implements RetentionPolicy {

    @Inject
    ProfileConfig config;

    @Override
    public Settings settings() {
        ProfileConfig.Retention retention = config.retention();
        return new Settings("profile-retention", retention.lockKey(), retention.every(), retention.batchSize(),
                retention.sentOutbox(), Optional.of(retention.processedEvents()));
    }
}
