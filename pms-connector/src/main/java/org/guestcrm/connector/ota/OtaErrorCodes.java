package org.guestcrm.connector.ota;

/** The few OpenTravel code-table values the connector answers with (EWT = Error Warning Type, ERR = Error code). */
final class OtaErrorCodes {
    static final String TYPE_AUTHENTICATION = "4";
    static final String TYPE_PROTOCOL_VIOLATION = "7";
    static final String TYPE_REQUIRED_FIELD_MISSING = "10";
    static final String TYPE_PROCESSING_EXCEPTION = "12";
    static final String TYPE_BIZ_RULE = "3";

    static final String CODE_INVALID_DATE = "15";
    static final String CODE_INVALID_VALUE = "320";
    static final String CODE_REQUIRED_FIELD_MISSING = "321";
    static final String CODE_UNABLE_TO_PROCESS = "450";
    static final String CODE_AUTHORIZATION_ERROR = "497";

    private OtaErrorCodes() {
    }
}
