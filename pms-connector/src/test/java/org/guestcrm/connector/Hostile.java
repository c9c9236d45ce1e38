package org.guestcrm.connector;

/** Hostile inputs shared by the parser tests and the HTTP tests: numbers, depths, lengths and counts. */
public final class Hostile {

    public static final String HUGE_EXPONENT = "1E+999999999";
    public static final String LONG_EXPONENT = "1e99999999";
    public static final String TWENTY_FIVE_DIGITS = "1234567890123456789012345";

    private Hostile() {
    }

    /** The OTA sample with its per-night Base amount replaced. */
    public static String otaWithBaseAmount(String amount) {
        return Samples.otaHotelResNotif().replace("<Base AmountBeforeTax=\"280.00\"/>",
                "<Base AmountBeforeTax=\"" + amount + "\"/>");
    }

    /** The OTA sample with a RoomStay Total after tax and its DecimalPlaces. */
    public static String otaWithTotal(String afterTax, String decimalPlaces) {
        return Samples.otaHotelResNotif().replace("<BasicPropertyInfo ",
                "<Total AmountAfterTax=\"" + afterTax + "\" CurrencyCode=\"USD\""
                        + (decimalPlaces == null ? "" : " DecimalPlaces=\"" + decimalPlaces + "\"") + "/><BasicPropertyInfo ");
    }

    /** The OTA sample with {@code depth} nested elements inside TPA_Extensions. */
    public static String otaNested(int depth) {
        StringBuilder nested = new StringBuilder(depth * 8);
        nested.append("<TPA_Extensions>");
        nested.append("<x>".repeat(depth));
        nested.append("</x>".repeat(depth));
        nested.append("</TPA_Extensions>");
        return Samples.otaHotelResNotif().replace("<TPA_Extensions/>", nested.toString());
    }

    /** The OTA sample with the guest's surname this long. */
    public static String otaWithSurname(int length) {
        return Samples.otaHotelResNotif().replace("<Surname>Dewberry</Surname>", "<Surname>" + "D".repeat(length) + "</Surname>");
    }

    /** The OTA sample with {@code n} copies of its HotelReservation. */
    public static String otaWithReservations(int n) {
        String sample = Samples.otaHotelResNotif();
        int start = sample.indexOf("<HotelReservation>");
        int end = sample.indexOf("</HotelReservations>");
        String one = sample.substring(start, end);
        return sample.substring(0, start) + one.repeat(n) + sample.substring(end);
    }

    /** The OTA sample with {@code n} Comment elements. */
    public static String otaWithComments(int n) {
        return Samples.otaHotelResNotif().replace("<Comments>", "<Comments>" + "<Comment><Text>c</Text></Comment>".repeat(n));
    }

    /** A canonical JSON reservation with {@code amountLexeme} as its total amount, written verbatim. */
    public static String jsonWithAmount(String amountLexeme) {
        return json("\"totalAmount\": {\"amount\": " + amountLexeme + ", \"currency\": \"EUR\"}", "\"lastName\": \"Schmidt\"");
    }

    /** A canonical JSON reservation: the given extra reservation fields and the guest's extra fields. */
    public static String json(String reservationFields, String guestFields) {
        return """
                {"hotelCode": "BERHB", "pmsReservationId": "H-1", "status": "CONFIRMED",
                 "arrival": "2026-07-01", "departure": "2026-07-04", %s
                 "guests": [{"pmsProfileId": "P-1", "firstName": "Anna", %s}]}
                """.formatted(reservationFields.isEmpty() ? "" : reservationFields + ",", guestFields);
    }
}
