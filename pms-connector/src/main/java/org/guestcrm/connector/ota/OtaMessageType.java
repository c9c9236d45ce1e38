package org.guestcrm.connector.ota;

/**
 * The OpenTravel push messages the connector accepts, with their response root. The reservation pushes name the
 * elements that hold their reservations; the profile and cancel messages have none (null).
 */
public enum OtaMessageType {
    HOTEL_RES_NOTIF("OTA_HotelResNotifRQ", "OTA_HotelResNotifRS", "HotelReservations", "HotelReservation"),
    HOTEL_RES_MODIFY_NOTIF("OTA_HotelResModifyNotifRQ", "OTA_HotelResModifyNotifRS", "HotelResModifies", "HotelResModify"),
    PROFILE_CREATE("OTA_ProfileCreateRQ", "OTA_ProfileCreateRS", null, null),
    PROFILE_MODIFY("OTA_ProfileModifyRQ", "OTA_ProfileModifyRS", null, null),
    PROFILE_MERGE("OTA_ProfileMergeRQ", "OTA_ProfileMergeRS", null, null),
    CANCEL("OTA_CancelRQ", "OTA_CancelRS", null, null),
    /**
     * Not a push: the answer to the connector's own OTA_ReadRQ (OTA_POLLING, AlpineBits GuestRequests), read by
     * {@link OtaReservationParser#parseRetrieved}; "responseRoot" is the AlpineBits acknowledgement sent after it.
     */
    RES_RETRIEVE("OTA_ResRetrieveRS", "OTA_NotifReportRQ", "ReservationsList", "HotelReservation");

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

    /** True for OTA_HotelResNotifRQ and OTA_HotelResModifyNotifRQ, read by {@link OtaReservationParser}. */
    public boolean isReservationPush() {
        return reservationsElement != null && this != RES_RETRIEVE;
    }

    public boolean isProfileMessage() {
        return this == PROFILE_CREATE || this == PROFILE_MODIFY || this == PROFILE_MERGE;
    }

    /** The message type of a request root element's local name, or null when the connector does not take it. */
    public static OtaMessageType byRequestRoot(String localName) {
        for (OtaMessageType type : values()) {
            if (type != RES_RETRIEVE && type.requestRoot.equals(localName)) {
                return type;
            }
        }
        return null;
    }

    /** The accepted request roots, for a rejection's text. */
    public static String acceptedRoots() {
        StringBuilder roots = new StringBuilder();
        for (OtaMessageType type : values()) {
            if (type == RES_RETRIEVE) {
                continue;
            }
            roots.append(roots.isEmpty() ? "" : ", ").append(type.requestRoot);
        }
        return roots.toString();
    }
}
