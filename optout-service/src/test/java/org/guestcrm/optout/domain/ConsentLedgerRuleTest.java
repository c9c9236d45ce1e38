package org.guestcrm.optout.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ConsentLedgerRuleTest {

    private final ConsentLedgerRule rule = new ConsentLedgerRule();
    private final Instant t = Instant.parse("2026-04-01T12:00:00Z");
    private final ContactPoint email = ContactPoint.email("anna@example.com").orElseThrow();

    private ConsentStatement said(ConsentStatus status, Instant at) {
        return new ConsentStatement(email, ConsentChannel.EMAIL, ConsentPurpose.MARKETING, status, ConsentSource.PMS, at);
    }

    @Test
    void theFirstStatementBecomesTheState() {
        assertEquals(ConsentLedgerRule.Decision.CHANGE, rule.decide(null, null, said(ConsentStatus.GRANTED, t)));
    }

    @Test
    void aNewerStatementWithAnotherStatusChangesTheState() {
        assertEquals(ConsentLedgerRule.Decision.CHANGE,
                rule.decide(ConsentStatus.GRANTED, t, said(ConsentStatus.WITHDRAWN, t.plusSeconds(1))));
    }

    @Test
    void aLateOlderOptInNeverUndoesANewerOptOut() {
        assertEquals(ConsentLedgerRule.Decision.OLDER_THAN_CURRENT,
                rule.decide(ConsentStatus.WITHDRAWN, t, said(ConsentStatus.GRANTED, t.minusSeconds(3600))));
    }

    @Test
    void onEqualTimeTheOptOutWinsWhicheverCameFirst() {
        assertEquals(ConsentLedgerRule.Decision.OLDER_THAN_CURRENT,
                rule.decide(ConsentStatus.WITHDRAWN, t, said(ConsentStatus.GRANTED, t)), "an opt-in as old as the opt-out");
        assertEquals(ConsentLedgerRule.Decision.CHANGE,
                rule.decide(ConsentStatus.GRANTED, t, said(ConsentStatus.WITHDRAWN, t)), "an opt-out as old as the opt-in");
        assertEquals(ConsentLedgerRule.Decision.SAME_AS_CURRENT,
                rule.decide(ConsentStatus.WITHDRAWN, t, said(ConsentStatus.WITHDRAWN, t)));
    }

    @Test
    void repeatingTheCurrentStatusChangesNothing() {
        assertEquals(ConsentLedgerRule.Decision.SAME_AS_CURRENT,
                rule.decide(ConsentStatus.WITHDRAWN, t, said(ConsentStatus.WITHDRAWN, t.plusSeconds(60))));
    }
}
