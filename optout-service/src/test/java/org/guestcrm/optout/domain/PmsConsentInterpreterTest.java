package org.guestcrm.optout.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class PmsConsentInterpreterTest {

    private final PmsConsentInterpreter interpreter = new PmsConsentInterpreter();
    private final Instant at = Instant.parse("2026-04-01T12:00:00Z");
    private final ContactPoint email = ContactPoint.email("anna@example.com").orElseThrow();
    private final ContactPoint phone = ContactPoint.phone("+41791234567").orElseThrow();

    @Test
    void noFlagsSayNothing() {
        assertTrue(interpreter.statements(null, List.of(email, phone), at).isEmpty());
        assertTrue(interpreter.statements(new PmsMarketingPermissions(null, null, null), List.of(email, phone), at).isEmpty());
    }

    @Test
    void emailOptOutWithdrawsEmailMarketingOnly() {
        List<ConsentStatement> statements = interpreter.statements(new PmsMarketingPermissions(false, null, null), List.of(email, phone), at);
        assertEquals(1, statements.size());
        ConsentStatement statement = statements.get(0);
        assertEquals(email, statement.contactPoint());
        assertEquals(ConsentChannel.EMAIL, statement.channel());
        assertEquals(ConsentPurpose.MARKETING, statement.purpose());
        assertEquals(ConsentStatus.WITHDRAWN, statement.status());
        assertEquals(ConsentSource.PMS, statement.source());
        assertEquals(at, statement.effectiveAt());
    }

    @Test
    void optInsGrantPerChannel() {
        List<ConsentStatement> statements = interpreter.statements(new PmsMarketingPermissions(true, true, null), List.of(email, phone), at);
        assertEquals(2, statements.size());
        assertTrue(statements.stream().allMatch(s -> s.status() == ConsentStatus.GRANTED));
        assertEquals(ConsentChannel.SMS, statements.stream().filter(s -> s.contactPoint().equals(phone)).findFirst().orElseThrow().channel());
    }

    @Test
    void doNotContactWithdrawsEverythingWhateverTheOptInsSay() {
        List<ConsentStatement> statements = interpreter.statements(new PmsMarketingPermissions(true, null, true), List.of(email, phone), at);
        // E-mail for the address; SMS and phone calls for the number.
        assertEquals(3, statements.size());
        assertTrue(statements.stream().allMatch(s -> s.status() == ConsentStatus.WITHDRAWN));
        assertEquals(List.of(ConsentChannel.EMAIL, ConsentChannel.SMS, ConsentChannel.PHONE),
                statements.stream().map(ConsentStatement::channel).toList());
    }

    @Test
    void thePhoneCallFlagSpeaksForPhoneCallsOnly() {
        List<ConsentStatement> statements = interpreter.statements(new PmsMarketingPermissions(null, null, false, null),
                List.of(email, phone), at);
        assertEquals(1, statements.size());
        assertEquals(ConsentChannel.PHONE, statements.get(0).channel());
        assertEquals(phone, statements.get(0).contactPoint());
        assertEquals(ConsentStatus.WITHDRAWN, statements.get(0).status());
    }

    @Test
    void thePostFlagSpeaksForLettersToEachPostalAddressOnly() {
        ContactPoint home = ContactPoint.postal("Bahnhofstraße 1", "8001", "CH").orElseThrow();
        List<ConsentStatement> statements = interpreter.statements(new PmsMarketingPermissions(null, null, null, true, null),
                List.of(email, phone, home), at);
        assertEquals(1, statements.size());
        assertEquals(ConsentChannel.POST, statements.get(0).channel());
        assertEquals("CH|8001|bahnhofstrasse 1", statements.get(0).contactPoint().value());
        assertEquals(ConsentStatus.GRANTED, statements.get(0).status());
        // E-mail and SMS flags say nothing about letters.
        assertTrue(interpreter.statements(new PmsMarketingPermissions(true, true, true, null, null), List.of(home), at).isEmpty());
    }

    @Test
    void doNotContactWithdrawsLettersToo() {
        ContactPoint home = ContactPoint.postal("Bahnhofstrasse 1", "8001", "CH").orElseThrow();
        List<ConsentStatement> statements = interpreter.statements(new PmsMarketingPermissions(null, null, null, true, true),
                List.of(home), at);
        assertEquals(1, statements.size());
        assertEquals(ConsentChannel.POST, statements.get(0).channel());
        assertEquals(ConsentStatus.WITHDRAWN, statements.get(0).status());
    }

    @Test
    void doNotContactFalseAloneGrantsNothing() {
        assertTrue(interpreter.statements(new PmsMarketingPermissions(null, null, false), List.of(email, phone), at).isEmpty());
    }

    @Test
    void aProfileWithoutContactPointsHasNothingToConsentFor() {
        assertTrue(interpreter.statements(new PmsMarketingPermissions(true, true, null), List.of(), at).isEmpty());
    }
}
