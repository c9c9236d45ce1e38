package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.guestcrm.journey.domain.CampaignAudience.Consent;
import org.junit.jupiter.api.Test;

class CampaignAudienceTest {

    @Test
    void marketingNeedsAnOwnAddressAndAGrantedConsent() {
        assertEquals(Optional.empty(), CampaignAudience.exclusion("anna@example.com", Consent.GRANTED));
        assertEquals(Optional.of(CampaignAudience.NO_CONSENT), CampaignAudience.exclusion("anna@example.com", Consent.NONE));
        assertEquals(Optional.of(CampaignAudience.OPTED_OUT),
                CampaignAudience.exclusion("anna@example.com", Consent.WITHDRAWN));
        assertEquals(Optional.of(CampaignAudience.NO_ADDRESS), CampaignAudience.exclusion(null, Consent.GRANTED));
        assertEquals(Optional.of(CampaignAudience.NO_ADDRESS), CampaignAudience.exclusion(" ", Consent.GRANTED));
        // A relay address is never marketed to, even with a consent recorded for it.
        assertEquals(Optional.of(CampaignAudience.RELAY_ADDRESS),
                CampaignAudience.exclusion("x123@guest.booking.com", Consent.GRANTED));
    }

    @Test
    void relayAddressesAreTheBookingChannelsForwardingDomainsAndTheirSubdomains() {
        assertTrue(CampaignAudience.isRelayAddress("abc@guest.booking.com"));
        assertTrue(CampaignAudience.isRelayAddress("ABC@M.ExpediaPartnerCentral.com"));
        assertTrue(CampaignAudience.isRelayAddress("abc@eu.guest.airbnb.com"));
        assertFalse(CampaignAudience.isRelayAddress("abc@booking.com"));
        assertFalse(CampaignAudience.isRelayAddress("abc@notguest.booking.com.example"));
        assertFalse(CampaignAudience.isRelayAddress("no-at-sign"));
    }

    @Test
    void theConsentStatusIsReadStrictly() {
        assertEquals(Consent.GRANTED, CampaignAudience.consentOf("GRANTED"));
        assertEquals(Consent.WITHDRAWN, CampaignAudience.consentOf("WITHDRAWN"));
        assertEquals(Consent.NONE, CampaignAudience.consentOf("UNKNOWN"));
        assertEquals(Consent.NONE, CampaignAudience.consentOf(null));
    }
}
