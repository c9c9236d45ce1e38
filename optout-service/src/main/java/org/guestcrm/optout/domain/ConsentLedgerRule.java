package org.guestcrm.optout.domain;

import java.time.Instant;

/**
 * Whether a statement changes the current consent state of its contact point, channel and purpose. Statements
 * arrive late and out of order (PMSs lag, feeds replay), so only a statement that became true strictly after
 * the current state counts: a late, older PMS flag never undoes a newer opt-out. A newer statement of the same
 * status changes nothing either (the ledger keeps changes, not repetitions).
 */
public final class ConsentLedgerRule {

    /** The outcome for one statement. */
    public enum Decision {
        /** No state yet, or a newer statement with another status: append to the ledger and change the state. */
        CHANGE,
        /** Newer, but it says what the state already says. */
        SAME_AS_CURRENT,
        /** It became true before (or when) the current state did: ignored. */
        OLDER_THAN_CURRENT
    }

    public Decision decide(ConsentStatus currentStatus, Instant currentEffectiveAt, ConsentStatement statement) {
        if (currentStatus == null || currentEffectiveAt == null) {
            return Decision.CHANGE;
        }
        if (!statement.effectiveAt().isAfter(currentEffectiveAt)) {
            return Decision.OLDER_THAN_CURRENT;
        }
        return statement.status() == currentStatus ? Decision.SAME_AS_CURRENT : Decision.CHANGE;
    }
}
