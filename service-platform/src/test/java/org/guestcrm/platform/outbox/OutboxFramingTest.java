package org.guestcrm.platform.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OutboxFramingTest {

    private static final byte[] WIRE = { 0x00, 0, 0, 0, 0, 0, 0, 0, 42, 2, 'h', 'i' };

    @Test
    void withoutHeadersTheStoredBytesAreTheWireBytesThemselves() {
        assertSame(WIRE, OutboxFraming.frame(Map.of(), WIRE));
        OutboxFraming.Framed framed = OutboxFraming.unframe(WIRE);
        assertEquals(Map.of(), framed.headers());
        assertArrayEquals(WIRE, framed.wire());
    }

    @Test
    void headersAndWireBytesComeBackAsTheyWentIn() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("communication-status", "BOUNCED");
        headers.put("hotel-code", "Zürich=1");
        byte[] stored = OutboxFraming.frame(headers, WIRE);
        assertEquals(OutboxFraming.MARKER, stored[0]);
        OutboxFraming.Framed framed = OutboxFraming.unframe(stored);
        assertEquals(headers, framed.headers());
        assertArrayEquals(WIRE, framed.wire());
    }

    @Test
    void theOldestRowsInAvroSingleObjectEncodingAreLeftAlone() {
        byte[] legacy = { (byte) 0xC3, 0x01, 1, 2, 3 };
        assertArrayEquals(legacy, OutboxFraming.unframe(legacy).wire());
        assertEquals(Map.of(), OutboxFraming.unframe(legacy).headers());
    }

    @Test
    void badNamesValuesAndTornFramesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> OutboxFraming.frame(Map.of("Upper", "x"), WIRE));
        assertThrows(IllegalArgumentException.class, () -> OutboxFraming.frame(Map.of("event-id", "x"), WIRE));
        assertThrows(IllegalArgumentException.class, () -> OutboxFraming.frame(Map.of("status", "a\nb"), WIRE));
        assertThrows(IllegalArgumentException.class, () -> OutboxFraming.frame(Map.of("status", "x".repeat(5000)), WIRE));
        byte[] torn = { OutboxFraming.MARKER, 0x10, 0x00, 'a' };
        assertThrows(IllegalArgumentException.class, () -> OutboxFraming.unframe(torn));
    }
}
