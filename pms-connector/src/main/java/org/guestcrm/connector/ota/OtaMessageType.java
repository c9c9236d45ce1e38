package org.guestcrm.connector.ota;

/** The OpenTravel reservation push messages the connector accepts, with their response root. */
public enum OtaMessageType {
    HOTEL_RES_NOTIF("OTA_HotelResNotifRQ", "OTA_HotelResNotifRS", "HotelReservations", "HotelReservation"),
    HOTEL_RES_MODIFY_NOTIF("OTA_HotelResModifyNotifRQ", "OTA_HotelResModifyNotifRS", "HotelResModifies", "HotelResModify");

    public final String requestRoot;
    public final String responseRoot;
    public final String reservationsElement;
    public final String reservationElement;

    OtaMessageType(String requestRoot, String responseRoot, String reservationsElement, String reservationElement) {
        this.requestRoot = requestRoot;
        this.responseRoot = responseRoot;
        this.reservationsElement = reservationsElement;
        this.reservationElement = reservationElement;
    }

    static OtaMessageType byRequestRoot(String localName) {
        for (OtaMessageType type : values()) {
            if (type.requestRoot.equals(localName)) {
                return type;
            }
        }
        return null;
    }
}
