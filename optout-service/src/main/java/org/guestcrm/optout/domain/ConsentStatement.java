package org.guestcrm.optout.domain;

import java.time.Instant;

/**
 * What one source said about one contact point, channel and purpose, and when it became true, within {@code scope}
 * ({@link ConsentScope}: the tenant, or one brand or hotel where the tenant wants narrower scopes).
 */
public record ConsentStatement(ContactPoint contactPoint, ConsentChannel channel, ConsentPurpose purpose,
                               ConsentStatus status, ConsentSource source, Instant effectiveAt, String scope) {

    public ConsentStatement {
        scope = scope == null || scope.isBlank() ? ConsentScope.TENANT : scope;
    }

    /** A statement for the whole tenant. */
    public ConsentStatement(ContactPoint contactPoint, ConsentChannel channel, ConsentPurpose purpose, ConsentStatus status,
            ConsentSource source, Instant effectiveAt) {
        this(contactPoint, channel, purpose, status, source, effectiveAt, ConsentScope.TENANT);
    }

    public ConsentStatement withScope(String newScope) {
        return new ConsentStatement(contactPoint, channel, purpose, status, source, effectiveAt, newScope);
    }
}
