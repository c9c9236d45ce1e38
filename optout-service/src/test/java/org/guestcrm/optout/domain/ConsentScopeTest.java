package org.guestcrm.optout.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.guestcrm.optout.domain.ConsentScope.ScopedState;
import org.junit.jupiter.api.Test;

class ConsentScopeTest {

    private static final Instant T1 = Instant.parse("2026-04-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-04-02T10:00:00Z");

    private static ScopedState state(String scope, ConsentStatus status, Instant at) {
        return new ScopedState(scope, status, ConsentSource.PMS, at);
    }

    @Test
    void aHotelsOptOutStopsThatHotelOnly() {
        List<ScopedState> states = List.of(state("HOTEL:ZRH1", ConsentStatus.GRANTED, T1), state("HOTEL:GVA1", ConsentStatus.WITHDRAWN, T2));
        assertEquals(ConsentStatus.GRANTED, ConsentScope.effective(states, "HOTEL:ZRH1").orElseThrow().status());
        assertEquals(ConsentStatus.WITHDRAWN, ConsentScope.effective(states, "HOTEL:GVA1").orElseThrow().status());
        assertTrue(ConsentScope.effective(states, "HOTEL:BSL1").isEmpty(), "another hotel: nothing said, nothing decided");
    }

    @Test
    void aTenantScopeOptOutStopsEveryHotelEvenWhenAHotelGrantedLater() {
        List<ScopedState> states = List.of(state("TENANT", ConsentStatus.WITHDRAWN, T1), state("HOTEL:ZRH1", ConsentStatus.GRANTED, T2));
        ScopedState zurich = ConsentScope.effective(states, "HOTEL:ZRH1").orElseThrow();
        assertEquals(ConsentStatus.WITHDRAWN, zurich.status());
        assertEquals("TENANT", zurich.scope(), "decided by the tenant's opt-out");
        assertEquals(ConsentStatus.WITHDRAWN, ConsentScope.effective(states, "HOTEL:GVA1").orElseThrow().status());
        assertEquals(ConsentStatus.WITHDRAWN, ConsentScope.effective(states, ConsentScope.TENANT).orElseThrow().status());
    }

    @Test
    void aTenantGrantHoldsForEveryHotelThatDidNotWithdraw() {
        List<ScopedState> states = List.of(state("TENANT", ConsentStatus.GRANTED, T2), state("BRAND:eco", ConsentStatus.WITHDRAWN, T1));
        assertEquals(ConsentStatus.GRANTED, ConsentScope.effective(states, "BRAND:lux").orElseThrow().status());
        ScopedState eco = ConsentScope.effective(states, "BRAND:eco").orElseThrow();
        assertEquals(ConsentStatus.WITHDRAWN, eco.status(), "an older opt-out of the brand still stops it");
        assertEquals("BRAND:eco", eco.scope());
    }

    @Test
    void scopesAreNamedByKind() {
        assertEquals("HOTEL:ZRH1", ConsentScope.hotel("ZRH1"));
        assertEquals("BRAND:lux", ConsentScope.brand("lux"));
        assertTrue(ConsentScope.isTenant(null) && ConsentScope.isTenant("TENANT") && !ConsentScope.isTenant("HOTEL:ZRH1"));
        assertEquals("TENANT", new ConsentStatement(ContactPoint.email("a@b.ch").orElseThrow(), ConsentChannel.EMAIL,
                ConsentPurpose.MARKETING, ConsentStatus.GRANTED, ConsentSource.PMS, T1).scope());
    }
}
