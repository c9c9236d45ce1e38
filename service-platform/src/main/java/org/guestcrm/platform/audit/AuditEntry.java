package org.guestcrm.platform.audit;

import java.time.Instant;

/**
 * One staff action: who (actor, roles), for which tenant, what (method and path template, e.g.
 * {@code GET /api/v1/guests/{guestId}}), on which target (the path parameters), from where, and how it ended
 * (the HTTP status).
 */
public record AuditEntry(long id, Instant occurredAt, String actor, String tenant, String roles, String action,
        String targetId, String sourceAddress, int outcome) {
}
