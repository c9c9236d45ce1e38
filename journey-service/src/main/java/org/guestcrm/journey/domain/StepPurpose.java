package org.guestcrm.journey.domain;

import java.util.Optional;

/**
 * The consent purpose (crm.consents) a step's message serves. Transactional steps (the booking confirmation, the
 * online check-in invitation) serve the stay itself and are not subject to opt-outs; the others are sent unless the
 * guest withdrew consent for their purpose or for marketing as a whole.
 */
public final class StepPurpose {

    public static final String MARKETING = "MARKETING";

    private StepPurpose() {
    }

    /** The purpose, or empty for a transactional step. */
    public static Optional<String> of(JourneyStep step) {
        return switch (step) {
            // The no-show follow-up is about the guest's own reservation (like a confirmation): transactional.
            case CONFIRMATION, PRE_CHECK_IN, NO_SHOW -> Optional.empty();
            case PRE_STAY, IN_STAY -> Optional.of("PRE_STAY_SERVICE");
            case POST_STAY_SURVEY -> Optional.of("GUEST_SURVEY");
            case CAMPAIGN -> Optional.of(MARKETING);
        };
    }
}
