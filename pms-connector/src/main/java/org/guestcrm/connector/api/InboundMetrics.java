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

    /**
     * Counter {@code connector.fields.dropped} by feed and canonical field: a malformed optional value the connector
     * dropped (answered as a warning), so a feed whose PMS sends bad e-mails shows it.
     */
    public void fieldsDropped(String feedId, java.util.List<org.guestcrm.connector.domain.FieldWarning> warnings) {
        for (org.guestcrm.connector.domain.FieldWarning warning : warnings) {
            registry.counter("connector.fields.dropped", "feed", feedId, "field", warning.field()).increment();
        }
    }

    /**
     * Counter {@code connector.ota.retransmissions} by feed and outcome: a message the PMS marked
     * RetransmissionIndicator=true that emitted nothing ({@code known}: the original had arrived) or emitted events
     * ({@code new}: the original had been lost, so the retransmission is what the CRM mirrors).
     */
    public void retransmission(String feedId, boolean nothingEmitted) {
        registry.counter("connector.ota.retransmissions", "feed", feedId, "outcome", nothingEmitted ? "known" : "new")
                .increment();
    }

    /** Counter {@code connector.feed.auth.failures} by feed and reason: missing, invalid, expired, replayed. */
    public void authenticationFailed(String feedId, String reason) {
        registry.counter("connector.feed.auth.failures", "feed", feedId, "reason", reason).increment();
    }
}
