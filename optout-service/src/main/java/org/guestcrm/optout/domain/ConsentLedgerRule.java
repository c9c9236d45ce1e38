package org.guestcrm.optout.domain;

import java.time.Instant;

/**
 * Whether a statement changes the current consent state of its contact point, channel and purpose. Statements
 * arrive late and out of order (PMSs lag, feeds replay), so only a statement that became true after the current
 * state counts: a late, older PMS flag never undoes a newer opt-out. On equal time the opt-out wins, whichever was
 * read first: an opt-in as old as a withdrawal never undoes it, a withdrawal as old as a grant replaces it. A
 * statement of the same status changes nothing either (the ledger keeps changes, not repetitions).
 */
public final class ConsentLedgerRule {

    /** The outcome for one statement. */
    public enum Decision {
        /** No state yet, or a newer statement with another status: append to the ledger and change the state. */
        CHANGE,
        /** Newer, but it says what the state already says. */
        SAME_AS_CURRENT,
        /** It became true before the current state did, or at the same time but is not an opt-out: ignored. */
        OLDER_THAN_CURRENT
    }

    public Decision decide(ConsentStatus currentStatus, Instant currentEffectiveAt, ConsentStatement statement) {
        if (currentStatus == null || currentEffectiveAt == null) {
            return Decision.CHANGE;
        }
        if (statement.effectiveAt().isBefore(currentEffectiveAt)) {
            return Decision.OLDER_THAN_CURRENT;
        }
        if (statement.effectiveAt().equals(currentEffectiveAt) && statement.status() != currentStatus) {
            return statement.status() == ConsentStatus.WITHDRAWN ? Decision.CHANGE : Decision.OLDER_THAN_CURRENT;
        }
        return statement.status() == currentStatus ? Decision.SAME_AS_CURRENT : Decision.CHANGE;
    }
}
