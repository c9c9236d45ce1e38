package org.guestcrm.connector.ota;

/** The attributes of an OTA request root that the response echoes. */
public record OtaEnvelope(OtaMessageType messageType, String echoToken, String timeStamp, String version) {
    public static OtaEnvelope unknown() {
        return new OtaEnvelope(OtaMessageType.HOTEL_RES_NOTIF, null, null, null);
    }
}
