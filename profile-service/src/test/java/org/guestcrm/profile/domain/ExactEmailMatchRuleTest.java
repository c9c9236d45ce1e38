package org.guestcrm.profile.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class ExactEmailMatchRuleTest {

    private final ExactEmailMatchRule rule = new ExactEmailMatchRule();
    private final UUID anna = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void sameEmailJoinsTheExistingGuestAndSaysWhy() {
        MatchDecision decision = rule.decide(List.of("anna@example.com"),
                List.of(new MatchCandidate(anna, "anna@example.com", t0)));
        MatchDecision.AttachToExistingGuest attach = assertInstanceOf(MatchDecision.AttachToExistingGuest.class, decision);
        assertEquals(anna, attach.guestId());
        assertEquals("EXACT_EMAIL", attach.rule());
        assertEquals("same e-mail address", attach.explanation());
    }

    @Test
    void noCandidateMeansANewGuest() {
        MatchDecision decision = rule.decide(List.of("anna@example.com"), List.of());
        assertInstanceOf(MatchDecision.CreateNewGuest.class, decision);
        assertEquals("NO_MATCH", decision.rule());
        assertTrue(decision.existingGuestId().isEmpty());
    }

    @Test
    void aProfileWithoutEmailNeverMatches() {
        MatchDecision decision = rule.decide(List.of(), List.of(new MatchCandidate(anna, "anna@example.com", t0)));
        assertInstanceOf(MatchDecision.CreateNewGuest.class, decision);
        assertEquals("no e-mail address to match on", decision.explanation());
    }

    @Test
    void aCandidateForAnAddressTheProfileDoesNotHaveIsIgnored() {
        MatchDecision decision = rule.decide(List.of("anna@example.com"),
                List.of(new MatchCandidate(anna, "someone.else@example.com", t0)));
        assertInstanceOf(MatchDecision.CreateNewGuest.class, decision);
    }

    @Test
    void thePrimaryAddressWinsOverAnOlderGuestOnASecondaryAddress() {
        MatchDecision decision = rule.decide(List.of("anna@example.com", "anna@work.example"),
                List.of(new MatchCandidate(other, "anna@work.example", t0),
                        new MatchCandidate(anna, "anna@example.com", t0.plusSeconds(3600))));
        assertEquals(anna, decision.existingGuestId().orElseThrow());
        assertTrue(decision.explanation().startsWith("same e-mail address (1 other guest(s) also matched"));
    }

    @Test
    void onTheSameAddressTheOldestGuestWins() {
        MatchDecision decision = rule.decide(List.of("anna@example.com"),
                List.of(new MatchCandidate(other, "anna@example.com", t0.plusSeconds(10)),
                        new MatchCandidate(anna, "anna@example.com", t0)));
        assertEquals(anna, decision.existingGuestId().orElseThrow());
    }
}
