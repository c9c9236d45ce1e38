package org.guestcrm.connector.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.guestcrm.connector.Hostile;
import org.guestcrm.connector.Samples;
import org.guestcrm.connector.domain.CanonicalLimits;
import org.junit.jupiter.api.Test;

/** Hostile OpenTravel input: every limit is a rejection naming the element or attribute, never its value. */
class OtaLimitsTest {

    private final OtaReservationParser parser = new OtaReservationParser();

    private OtaRejection reject(String xml) {
        return assertThrows(OtaRejection.class, () -> parser.parse(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** Numbers beyond decimal(19,4) stay a 400 (issue 6); text that is no number at all ("NaN", "12,50") is dropped, see LenientFieldsTest. */
    @Test
    void amountsWithHugeExponentsOrTooManyDigitsAreRefusedByTheirText() {
        for (String amount : new String[] {Hostile.HUGE_EXPONENT, Hostile.LONG_EXPONENT, Hostile.TWENTY_FIVE_DIGITS,
                "1e16", "0.00001", "1" + "0".repeat(100)}) {
            OtaRejection rejection = reject(Hostile.otaWithBaseAmount(amount));
            assertEquals(OtaRejection.Kind.INVALID_VALUE, rejection.kind(), amount);
            assertTrue(rejection.getMessage().contains("Rate/Base@AmountBeforeTax must be a decimal number"), rejection.getMessage());
            assertFalse(rejection.getMessage().contains(amount), "the value is not echoed");
        }
        OtaRejection total = reject(Hostile.otaWithTotal(Hostile.HUGE_EXPONENT, null));
        assertTrue(total.getMessage().contains("RoomStay/Total@AmountAfterTax must be a decimal number"), total.getMessage());
    }

    @Test
    void decimalPlacesMustBeZeroToFour() {
        OtaRejection rejection = reject(Hostile.otaWithTotal("56000", "999999999"));
        assertTrue(rejection.getMessage().contains("Total@DecimalPlaces must be an integer from 0 to 4"), rejection.getMessage());
        assertEquals(new BigDecimal("560.00"), parser.parse(Hostile.otaWithTotal("56000", "2").getBytes(StandardCharsets.UTF_8))
                .reservations().getFirst().reservation().totalAmount().value());
    }

    @Test
    void theLargestMoneyStillFitsAndOneDigitMoreDoesNot() {
        parser.parse(Hostile.otaWithTotal("999999999999999.9999", null).getBytes(StandardCharsets.UTF_8));
        reject(Hostile.otaWithTotal("1999999999999999", null));
    }

    @Test
    void aDeeplyNestedDocumentIsRefusedWithoutOverflowingTheStack() {
        OtaRejection rejection = reject(Hostile.otaNested(100_000));
        assertEquals(OtaRejection.Kind.TOO_LARGE, rejection.kind());
        assertTrue(rejection.getMessage().contains("nest deeper than " + XmlLimits.MAX_DEPTH), rejection.getMessage());
        parser.parse(Hostile.otaNested(20).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tooManyElementsOrAttributesOrTooLongAttributesAreRefused() {
        String many = Samples.otaHotelResNotif().replace("<TPA_Extensions/>",
                "<TPA_Extensions>" + "<x/>".repeat(XmlLimits.MAX_ELEMENTS) + "</TPA_Extensions>");
        assertTrue(reject(many).getMessage().contains("more than " + XmlLimits.MAX_ELEMENTS + " elements"));
        String longAttribute = Samples.otaHotelResNotif().replace("RatePlanCode=\"CORA999\"",
                "RatePlanCode=\"" + "C".repeat(XmlLimits.MAX_ATTRIBUTE_LENGTH + 1) + "\"");
        OtaRejection rejection = reject(longAttribute);
        assertTrue(rejection.getMessage().contains("RatePlan@RatePlanCode is longer than"), rejection.getMessage());
    }

    @Test
    void stringsLongerThanTheCanonicalModelNameTheField() {
        OtaRejection rejection = reject(Hostile.otaWithSurname(CanonicalLimits.LAST_NAME + 1));
        assertEquals(OtaRejection.Kind.INVALID_VALUE, rejection.kind());
        assertTrue(rejection.getMessage().contains("guests[0].lastName is longer than 150 characters"), rejection.getMessage());
        assertFalse(rejection.getMessage().contains("DDDD"), "the value is not echoed");
        parser.parse(Hostile.otaWithSurname(CanonicalLimits.LAST_NAME).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reservationsAndCommentsPerMessageAreCounted() {
        OtaRejection reservations = reject(Hostile.otaWithReservations(CanonicalLimits.RESERVATIONS_PER_MESSAGE + 1));
        assertTrue(reservations.getMessage().contains("more than 100 HotelReservation"), reservations.getMessage());
        OtaRejection comments = reject(Hostile.otaWithComments(CanonicalLimits.COMMENTS_PER_MESSAGE + 1));
        assertTrue(comments.getMessage().contains("comments has more than 200 entries"), comments.getMessage());
    }

    @Test
    void anImpossibleBirthDateIsDroppedWithAWarningNeverEchoedAndImpossibleStayDatesAreRefused() {
        for (String birthDate : List.of("1961-02-30", "+99999-01-01")) {
            ParsedOtaMessage message = new OtaReservationParser().parse(Samples.otaHotelResNotif()
                    .replace("<Customer>", "<Customer BirthDate=\"" + birthDate + "\">").getBytes(StandardCharsets.UTF_8));
            assertNull(message.reservations().getFirst().reservation().guests().getFirst().birthDate());
            assertEquals(List.of("birthDate"), message.warnings().stream().map(w -> w.field()).toList());
            assertTrue(message.warnings().getFirst().toString().contains("Customer@BirthDate is not a date"));
            assertFalse(message.warnings().getFirst().toString().contains(birthDate.substring(1, 5)), "the birth date is not echoed");
        }
        String duration = Samples.otaHotelResNotif().replace("End=\"2005-10-20\"", "Duration=\"P999999999N\"");
        assertTrue(reject(duration).getMessage().contains("TimeSpan@Duration is not a duration"));
        String timeStamp = Samples.otaHotelResNotif().replace("TimeStamp=\"2005-01-26T10:22:00-05:00\"",
                "TimeStamp=\"+999999999-01-26T10:22:00-05:00\"");
        assertTrue(reject(timeStamp).getMessage().contains("@TimeStamp"));
    }

    @Test
    void guestCountsAndQuantitiesAreBounded() {
        OtaRejection rejection = reject(Samples.otaHotelResNotif().replace("<GuestCount Count=\"1\"/>",
                "<GuestCount Count=\"99999999999999999999\"/>"));
        assertTrue(rejection.getMessage().contains("GuestCount@Count must be an integer from 0 to 999"), rejection.getMessage());
    }
}
