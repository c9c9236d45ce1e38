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

    /** The purpose a pre-stay service message serves; a transactional step sent as SMS is checked against it. */
    public static final String PRE_STAY_SERVICE = "PRE_STAY_SERVICE";

    /**
     * The SMS consent purpose a step's text message needs not withdrawn (channel SMS): its own purpose, else, for a
     * transactional step, {@link #PRE_STAY_SERVICE} (service texts about the stay). A guest who withdrew it still
     * gets a transactional step, by e-mail.
     */
    public static String ofSms(JourneyStep step) {
        return of(step).orElse(PRE_STAY_SERVICE);
    }

    /** The purpose, or empty for a transactional step. */
    public static Optional<String> of(JourneyStep step) {
        return switch (step) {
            // The no-show follow-up is about the guest's own reservation (like a confirmation): transactional.
            // So are the modification and cancellation notices: they answer a change of the guest's own booking.
            case CONFIRMATION, PRE_CHECK_IN, NO_SHOW, MODIFICATION, CANCELLATION -> Optional.empty();
            case PRE_STAY, IN_STAY -> Optional.of("PRE_STAY_SERVICE");
            case POST_STAY_SURVEY -> Optional.of("GUEST_SURVEY");
            case CAMPAIGN, WIN_BACK, BIRTHDAY, STAY_ANNIVERSARY -> Optional.of(MARKETING);
        };
    }
}
