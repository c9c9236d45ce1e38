package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ConsentScopeTest {

    private static ConsentScope.State state(String scope, String status) {
        return new ConsentScope.State("MARKETING", scope, status);
    }

    @Test
    void aHotelsOptOutHoldsForThatHotelOnly() {
        List<ConsentScope.State> states = List.of(state("TENANT", "GRANTED"), state("HOTEL=ZRH1", "WITHDRAWN"));
        assertEquals(CampaignAudience.Consent.WITHDRAWN, ConsentScope.effective(states, "MARKETING", "ZRH1", null));
        assertEquals(CampaignAudience.Consent.GRANTED, ConsentScope.effective(states, "MARKETING", "ZRH2", null));
        assertEquals(CampaignAudience.Consent.GRANTED, ConsentScope.effective(states, "MARKETING", null, null),
                "without a hotel only the tenant's state counts");
    }

    @Test
    void aTenantOptOutWinsOverAnyHotelsGrant() {
        List<ConsentScope.State> states = List.of(state("TENANT", "WITHDRAWN"), state("HOTEL=ZRH1", "GRANTED"));
        assertEquals(CampaignAudience.Consent.WITHDRAWN, ConsentScope.effective(states, "MARKETING", "ZRH1", null));
        assertEquals(CampaignAudience.Consent.WITHDRAWN, ConsentScope.effective(states, "MARKETING", "ZRH2", null));
    }

    @Test
    void aBrandsStateHoldsForItsHotelsAndAHotelGrantAloneIsAGrantThere() {
        List<ConsentScope.State> states = List.of(state("BRAND=lux", "WITHDRAWN"), state("HOTEL=BSL1", "GRANTED"));
        assertEquals(CampaignAudience.Consent.WITHDRAWN, ConsentScope.effective(states, "MARKETING", "ZRH1", "lux"));
        assertEquals(CampaignAudience.Consent.GRANTED, ConsentScope.effective(states, "MARKETING", "BSL1", "eco"));
        assertEquals(CampaignAudience.Consent.NONE, ConsentScope.effective(states, "MARKETING", "GVA1", null),
                "no state of its tenant, hotel or brand: no consent");
        assertEquals(CampaignAudience.Consent.NONE, ConsentScope.effective(states, "GUEST_SURVEY", "ZRH1", "lux"),
                "another purpose's states do not count");
    }

    @Test
    void scopesAreReadFromTheFieldElseFromTheKey() {
        assertEquals(Optional.of("TENANT"), ConsentScope.parse(null));
        assertEquals(Optional.of("TENANT"), ConsentScope.parse("TENANT"));
        assertEquals(Optional.of("HOTEL=ZRH1"), ConsentScope.parse("HOTEL=ZRH1"));
        assertEquals(Optional.of("BRAND=lux"), ConsentScope.parse(" BRAND=lux "));
        assertTrue(ConsentScope.parse("HOTEL=").isEmpty());
        assertTrue(ConsentScope.parse("CITY=Zurich").isEmpty());
        assertTrue(ConsentScope.parse("HOTEL=A:B").isEmpty());

        assertEquals("HOTEL=ZRH1", ConsentScope.fromKey("t1:EMAIL:MARKETING:HOTEL=ZRH1:anna@example.com", "t1",
                "EMAIL", "MARKETING"));
        assertEquals("BRAND=lux", ConsentScope.fromKey("t1:SMS:MARKETING:BRAND=lux:+41791234567", "t1", "SMS",
                "MARKETING"));
        assertEquals("TENANT", ConsentScope.fromKey("t1:EMAIL:MARKETING:anna@example.com", "t1", "EMAIL", "MARKETING"));
        assertEquals("TENANT", ConsentScope.fromKey("t1:EMAIL:MARKETING:TENANT:anna@example.com", "t1", "EMAIL",
                "MARKETING"));
        assertEquals("TENANT", ConsentScope.fromKey("t1:EMAIL:MARKETING:hotel=x:y@example.com", "t1", "EMAIL",
                "MARKETING"), "a lower-case contact point is never a scope");
        assertEquals("TENANT", ConsentScope.fromKey(null, "t1", "EMAIL", "MARKETING"));
        assertEquals("TENANT", ConsentScope.fromKey("other:EMAIL:MARKETING:HOTEL=ZRH1:a@example.com", "t1", "EMAIL",
                "MARKETING"), "a key of another shape is read as the tenant's");
    }
}
