package org.guestcrm.connector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The verbatim OpenTravel samples in src/test/resources/samples (see the README there). */
public final class Samples {

    /** The payment card number the OpenTravel samples carry: it must never reach Kafka, the database or logs. */
    public static final String CARD_NUMBER = "4111111111111202";

    private Samples() {
    }

    public static String otaHotelResNotif() {
        return read("OTA_HotelResNotifRQ.xml");
    }

    public static String otaHotelResModifyNotif() {
        return read("OTA_HotelResModifyNotifRQ.xml");
    }

    /** The OTA messages written for these tests in src/test/resources/ota-written (see the README there). */
    public static String written(String name) {
        return resource("/ota-written/" + name);
    }

    public static String read(String name) {
        return resource("/samples/" + name);
    }

    private static String resource(String path) {
        try (InputStream in = Samples.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("No sample " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
