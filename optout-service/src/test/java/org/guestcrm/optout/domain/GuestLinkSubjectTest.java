package org.guestcrm.optout.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.domain.ContactPointRef;
import org.junit.jupiter.api.Test;

class GuestLinkSubjectTest {

    private static final String REF = ContactPointRef.of("demo", "EMAIL", "anna@example.com");

    @Test
    void anUnsubscribeSubjectNamesChannelPurposeAndReference() {
        GuestLinkSubject subject = GuestLinkSubject.parseUnsubscribe("EMAIL:MARKETING:" + REF).orElseThrow();
        assertEquals(ConsentChannel.EMAIL, subject.channel());
        assertEquals(ConsentPurpose.MARKETING, subject.purpose());
        assertEquals(REF, subject.contactPoint());
        assertFalse(subject.namesAddress());
        assertEquals("EMAIL:MARKETING:" + REF, GuestLinkSubject.unsubscribe(ConsentChannel.EMAIL, ConsentPurpose.MARKETING, REF));
    }

    @Test
    void theOldFormWithTheAddressIsStillReadAndSaysSo() {
        GuestLinkSubject subject = GuestLinkSubject.parseUnsubscribe("EMAIL:MARKETING:anna@example.com").orElseThrow();
        assertTrue(subject.namesAddress());
        assertEquals("anna@example.com", subject.contactPoint());
    }

    @Test
    void aPreferencesSubjectHasNoPurpose() {
        GuestLinkSubject subject = GuestLinkSubject.parsePreferences(GuestLinkSubject.preferences(ConsentChannel.EMAIL, REF)).orElseThrow();
        assertEquals(ConsentChannel.EMAIL, subject.channel());
        assertEquals(null, subject.purpose());
        assertEquals(REF, subject.contactPoint());
    }

    @Test
    void malformedSubjectsAreRefused() {
        for (String bad : new String[] {null, "", "EMAIL", "EMAIL:MARKETING", "EMAIL:MARKETING:", "FAX:MARKETING:" + REF,
                "EMAIL:SPAM:" + REF}) {
            assertTrue(GuestLinkSubject.parseUnsubscribe(bad).isEmpty(), String.valueOf(bad));
        }
        assertTrue(GuestLinkSubject.parsePreferences("EMAIL:").isEmpty());
        assertTrue(GuestLinkSubject.parsePreferences("PIGEON:" + REF).isEmpty());
    }

    @Test
    void aSubjectFitsOnlyContactPointsOfItsChannelsKind() {
        GuestLinkSubject email = GuestLinkSubject.parseUnsubscribe("EMAIL:MARKETING:" + REF).orElseThrow();
        assertTrue(email.fits(new ContactPoint(ContactKind.EMAIL, "anna@example.com")));
        assertFalse(email.fits(new ContactPoint(ContactKind.PHONE, "+41791234567")));
        GuestLinkSubject sms = GuestLinkSubject.parseUnsubscribe("SMS:MARKETING:" + REF).orElseThrow();
        assertTrue(sms.fits(new ContactPoint(ContactKind.PHONE, "+41791234567")));
    }
}
