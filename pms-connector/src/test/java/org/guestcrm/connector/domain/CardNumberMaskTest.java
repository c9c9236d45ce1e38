package org.guestcrm.connector.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CardNumberMaskTest {

    @Test
    void masksLuhnValidCardNumbersKeepingTheLastFourDigits() {
        assertEquals("CardNumber=\"************1202\"", CardNumberMask.mask("CardNumber=\"4111111111111202\""));
        assertEquals("card ************1111 end", CardNumberMask.mask("card 4111 1111 1111 1111 end"));
    }

    @Test
    void leavesPhoneNumbersReservationIdsAndNonLuhnDigitsAlone() {
        assertEquals("7245554321", CardNumberMask.mask("7245554321"));
        assertEquals("4111111111111203", CardNumberMask.mask("4111111111111203"));
    }
}
