package org.guestcrm.optout.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.guestcrm.platform.domain.ContactKind;
import org.junit.jupiter.api.Test;

class ContactPointTest {

    @Test
    void emailIsTrimmedAndLowerCasedAndCarriesEmailConsent() {
        ContactPoint point = ContactPoint.parse("  Anna.Muster@Example.COM ").orElseThrow();
        assertEquals(new ContactPoint(ContactKind.EMAIL, "anna.muster@example.com"), point);
        assertEquals(ConsentChannel.EMAIL, point.channel());
    }

    @Test
    void phoneIsDigitsWithPlusWhenGivenAndCarriesSmsConsent() {
        ContactPoint point = ContactPoint.parse("+41 (79) 123-45-67").orElseThrow();
        assertEquals("+41791234567", point.value());
        assertEquals(ConsentChannel.SMS, point.channel());
        assertEquals("+41791234567", ContactPoint.parse("0041 79 123 45 67").orElseThrow().value());
        assertEquals("0791234567", ContactPoint.parse("079 123 45 67").orElseThrow().value());
    }

    @Test
    void phonesAreE164SoTheNationalAndTheInternationalFormAreOneKey() {
        String international = ContactPoint.parse("+41 79 123 45 67").orElseThrow().value();
        assertEquals("+41791234567", ContactPoint.parse("079 123 45 67", "CH").orElseThrow().value());
        assertEquals(international, ContactPoint.phone("079/123.45.67", "ch").orElseThrow().value());
        assertEquals(international, ContactPoint.phone("0041791234567", "FR").orElseThrow().value(), "the region only reads national forms");
        assertEquals("+33612345678", ContactPoint.phone("06 12 34 56 78", "FR").orElseThrow().value());
        assertEquals("0612345678", ContactPoint.phone("06 12 34 56 78", null).orElseThrow().value(), "no region: digits kept");
        assertEquals("123456", ContactPoint.phone("123 456", "CH").orElseThrow().value(), "not a valid number: digits kept");
    }

    @Test
    void phonesAreKeyedExactlyAsThePlatformKeysThemForEveryService() {
        String[][] cases = {{"079 123 45 67", "CH"}, {"079 123 45 67", null}, {"0041 79 123 45 67", null},
                {"+41 79 123 45 67", "DE"}, {"06 12 34 56 78", "fr"}, {"123 456", "CH"}, {"tel. 079 123", "CH"},
                {"079 123 45 67", "Switzerland"}};
        for (String[] c : cases) {
            assertEquals(org.guestcrm.platform.domain.ContactPointNormaliser.phoneKey(c[0], c[1]),
                    ContactPoint.phone(c[0], c[1]).map(ContactPoint::value), c[0] + " in " + c[1]);
        }
        assertEquals("0791234567", ContactPoint.phone("079 123 45 67", "Switzerland").orElseThrow().value(),
                "a region that is not ISO 3166-1 alpha-2 reads nothing: digits kept");
    }

    @Test
    void postalAddressesAreKeyedByCountryPostcodeAndStreetAndCarryPostConsent() {
        ContactPoint home = ContactPoint.postal(" Bahnhofstraße 1 ", "8001", "ch").orElseThrow();
        assertEquals(new ContactPoint(ContactKind.POSTAL, "CH|8001|bahnhofstrasse 1"), home);
        assertEquals(ConsentChannel.POST, home.channel());
        // What a caller types in the key's form is folded the same way.
        assertEquals(home, ContactPoint.parse("CH|8001|Bahnhofstrasse 1").orElseThrow());
        assertEquals(home, ContactPoint.parse("ch| 8001 |BAHNHOFSTRASSE, 1").orElseThrow());
        assertTrue(GuestLinkSubject.fits(ConsentChannel.POST, home));
        assertTrue(!GuestLinkSubject.fits(ConsentChannel.EMAIL, home) && !GuestLinkSubject.fits(ConsentChannel.SMS, home));
    }

    @Test
    void anAddressWithoutCountryPostcodeOrStreetHasNoKey() {
        assertEquals(Optional.empty(), ContactPoint.postal("Bahnhofstrasse 1", "", "CH"));
        assertEquals(Optional.empty(), ContactPoint.postal(null, "8001", "CH"));
        assertEquals(Optional.empty(), ContactPoint.postal("Bahnhofstrasse 1", "8001", "Switzerland"));
        assertEquals(Optional.empty(), ContactPoint.parse("CH|8001"));
        assertEquals(Optional.empty(), ContactPoint.parse("CH||Bahnhofstrasse 1"));
    }

    @Test
    void malformedValuesAreRejected() {
        assertEquals(Optional.empty(), ContactPoint.parse(null));
        assertEquals(Optional.empty(), ContactPoint.parse("  "));
        assertEquals(Optional.empty(), ContactPoint.parse("anna@"));
        assertEquals(Optional.empty(), ContactPoint.parse("a@b@c"));
        assertEquals(Optional.empty(), ContactPoint.parse("call me maybe"));
        assertEquals(Optional.empty(), ContactPoint.parse("1234"), "too few digits for a phone number");
        assertEquals(Optional.empty(), ContactPoint.parse("+41 79 abc"));
    }

    @Test
    void feedValuesAreNormalisedLeniently() {
        assertTrue(ContactPoint.phone("tel. 079 123").isPresent(), "the feed's phone values keep their digits");
        assertTrue(ContactPoint.phone("n/a").isEmpty());
    }
}
