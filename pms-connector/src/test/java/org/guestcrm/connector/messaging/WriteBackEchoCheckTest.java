package org.guestcrm.connector.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.guestcrm.connector.domain.ContactWrite;
import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.events.ProfileChangeType;
import org.junit.jupiter.api.Test;

/** The echo rule of the write-back, and what a single-valued PMS holds of a write. Plain JUnit. */
class WriteBackEchoCheckTest {

    private static final ContactWrite EMAIL_AND_OPT_IN = new ContactWrite(null, null, null,
            List.of("Grace.Hopper@Example.org"), null, null, new ContactWrite.MarketingFlags(true, null, null, null, null));

    @Test
    void aStateHoldingTheWrittenValuesAndNothingElseNewIsAnEcho() {
        GuestProfileChanged before = profile("grace@example.org", "+1 212 555 0100", false, "1906-12-09");
        GuestProfileChanged echo = profile("grace.hopper@example.org", "+1 212 555 0100", true, "1906-12-09");
        assertTrue(WriteBackEchoCheck.isEcho(before, echo, EMAIL_AND_OPT_IN), "e-mails compare case-insensitively");
        GuestProfileChanged restamped = GuestProfileChanged.newBuilder(echo).setPmsUpdatedAt(Instant.now())
                .setMetadata(metadata()).build();
        assertTrue(WriteBackEchoCheck.isEcho(before, restamped, EMAIL_AND_OPT_IN), "envelope and PMS time do not count");
    }

    @Test
    void anotherChangeBesideTheWriteOrOtherValuesAreNoEcho() {
        GuestProfileChanged before = profile("grace@example.org", "+1 212 555 0100", false, "1906-12-09");
        assertFalse(WriteBackEchoCheck.isEcho(before,
                profile("grace.hopper@example.org", "+1 212 555 0199", true, "1906-12-09"), EMAIL_AND_OPT_IN),
                "the phone changed in the PMS too");
        assertFalse(WriteBackEchoCheck.isEcho(before,
                profile("grace.hopper@example.org", "+1 212 555 0100", true, "1906-12-10"), EMAIL_AND_OPT_IN),
                "the birth date changed in the PMS too");
        assertFalse(WriteBackEchoCheck.isEcho(before,
                profile("someone.else@example.org", "+1 212 555 0100", true, "1906-12-09"), EMAIL_AND_OPT_IN),
                "another e-mail than the one written");
        assertFalse(WriteBackEchoCheck.isEcho(before,
                profile("grace.hopper@example.org", "+1 212 555 0100", false, "1906-12-09"), EMAIL_AND_OPT_IN),
                "the opt-in was not taken");
        assertFalse(WriteBackEchoCheck.isEcho(null,
                profile("grace.hopper@example.org", "+1 212 555 0100", true, "1906-12-09"), EMAIL_AND_OPT_IN),
                "without the last emitted state nothing is suppressed");
    }

    @Test
    void phonesCompareByTheirDigitsAndNamesTrimmedAndCaseInsensitively() {
        GuestProfileChanged before = profile("grace@example.org", "+1 212 555 0100", false, "1906-12-09");
        ContactWrite phone = new ContactWrite(" Grace ", null, "EN_us", null, List.of("+1 (212) 555-0142"), null, null);
        GuestProfileChanged echo = GuestProfileChanged.newBuilder(profile("grace@example.org", "+12125550142", false,
                "1906-12-09")).setLanguage("en-US").build();
        assertTrue(WriteBackEchoCheck.isEcho(before, echo, phone));
    }

    @Test
    void aSingleValuedPmsHoldsTheFirstEmailAndPhoneAndTheEmailOptInOnly() {
        ContactWrite write = new ContactWrite("Ada", null, null, List.of("a@example.org", "b@example.org"),
                List.of("+44 1", "+44 2"), null, new ContactWrite.MarketingFlags(null, true, null, null, true));
        ContactWrite.Reduced reduced = write.toSingleValued();
        assertEquals(List.of("a@example.org"), reduced.write().emails());
        assertEquals(List.of("+44 1"), reduced.write().phones());
        assertEquals(new ContactWrite.MarketingFlags(false, null, null, null, null), reduced.write().marketingFlags(),
                "do not contact without an e-mail opt-in: no marketing e-mails");
        assertEquals(List.of("emails[1..]", "phones[1..]", "marketingFlags.smsOptIn"), reduced.notWritten());
        assertEquals(List.of("firstName", "emails", "phones", "marketingFlags"), reduced.write().fields());
        assertTrue(new ContactWrite(null, null, null, null, null, null,
                new ContactWrite.MarketingFlags(null, null, null, null, null)).writesNothing());
    }

    private static GuestProfileChanged profile(String email, String phone, boolean emailOptIn, String birthDate) {
        return GuestProfileChanged.newBuilder().setMetadata(metadata()).setChangeType(ProfileChangeType.UPSERTED)
                .setPmsSystem("feed").setPmsProfileId("cu-1").setFirstName("Grace").setLastName("Hopper")
                .setBirthDate(LocalDate.parse(birthDate))
                .setEmails(List.of(EmailAddress.newBuilder().setAddress(email).setPrimary(true).build()))
                .setPhones(List.of(PhoneNumber.newBuilder().setNumber(phone).setPrimary(true).build()))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(emailOptIn).build())
                .setPmsUpdatedAt(Instant.parse("2026-12-01T10:00:00Z")).build();
    }

    private static EventMetadata metadata() {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("GuestProfileChanged")
                .setOccurredAt(Instant.now()).setSource("feed").setTenantId("t").setCorrelationId("c").build();
    }
}
