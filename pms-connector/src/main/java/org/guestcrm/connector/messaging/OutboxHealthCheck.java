package org.guestcrm.connector.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.guestcrm.connector.config.ConnectorConfig;

import io.smallrye.health.api.Wellness;

/**
 * Reports the outbox backlog: DOWN when the oldest unsent event is older than
 * {@code connector.outbox.max-backlog-age}. A wellness check (in /q/health and /q/health/well), not
 * a readiness one: the connector keeps accepting PMS messages safely while Kafka is away.
 */
@Wellness
@ApplicationScoped
public class OutboxHealthCheck implements HealthCheck {

    @Inject
    OutboxBacklog backlog;

    @Inject
    ConnectorConfig config;

    @Override
    public HealthCheckResponse call() {
        long ageSeconds = backlog.oldestAge().toSeconds();
        boolean healthy = backlog.oldestAge().compareTo(config.outbox().maxBacklogAge()) <= 0;
        return HealthCheckResponse.named("outbox")
                .status(healthy)
                .withData("unsentEvents", backlog.unsentEvents())
                .withData("oldestUnsentAgeSeconds", ageSeconds)
                .withData("maxBacklogAgeSeconds", config.outbox().maxBacklogAge().toSeconds())
                .withData("measuredAt", String.valueOf(backlog.measuredAt()))
                .build();
    }
}
