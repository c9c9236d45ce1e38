package org.guestcrm.platform.outbox;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The readiness check {@code outbox} ({@link OutboxMonitor#readiness()}); its own public bean, since the
 * {@code @Readiness} qualifier would hide the monitor from injection.
 */
@ApplicationScoped
@Readiness
public class OutboxReadiness implements HealthCheck {

    @Inject
    OutboxMonitor monitor;

    @Override
    public HealthCheckResponse call() {
        return monitor.readiness();
    }
}
