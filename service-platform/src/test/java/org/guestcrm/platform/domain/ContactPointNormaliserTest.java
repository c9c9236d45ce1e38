package org.guestcrm.platform.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class ContactPointNormaliserTest {

    @Test
    void emailIsTrimmedAndLowerCased() {
        assertEquals(Optional.of("anna.muster@example.com"), ContactPointNormaliser.email("  Anna.Muster@Example.COM "));
    }

    @Test
    void somethingThatIsNotAnEmailAddressIsNotAContactPoint() {
        assertEquals(Optional.empty(), ContactPointNormaliser.email(null));
        assertEquals(Optional.empty(), ContactPointNormaliser.email("   "));
        assertEquals(Optional.empty(), ContactPointNormaliser.email("no-at-sign.example.com"));
        assertEquals(Optional.empty(), ContactPointNormaliser.email("@example.com"));
        assertEquals(Optional.empty(), ContactPointNormaliser.email("anna@"));
        assertEquals(Optional.empty(), ContactPointNormaliser.email("a@b@c"));
        assertEquals(Optional.empty(), ContactPointNormaliser.email("anna muster@example.com"));
    }

    @Test
    void phoneKeepsDigitsAndTheLeadingPlusWhenGiven() {
        assertEquals(Optional.of("+41791234567"), ContactPointNormaliser.phone(" +41 (79) 123-45 67 "));
        assertEquals(Optional.of("0791234567"), ContactPointNormaliser.phone("079 123 45 67"));
    }

    @Test
    void phoneWithDoubleZeroPrefixIsInternational() {
        assertEquals(Optional.of("+41791234567"), ContactPointNormaliser.phone("0041 79 123 45 67"));
    }

    @Test
    void phoneWithoutDigitsIsNotAContactPoint() {
        assertEquals(Optional.empty(), ContactPointNormaliser.phone("n/a"));
        assertEquals(Optional.empty(), ContactPointNormaliser.phone(null));
    }

    @Test
    void nationalAndInternationalFormsOfOneNumberAreOneE164Key() {
        assertEquals(Optional.of("+41791234567"), ContactPointNormaliser.e164("079 123 45 67", "ch"));
        assertEquals(Optional.of("+41791234567"), ContactPointNormaliser.e164("0041 79 123 45 67", null));
        assertEquals(Optional.of("+41791234567"), ContactPointNormaliser.e164("+41 79 123 45 67", "DE"));
        assertEquals(ContactPointNormaliser.phoneKey("+41 79 123 45 67", null), ContactPointNormaliser.phoneKey("079 123 45 67", "CH"));
    }

    @Test
    void aNumberThatIsNotValidHasNoE164FormButKeepsItsKey() {
        assertEquals(Optional.empty(), ContactPointNormaliser.e164("079 123 45 67", null));
        assertEquals(Optional.empty(), ContactPointNormaliser.e164("12345", "CH"));
        assertEquals(Optional.empty(), ContactPointNormaliser.e164("079 123 45 67", "Switzerland"));
        assertEquals(Optional.of("0791234567"), ContactPointNormaliser.phoneKey("079 123 45 67", null));
        assertEquals(Optional.of("12345"), ContactPointNormaliser.phoneKey("12345", "CH"));
        assertEquals(Optional.empty(), ContactPointNormaliser.phoneKey("n/a", "CH"));
    }

    @Test
    void postalKeyFoldsAccentsCaseAndPunctuationAndLeavesTheCityOut() {
        assertEquals(Optional.of("CH|8001|bahnhofstrasse 1"), ContactPointNormaliser.postal(" Bahnhofstraße 1 ", "8001", "ch"));
        assertEquals(ContactPointNormaliser.postal("BAHNHOFSTRASSE  1", "8001", "CH"), ContactPointNormaliser.postal("Bahnhofstrasse, 1", " 8001 ", "CH"));
        assertEquals(Optional.of("FR|75001|12 rue de l elysee"), ContactPointNormaliser.postal("12, rue de l'Élysée", "75001", "FR"));
        assertEquals(Optional.of("GB|sw1a1aa|10 downing street"), ContactPointNormaliser.postal("10 Downing Street", "SW1A 1AA", "GB"));
    }

    @Test
    void anAddressWithoutCountryPostcodeOrStreetHasNoPostalKey() {
        assertEquals(Optional.empty(), ContactPointNormaliser.postal("Bahnhofstrasse 1", "8001", "CHE"));
        assertEquals(Optional.empty(), ContactPointNormaliser.postal("Bahnhofstrasse 1", " ", "CH"));
        assertEquals(Optional.empty(), ContactPointNormaliser.postal("  ", "8001", "CH"));
        assertEquals(Optional.empty(), ContactPointNormaliser.postal("Bahnhofstrasse 1", "8001", null));
    }

    @Test
    void normaliseAcceptsOnlyWellFormedPostalKeys() {
        assertEquals(Optional.of("CH|8001|bahnhofstrasse 1"), ContactPointNormaliser.normalise(ContactKind.POSTAL, "CH|8001|bahnhofstrasse 1"));
        assertEquals(Optional.empty(), ContactPointNormaliser.normalise(ContactKind.POSTAL, "Bahnhofstrasse 1, 8001 Zürich"));
    }
}
