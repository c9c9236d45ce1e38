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
}
