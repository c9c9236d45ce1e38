package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class FrequencyCapTest {

    @Test
    void parsesMaxAndPeriodAndSaysWhyAMessageWasHeldBack() {
        FrequencyCap cap = FrequencyCap.parse("2/30d");
        assertEquals(2, cap.max());
        assertEquals(Duration.ofDays(30), cap.period());
        assertTrue(cap.allowsAnother(1));
        assertFalse(cap.allowsAnother(2));
        assertEquals("capped: at most 2 marketing messages per 30 days", cap.reason());
        assertEquals("capped: at most 1 marketing message per 12 h", FrequencyCap.parse(" 1 / 12h ").reason());
    }

    @Test
    void refusesWhatIsNotACap() {
        for (String bad : new String[] {"", "2", "0/30d", "2/0d", "x/30d", "2/30m", null}) {
            assertThrows(IllegalArgumentException.class, () -> FrequencyCap.parse(bad), String.valueOf(bad));
        }
    }
}
