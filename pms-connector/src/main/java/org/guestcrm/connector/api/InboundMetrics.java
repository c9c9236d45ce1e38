package org.guestcrm.connector.api;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counter {@code connector.inbound.messages} by feed and outcome (accepted, duplicate, rejected) and,
 * for rejections, the reason (e.g. MISSING, INVALID_DATE, UNAUTHORIZED). Unknown feed ids are counted
 * as feed "unknown" so a scan of random ids cannot blow up the tag space.
 */
@ApplicationScoped
public class InboundMetrics {

    private final MeterRegistry registry;

    InboundMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void accepted(String feedId, boolean duplicate) {
        registry.counter("connector.inbound.messages", "feed", feedId, "outcome", duplicate ? "duplicate" : "accepted",
                "reason", "none").increment();
    }

    public void rejected(String feedId, String reason) {
        registry.counter("connector.inbound.messages", "feed", feedId, "outcome", "rejected", "reason", reason).increment();
    }
}
