package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorTextTest {

    @Test
    void masksEmailAddresses() {
        String text = ErrorText.withoutPersonalData(
                new IllegalStateException("550 5.1.1 <anna.muster@example.com>: Recipient address rejected"));

        assertFalse(text.contains("anna.muster"));
        assertEquals("IllegalStateException: 550 5.1.1 <<e-mail>>: Recipient address rejected", text);
    }

    @Test
    void includesTheCauseAndStaysShortAndOnOneLine() {
        String text = ErrorText.withoutPersonalData(new RuntimeException("x".repeat(1000) + "\nsecond line",
                new java.io.IOException("connection refused")));

        assertTrue(text.length() <= 500);
        assertFalse(text.contains("\n"));
    }
}
