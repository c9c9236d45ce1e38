package org.guestcrm.connector.ota;

/** The few OpenTravel code-table values the connector answers with (EWT = Error Warning Type, ERR = Error code). */
public final class OtaErrorCodes {
    public static final String TYPE_AUTHENTICATION = "4";
    public static final String TYPE_PROTOCOL_VIOLATION = "7";
    public static final String TYPE_REQUIRED_FIELD_MISSING = "10";
    public static final String TYPE_PROCESSING_EXCEPTION = "12";
    public static final String TYPE_BIZ_RULE = "3";

    public static final String CODE_INVALID_DATE = "15";
    public static final String CODE_INVALID_VALUE = "320";
    public static final String CODE_REQUIRED_FIELD_MISSING = "321";
    public static final String CODE_UNABLE_TO_PROCESS = "450";
    public static final String CODE_AUTHORIZATION_ERROR = "497";
    /** ERR 245: invalid confirmation or cancellation number (the reservation is not known). */
    public static final String CODE_UNKNOWN_RESERVATION = "245";

    private OtaErrorCodes() {
    }
}
