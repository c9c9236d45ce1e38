package org.guestcrm.connector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.guestcrm.connector.Hostile;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The canonical JSON reader's number limits, without HTTP. */
class CanonicalJsonReaderTest {

    private final CanonicalJsonReader reader = new CanonicalJsonReader(new ObjectMapper().registerModule(new JavaTimeModule()));

    @Test
    void readsTwiceAndRefusesHostileNumbersNamingTheField() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertEquals("BERHB", reader.read(Hostile.jsonWithAmount("399.90").getBytes(StandardCharsets.UTF_8)).hotelCode());
        }
        CanonicalJsonReader.NumberLimitException e = assertThrows(CanonicalJsonReader.NumberLimitException.class,
                () -> reader.read(Hostile.jsonWithAmount(Hostile.HUGE_EXPONENT).getBytes(StandardCharsets.UTF_8)));
        assertEquals("totalAmount", e.getPath().getFirst().getFieldName());
        assertEquals("amount", e.getPath().get(1).getFieldName());
    }

    @Test
    void controlCharactersBecomeReplacementCharactersSoNoNulReachesADatabase() throws Exception {
        String json = """
                {"hotelCode":"BER\\u0000HB","pmsReservationId":"R\\u00071","status":"CONFIRMED","arrival":"2027-07-01",
                 "departure":"2027-07-04","comments":["late\\u0000 arrival\\ttab"],
                 "guests":[{"pmsProfileId":"P1","firstName":"An\\u0000na","lastName":"Line\\nBreak","emails":["a\\u001b@example.org"]}]}
                """;
        CanonicalReservation reservation = reader.read(json.getBytes(StandardCharsets.UTF_8));
        assertEquals("BER\uFFFDHB", reservation.hotelCode());
        assertEquals("R\uFFFD1", reservation.pmsReservationId());
        assertEquals("late\uFFFD arrival\ttab", reservation.comments().getFirst());
        assertEquals("An\uFFFDna", reservation.guests().getFirst().firstName());
        assertEquals("Line\nBreak", reservation.guests().getFirst().lastName());
        // Never someone else's valid address: the e-mail check drops this one with a warning.
        assertEquals("a\uFFFD@example.org", reservation.guests().getFirst().emails().getFirst());
        // A structure where text belongs is still refused, not flattened.
        assertThrows(com.fasterxml.jackson.databind.JsonMappingException.class, () -> reader.read(
                "{\"hotelCode\":{\"x\":1},\"pmsReservationId\":\"R\",\"status\":\"CONFIRMED\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
