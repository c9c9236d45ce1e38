package org.guestcrm.journey.domain;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may receive a marketing (campaign) e-mail, decided from what the service holds: the guest's marketing address and
 * the marketing consent crm.consents last said for it. Marketing needs a GRANTED consent (opt-in); a WITHDRAWN one is an
 * opt-out; no record is no consent. Checked when a campaign is previewed or launched, and again when each mail is sent.
 */
public final class CampaignAudience {

    public static final String NO_ADDRESS = "no e-mail address";
    public static final String RELAY_ADDRESS = "relay address (an OTA's forwarding address, not the guest's own)";
    public static final String OPTED_OUT = "opted out (marketing consent withdrawn)";
    public static final String NO_CONSENT = "no marketing consent";
    public static final String GUEST_GONE = "guest erased or merged away";

    /**
     * Domains whose addresses forward to the guest through a booking channel (Booking.com, Expedia, Airbnb, ...): meant
     * for the stay, never for marketing.
     */
    static final List<String> RELAY_DOMAINS = List.of("guest.booking.com", "m.expediapartnercentral.com",
            "guest.airbnb.com", "reply.airbnb.com", "guest.trip.com", "agoda-messaging.com", "relay.hrs.com");

    /** The marketing consent held for an address: GRANTED, WITHDRAWN, or none. */
    public enum Consent {
        GRANTED, WITHDRAWN, NONE
    }

    private CampaignAudience() {
    }

    /** Why the guest with {@code email} (may be null) would not receive a campaign mail; empty when they would. */
    public static Optional<String> exclusion(String email, Consent consent) {
        if (email == null || email.isBlank()) {
            return Optional.of(NO_ADDRESS);
        }
        if (isRelayAddress(email)) {
            return Optional.of(RELAY_ADDRESS);
        }
        return switch (consent) {
            case WITHDRAWN -> Optional.of(OPTED_OUT);
            case NONE -> Optional.of(NO_CONSENT);
            case GRANTED -> Optional.empty();
        };
    }

    public static boolean isRelayAddress(String email) {
        int at = email.lastIndexOf('@');
        if (at < 0) {
            return false;
        }
        String domain = email.substring(at + 1).strip().toLowerCase(Locale.ROOT);
        return RELAY_DOMAINS.stream().anyMatch(relay -> domain.equals(relay) || domain.endsWith("." + relay));
    }

    /** The consent from a consent_state status (null when there is no record). */
    public static Consent consentOf(String status) {
        if ("GRANTED".equals(status)) {
            return Consent.GRANTED;
        }
        return "WITHDRAWN".equals(status) ? Consent.WITHDRAWN : Consent.NONE;
    }
}
