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

    /** The hand-read ISO shapes give Jackson's own values, offsets included; everything else keeps Jackson's answer. */
    @Test
    void timesAndDatesReadByHandAreJacksonsOwnValuesAndErrors() throws Exception {
        ObjectMapper standard = new ObjectMapper().registerModule(new JavaTimeModule());
        java.util.List<String> times = java.util.List.of("2019-07-04T11:00:00Z", "2019-07-04T11:00:00.5Z",
                "2019-07-04T11:00:00.123456789Z", "2019-07-04T11:00:00+02:00", "2019-07-04T11:00:00.250-05:30",
                "2019-07-04T11:00:00-00:00", "2024-02-29T23:59:59+14:00", "2019-07-04T11:00Z", "2019-07-04T11:00:00",
                "2019-02-30T11:00:00Z", "2019-07-04T24:00:00Z", "2019-07-04T11:00:60Z", "2019-07-04T11:00:00+19:00",
                "2019-07-04T11:00:00+0200", "2019-07-04T11:00:00.1234567890Z", "2019-07-04t11:00:00z", " 2019-07-04T11:00:00Z",
                "2019-07-04T11:00:00.Z", "+12019-07-04T11:00:00Z", "1789-07-14T11:00:00Z", "2019-07-04T11:00:00+02:00:30");
        for (String time : times) {
            String json = "\"" + time + "\"";
            Object expected = outcome(() -> standard.readerFor(java.time.OffsetDateTime.class).readValue(standard.readTree(json)));
            Object actual = outcome(() -> reader.convert(standard.readTree(json), java.time.OffsetDateTime.class));
            assertEquals(expected, actual, time);
            if (expected instanceof java.time.OffsetDateTime value) {
                assertEquals(value.getOffset(), ((java.time.OffsetDateTime) actual).getOffset(), time);
            }
        }
        for (String date : java.util.List.of("2019-07-01", "2024-02-29", "0000-01-01", "2019-02-30", "2019-13-01",
                "2019-7-01", "20190701", "2019-07-01T10:00:00", "2019-07-01Z", "+12019-07-01", "2019-07-01 ")) {
            String json = "\"" + date + "\"";
            assertEquals(outcome(() -> standard.readerFor(java.time.LocalDate.class).readValue(standard.readTree(json))),
                    outcome(() -> reader.convert(standard.readTree(json), java.time.LocalDate.class)), date);
        }
        assertEquals(java.time.LocalDate.of(2026, 7, 1), reader.read(Hostile.jsonWithAmount("1").getBytes(
                StandardCharsets.UTF_8)).arrival());
    }

    /** A value, or the class of the error and its message without the location. */
    private static Object outcome(java.util.concurrent.Callable<?> read) {
        try {
            return read.call();
        } catch (Exception e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            int location = message.indexOf("\n at [");
            return e.getClass().getName() + ": " + (location < 0 ? message : message.substring(0, location));
        }
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
