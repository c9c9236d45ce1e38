package org.guestcrm.optout.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class GuestConsentRuleTest {

    private static final Instant T1 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-02T10:00:00Z");

    private final GuestConsentRule rule = new GuestConsentRule();

    private static GuestConsentRule.PointState state(String point, ConsentChannel channel, ConsentStatus status, Instant at) {
        return new GuestConsentRule.PointState(point, channel, ConsentPurpose.MARKETING, status, ConsentSource.PMS, at);
    }

    @Test
    void oneWithdrawnContactPointWithdrawsTheGuestEvenWhenAnotherGrantedLater() {
        List<GuestConsentRule.GuestState> guest = rule.decide(List.of(
                state("a@example.com", ConsentChannel.EMAIL, ConsentStatus.WITHDRAWN, T1),
                state("b@example.com", ConsentChannel.EMAIL, ConsentStatus.GRANTED, T2)));
        assertEquals(1, guest.size());
        assertEquals(ConsentStatus.WITHDRAWN, guest.get(0).status());
        assertEquals("a@example.com", guest.get(0).decidedBy().contactPoint());
    }

    @Test
    void grantedOnlyWhereEveryContactPointThatSaidSomethingGranted() {
        List<GuestConsentRule.GuestState> guest = rule.decide(List.of(
                state("a@example.com", ConsentChannel.EMAIL, ConsentStatus.GRANTED, T1),
                state("b@example.com", ConsentChannel.EMAIL, ConsentStatus.GRANTED, T2)));
        assertEquals(ConsentStatus.GRANTED, guest.get(0).status());
        assertEquals("b@example.com", guest.get(0).decidedBy().contactPoint(), "the newest grant is named");
    }

    @Test
    void channelsAreDecidedApartAndNothingSaidInventsNothing() {
        List<GuestConsentRule.GuestState> guest = rule.decide(List.of(
                state("a@example.com", ConsentChannel.EMAIL, ConsentStatus.GRANTED, T1),
                state("+41790001122", ConsentChannel.SMS, ConsentStatus.WITHDRAWN, T1)));
        assertEquals(2, guest.size());
        assertEquals(ConsentChannel.EMAIL, guest.get(0).channel());
        assertEquals(ConsentStatus.GRANTED, guest.get(0).status());
        assertEquals(ConsentStatus.WITHDRAWN, guest.get(1).status());
        assertTrue(rule.decide(List.of()).isEmpty());
    }
}
