package org.guestcrm.connector.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.guestcrm.connector.Samples;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.OptionalFields;
import org.junit.jupiter.api.Test;

/**
 * A malformed optional field never costs the booking: the e-mail typos of Splink's fake_1000 and the impossible dates
 * of birth of FEBRL (rows copied to src/test/resources/dedup, sources in its README) are dropped with a warning naming
 * the field, never its value; the reservation is accepted.
 */
class LenientFieldsTest {

    private final OtaReservationParser parser = new OtaReservationParser();

    @Test
    void everyFake1000EMailTypoIsDroppedWithAWarningAndEveryValidAddressKept() {
        List<String[]> rows = csv("/dedup/fake_1000-sample.csv", ",");
        int typos = 0;
        for (String[] row : rows) {
            String email = row[5];
            if (email.isEmpty()) {
                continue;
            }
            boolean valid = OptionalFields.isEmail(email);
            typos += valid ? 0 : 1;
            ParsedOtaMessage message = parser.parse(Samples.otaHotelResNotif()
                    .replace("david.dewberry@dewberrycorp.com", email).getBytes(StandardCharsets.UTF_8));
            GuestProfile guest = message.reservations().getFirst().reservation().guests().getFirst();
            if (valid) {
                assertEquals(List.of(email), guest.emails().stream().map(GuestProfile.Email::address).toList());
                assertEquals(List.of(), message.warnings());
            } else {
                assertEquals(List.of(), guest.emails(), "row " + row[0] + ": the malformed e-mail is not in the event");
                assertEquals(List.of("email"), message.warnings().stream().map(w -> w.field()).toList());
                assertTrue(message.warnings().getFirst().location().endsWith("/Customer/Email"));
                assertFalse(message.warnings().getFirst().toString().contains(email), "the value is not echoed");
                assertTrue(message.cardFreeXml().contains(email), "the raw archive keeps what the PMS sent");
            }
            assertEquals("7865", message.reservations().getFirst().reservation().pmsReservationId());
        }
        assertEquals(10, typos, "the sample holds 10 typos beside valid addresses");
    }

    @Test
    void everyImpossibleFebrlBirthDateIsDroppedWithAWarning() {
        for (String[] row : csv("/dedup/febrl-dataset2-sample.csv", ",")) {
            String yyyymmdd = row[9].trim();
            String iso = yyyymmdd.substring(0, 4) + "-" + yyyymmdd.substring(4, 6) + "-" + yyyymmdd.substring(6, 8);
            ParsedOtaMessage message = parser.parse(Samples.otaHotelResNotif()
                    .replace("<Customer>", "<Customer BirthDate=\"" + iso + "\" Language=\"en_GB\">")
                    .getBytes(StandardCharsets.UTF_8));
            GuestProfile guest = message.reservations().getFirst().reservation().guests().getFirst();
            assertNull(guest.birthDate(), row[0]);
            assertEquals("en_GB", guest.language());
            assertEquals(List.of("birthDate"), message.warnings().stream().map(w -> w.field()).toList(), row[0]);
            assertFalse(message.warnings().toString().contains(yyyymmdd.substring(4)), "the value is not echoed");
        }
    }

    @Test
    void badPhonesCountriesLanguagesAndAmountsAreDroppedAndAlpha3CountriesConverted() {
        String xml = Samples.otaHotelResNotif()
                .replace("PhoneNumber=\"7245554321\"", "PhoneNumber=\"call me\"")
                .replace("<CountryName>USA</CountryName>", "<CountryName Code=\"USA\">USA</CountryName>")
                .replace("<Customer>", "<Customer Language=\"english please\"><CitizenCountryName Code=\"XX\"/>")
                .replace("AmountBeforeTax=\"280.00\"", "AmountBeforeTax=\"NaN\"");
        ParsedOtaMessage message = parser.parse(xml.getBytes(StandardCharsets.UTF_8));
        var reservation = message.reservations().getFirst().reservation();
        GuestProfile guest = reservation.guests().getFirst();
        assertEquals(List.of(), guest.phones());
        assertEquals("US", guest.addresses().getFirst().countryCode());
        assertNull(guest.language());
        assertNull(guest.nationality());
        assertNull(reservation.totalAmount());
        assertEquals(List.of("phone", "totalAmount", "countryCode", "language"),
                message.warnings().stream().map(w -> w.field()).sorted((a, b) -> order(a) - order(b)).toList());
        String rs = new OtaResponseWriter().success(message.envelope(), List.of(), message.warnings());
        assertTrue(rs.contains("<Success/><Warnings><Warning Type=\"3\" Code=\"320\" ShortText=\"Invalid value\">"), rs);
        assertFalse(rs.contains("call me") || rs.contains("NaN") || rs.contains("english"), rs);
    }

    private static int order(String field) {
        return List.of("phone", "totalAmount", "countryCode", "language").indexOf(field);
    }

    private static List<String[]> csv(String resource, String separator) {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                LenientFieldsTest.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            in.readLine();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                rows.add(line.split(separator, -1));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
