package org.guestcrm.platform.it;

import java.time.Duration;
import java.util.Optional;

import org.guestcrm.platform.retention.RetentionPolicy;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The probe application's retention: sent outbox rows and processed events are kept ten years, so the job's first
 * scheduled pass (at most five minutes after start) never deletes another test's rows; the audit trail keeps the
 * platform's default ({@code guestcrm.audit.retention}, 400 days), which {@link AuditRetentionTest} checks.
 */
@ApplicationScoped
public class ProbeRetentionPolicy implements RetentionPolicy {

    private static final Duration TEN_YEARS = Duration.ofDays(3650);

    @Override
    public Settings settings() {
        return new Settings("probe-retention", 7_777_001L, Duration.ofDays(1), 2, TEN_YEARS, Optional.of(TEN_YEARS));
    }
}
