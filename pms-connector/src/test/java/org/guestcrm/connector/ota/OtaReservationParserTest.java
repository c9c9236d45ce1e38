package org.guestcrm.connector.ota;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.guestcrm.connector.Samples;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.ReservationChangeType;
import org.guestcrm.connector.domain.ReservationStatus;
import org.junit.jupiter.api.Test;

class OtaReservationParserTest {

    static final String CARD_NUMBER = Samples.CARD_NUMBER;

    private final OtaReservationParser parser = new OtaReservationParser();

    static String sample(String name) {
        return Samples.read(name);
    }

    static String notifSample() {
        return sample("OTA_HotelResNotifRQ.xml");
    }

    private ParsedOtaMessage parse(String xml) {
        return parser.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    private OtaRejection reject(String xml) {
        return assertThrows(OtaRejection.class, () -> parse(xml));
    }

    @Test
    void theOpenTravelSampleBecomesAConfirmedReservationWithItsGuest() {
        ParsedOtaMessage message = parse(notifSample());

        assertEquals(OtaMessageType.HOTEL_RES_NOTIF, message.envelope().messageType());
        assertEquals("354", message.envelope().echoToken());
        assertEquals("2005-01-26T10:22:00-05:00", message.envelope().timeStamp());
        assertEquals("1.003", message.envelope().version());
        assertEquals(1, message.reservations().size());
        Reservation r = message.reservations().getFirst().reservation();
        assertAll(
                () -> assertEquals("WASJW", r.hotelCode()),
                () -> assertEquals("JW Marriott Hotel Pennsylvania Avenue", r.hotelName()),
                () -> assertEquals("MC", r.chainCode()),
                () -> assertEquals("7865", r.pmsReservationId()),
                () -> assertEquals(Map.of("Travel Today", "7865"), r.externalReferences()),
                () -> assertEquals(ReservationStatus.CONFIRMED, r.status()),
                () -> assertEquals(ReservationChangeType.CREATED, r.changeType()),
                () -> assertEquals(LocalDate.of(2005, 10, 18), r.arrival()),
                () -> assertEquals(LocalDate.of(2005, 10, 20), r.departure()),
                () -> assertNull(r.pmsSequence()),
                () -> assertEquals(Instant.parse("2005-01-26T15:22:00Z"), r.pmsModifiedAt()),
                // Base AmountBeforeTax=280.00 per night, for the 2 nights 18..20 October; no currency in the sample.
                () -> assertEquals(new BigDecimal("560.00"), r.totalAmount().value()),
                () -> assertNull(r.totalAmount().currency()),
                () -> assertEquals(Boolean.FALSE, r.totalAmountIncludesTax()),
                () -> assertEquals("Travel Today", r.origin()),
                () -> assertEquals("WEB", r.channel()),
                () -> assertEquals("CORA999", r.ratePlanCode()),
                () -> assertEquals(1, r.adults()),
                () -> assertEquals(0, r.children()),
                () -> assertEquals(List.of("non-smoking Room requested;king bed"), r.comments()),
                () -> assertEquals(1, r.guests().size()));

        GuestProfile guest = r.guests().getFirst();
        assertAll(
                () -> assertEquals("7865-G1", guest.pmsProfileId()),
                () -> assertTrue(guest.syntheticId()),
                () -> assertTrue(guest.primary()),
                () -> assertEquals("GUEST", guest.profileType()),
                () -> assertEquals("Mr.", guest.title()),
                () -> assertEquals("David", guest.firstName()),
                () -> assertEquals("Dewberry", guest.lastName()),
                () -> assertEquals("david.dewberry@dewberrycorp.com", guest.primaryEmail()),
                () -> assertEquals("7245554321", guest.primaryPhone()),
                () -> assertEquals("VOICE", guest.phones().getFirst().type()),
                () -> assertEquals(List.of("321 Myrtle Lane"), guest.addresses().getFirst().lines()),
                () -> assertEquals("Latrobe", guest.addresses().getFirst().city()),
                () -> assertEquals("15650", guest.addresses().getFirst().postalCode()),
                () -> assertEquals("PA", guest.addresses().getFirst().stateProvince()),
                () -> assertEquals("USA", guest.addresses().getFirst().countryName()),
                () -> assertNull(guest.addresses().getFirst().countryCode()),
                () -> assertNull(guest.marketingFlags(), "the sample carries no marketing indicators"));

        assertEquals(List.of(new OtaReservationId("13", "7865", "Travel Today")),
                message.reservations().getFirst().reservationIds());
    }

    @Test
    void noPaymentCardDataReachesTheDomainOrTheStoredPayload() {
        ParsedOtaMessage message = parse(notifSample());

        String everythingMapped = message.reservations().toString();
        assertFalse(everythingMapped.contains(CARD_NUMBER), "card number in the mapped reservation");
        assertFalse(everythingMapped.contains("1205"), "card expiry in the mapped reservation");
        assertFalse(message.cardFreeXml().contains(CARD_NUMBER), "card number in the stored payload");
        assertFalse(message.cardFreeXml().contains("PaymentCard"), "PaymentCard element in the stored payload");
        assertTrue(message.cardFreeXml().contains("WASJW"), "the rest of the payload is kept");
    }

    @Test
    void aModifyNotificationIsAModificationAndPrefersTheHotelsOwnReservationId() {
        ParsedOtaMessage message = parse(sample("OTA_HotelResModifyNotifRQ.xml"));

        assertEquals(OtaMessageType.HOTEL_RES_MODIFY_NOTIF, message.envelope().messageType());
        Reservation r = message.reservations().getFirst().reservation();
        assertAll(
                () -> assertEquals(ReservationChangeType.MODIFIED, r.changeType()),
                () -> assertEquals(ReservationStatus.CONFIRMED, r.status()),
                // ResID_Type 14 (Marriott) is preferred over 13 (the internet broker's number).
                () -> assertEquals("82329987", r.pmsReservationId()),
                () -> assertEquals(Map.of("Travel Today", "7865", "Marriott", "82329987"), r.externalReferences()),
                // No TimeSpan in this sample: the stay comes from the rate span 18..21 October.
                () -> assertEquals(LocalDate.of(2005, 10, 18), r.arrival()),
                () -> assertEquals(LocalDate.of(2005, 10, 21), r.departure()),
                () -> assertEquals(new BigDecimal("840.00"), r.totalAmount().value()),
                () -> assertFalse(message.cardFreeXml().contains(CARD_NUMBER), "Verification/PaymentCard is removed too"));
    }

    @Test
    void aCancelIsACancelledReservation() {
        ParsedOtaMessage message = parse(notifSample().replace("ResStatus=\"Commit\"", "ResStatus=\"Cancel\""));

        Reservation r = message.reservations().getFirst().reservation();
        assertEquals(ReservationStatus.CANCELLED, r.status());
        assertEquals(ReservationChangeType.CANCELLED, r.changeType());
        assertEquals(Instant.parse("2005-01-26T15:22:00Z"), r.cancelledAt());
    }

    @Test
    void aModifyStatusOnTheNotificationIsAModification() {
        Reservation r = parse(notifSample().replace("ResStatus=\"Commit\"", "ResStatus=\"Modify\" SequenceNmbr=\"7\""))
                .reservations().getFirst().reservation();
        assertEquals(ReservationChangeType.MODIFIED, r.changeType());
        assertEquals(7L, r.pmsSequence());
    }

    @Test
    void theReservationsOwnStatusOverridesTheTransactionStatus() {
        Reservation r = parse(notifSample().replace("<HotelReservation>", "<HotelReservation ResStatus=\"No-show\">"))
                .reservations().getFirst().reservation();
        assertEquals(ReservationStatus.NO_SHOW, r.status());
        assertEquals(ReservationChangeType.NO_SHOW, r.changeType());
    }

    @Test
    void guestsProfileIdsLoyaltyAndMarketingIndicatorsAreRead() {
        String xml = notifSample()
                .replace("<ProfileInfo>", "<ProfileInfo><UniqueID Type=\"1\" ID=\"P-42\"/>")
                .replace("<Profile ProfileType=\"1\">", "<Profile ProfileType=\"1\" ShareAllMarketInd=\"No\">")
                .replace("<Email>", "<Email ShareMarketInd=\"Yes\">")
                .replace("</Address>", "</Address><CustLoyalty ProgramID=\"BONVOY\" MembershipID=\"123456789\"/>")
                .replace("<GuestCount Count=\"1\"/>", "<GuestCount AgeQualifyingCode=\"10\" Count=\"2\"/><GuestCount AgeQualifyingCode=\"8\" Count=\"1\"/>")
                .replace("<Customer>", "<Customer Language=\"en\" BirthDate=\"1970-02-03\">");
        Reservation r = parse(xml).reservations().getFirst().reservation();
        GuestProfile guest = r.guests().getFirst();

        assertAll(
                () -> assertEquals("P-42", guest.pmsProfileId()),
                () -> assertFalse(guest.syntheticId()),
                () -> assertEquals("en", guest.language()),
                () -> assertEquals(LocalDate.of(1970, 2, 3), guest.birthDate()),
                () -> assertEquals("BONVOY", guest.loyaltyProgram()),
                () -> assertEquals("123456789", guest.loyaltyNumber()),
                () -> assertEquals(Boolean.TRUE, guest.marketingFlags().emailOptIn()),
                () -> assertEquals(Boolean.FALSE, guest.marketingFlags().phoneOptIn()),
                () -> assertEquals(2, r.adults()),
                () -> assertEquals(1, r.children()));
    }

    @Test
    void aTotalWithCurrencyIsTakenAsSent() {
        String xml = notifSample().replace("<GuestCounts>",
                "<Total AmountAfterTax=\"612.50\" CurrencyCode=\"EUR\"/><GuestCounts>");
        Reservation r = parse(xml).reservations().getFirst().reservation();
        assertEquals(new BigDecimal("612.50"), r.totalAmount().value());
        assertEquals("EUR", r.totalAmount().currency());
        assertEquals(Boolean.TRUE, r.totalAmountIncludesTax());
    }

    @Test
    void aDurationStandsInForTheEndDate() {
        Reservation r = parse(notifSample().replace("End=\"2005-10-20\"", "Duration=\"P3N\""))
                .reservations().getFirst().reservation();
        assertEquals(LocalDate.of(2005, 10, 21), r.departure());
    }

    // --- rejections -----------------------------------------------------------------------------

    @Test
    void malformedXmlIsRejected() {
        OtaRejection rejection = reject(notifSample().replace("</HotelReservations>", ""));
        assertEquals(OtaRejection.Kind.MALFORMED, rejection.kind());
        assertTrue(rejection.getMessage().startsWith("malformed XML at line"), rejection.getMessage());
    }

    @Test
    void anXxePayloadIsRejectedWithoutReadingTheEntity() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE OTA_HotelResNotifRQ [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
                <OTA_HotelResNotifRQ xmlns="http://www.opentravel.org/OTA/2003/05" EchoToken="&xxe;"/>
                """;
        OtaRejection rejection = reject(xxe);
        assertEquals(OtaRejection.Kind.MALFORMED, rejection.kind());
        assertTrue(rejection.getMessage().contains("DOCTYPE"), rejection.getMessage());
        assertFalse(rejection.getMessage().contains("root:"), "no file content");
    }

    @Test
    void aMissingHotelCodeIsNamed() {
        OtaRejection rejection = reject(notifSample().replace("HotelCode=\"WASJW\"", ""));
        assertEquals(OtaRejection.Kind.MISSING, rejection.kind());
        assertEquals("321", rejection.code());
        assertTrue(rejection.getMessage().contains("BasicPropertyInfo@HotelCode"), rejection.getMessage());
        assertEquals("354", rejection.envelope().echoToken(), "the envelope is kept to echo in the error");
    }

    @Test
    void aMissingReservationIdIsNamed() {
        OtaRejection rejection = reject(notifSample().replace("ResID_Value=\"7865\"", ""));
        assertEquals(OtaRejection.Kind.MISSING, rejection.kind());
        assertTrue(rejection.getMessage().contains("HotelReservationID@ResID_Value"), rejection.getMessage());
    }

    @Test
    void missingStayDatesAreNamed() {
        String xml = notifSample().replace("<TimeSpan Start=\"2005-10-18\" End=\"2005-10-20\"/>", "")
                .replace(" EffectiveDate=\"2005-10-18\" ExpireDate=\"2005-10-20\"", "");
        OtaRejection rejection = reject(xml);
        assertEquals(OtaRejection.Kind.MISSING, rejection.kind());
        assertTrue(rejection.getMessage().contains("TimeSpan@Start"), rejection.getMessage());
    }

    @Test
    void anInvalidDateIsNamed() {
        OtaRejection rejection = reject(notifSample().replace("Start=\"2005-10-18\"", "Start=\"2005-13-45\""));
        assertEquals(OtaRejection.Kind.INVALID_DATE, rejection.kind());
        assertEquals("15", rejection.code());
        assertTrue(rejection.getMessage().contains("TimeSpan@Start is not a date"), rejection.getMessage());
        assertFalse(rejection.getMessage().contains("2005-13-45"), "the value is not echoed");
    }

    @Test
    void aDepartureBeforeArrivalIsRejected() {
        OtaRejection rejection = reject(notifSample().replace("End=\"2005-10-20\"", "End=\"2005-10-17\""));
        assertEquals(OtaRejection.Kind.INVALID_DATE, rejection.kind());
        assertTrue(rejection.getMessage().contains("TimeSpan@End is before"), rejection.getMessage());
        assertFalse(rejection.getMessage().contains("2005-10-17"), "the value is not echoed");
    }

    @Test
    void aWrongRootElementIsRejected() {
        OtaRejection rejection = reject(sample("OTA_HotelResNotifRQ.xml").replace("OTA_HotelResNotifRQ", "OTA_ReadRQ"));
        assertEquals(OtaRejection.Kind.WRONG_MESSAGE, rejection.kind());
        assertTrue(rejection.getMessage().contains("root element OTA_ReadRQ"), rejection.getMessage());
    }

    @Test
    void aRootOutsideTheOpenTravelNamespaceIsRejected() {
        OtaRejection rejection = reject(notifSample().replace("xmlns=\"http://www.opentravel.org/OTA/2003/05\"", ""));
        assertEquals(OtaRejection.Kind.WRONG_MESSAGE, rejection.kind());
        assertTrue(rejection.getMessage().contains("namespace"), rejection.getMessage());
    }

    @Test
    void anUnknownTransactionStatusIsRejected() {
        OtaRejection rejection = reject(notifSample().replace("ResStatus=\"Commit\"", "ResStatus=\"Whatever\""));
        assertEquals(OtaRejection.Kind.INVALID_VALUE, rejection.kind());
        assertTrue(rejection.getMessage().contains("@ResStatus is not supported"), rejection.getMessage());
        assertFalse(rejection.getMessage().contains("Whatever"), "the value is not echoed");
    }

    @Test
    void anUnknownReservationStatusIsRejected() {
        OtaRejection rejection = reject(notifSample().replace("<HotelReservation>", "<HotelReservation ResStatus=\"Maybe\">"));
        assertEquals(OtaRejection.Kind.INVALID_VALUE, rejection.kind());
        assertTrue(rejection.getMessage().contains("HotelReservation@ResStatus is not a known"), rejection.getMessage());
        assertFalse(rejection.getMessage().contains("Maybe"), "the value is not echoed");
    }

    @Test
    void aMessageWithoutReservationsIsRejected() {
        String xml = notifSample().replaceAll("(?s)<HotelReservations>.*</HotelReservations>", "");
        OtaRejection rejection = reject(xml);
        assertEquals(OtaRejection.Kind.MISSING, rejection.kind());
        assertTrue(rejection.getMessage().contains("HotelReservations/HotelReservation is required"), rejection.getMessage());
    }

    @Test
    void aNonNumericSequenceIsRejected() {
        OtaRejection rejection = reject(notifSample().replace("ResStatus=\"Commit\"", "ResStatus=\"Commit\" SequenceNmbr=\"x1\""));
        assertTrue(rejection.getMessage().contains("@SequenceNmbr must be an integer"), rejection.getMessage());
        assertFalse(rejection.getMessage().contains("x1"), "the value is not echoed");
    }

    @Test
    void errorResponsesEchoTheEnvelopeAndNameTheProblem() {
        OtaRejection rejection = reject(notifSample().replace("HotelCode=\"WASJW\"", ""));
        String rs = new OtaResponseWriter().error(rejection.envelope(), rejection);
        assertTrue(rs.contains("<OTA_HotelResNotifRS xmlns=\"http://www.opentravel.org/OTA/2003/05\" EchoToken=\"354\""), rs);
        assertTrue(rs.contains("<Error Type=\"10\" Code=\"321\" ShortText=\"Required field missing\">"), rs);
        assertTrue(rs.contains("BasicPropertyInfo@HotelCode is required"), rs);
    }

    @Test
    void successResponsesEchoTheReservationIds() {
        ParsedOtaMessage message = parse(notifSample());
        String rs = new OtaResponseWriter().success(message.envelope(),
                message.reservations().stream().map(ParsedOtaMessage.ParsedReservation::reservationIds).toList());
        assertTrue(rs.contains("TimeStamp=\"2005-01-26T10:22:00-05:00\" Version=\"1.003\"><Success/>"), rs);
        assertTrue(rs.contains("<HotelReservationID ResID_Type=\"13\" ResID_Value=\"7865\" ResID_Source=\"Travel Today\"/>"), rs);
    }
}
