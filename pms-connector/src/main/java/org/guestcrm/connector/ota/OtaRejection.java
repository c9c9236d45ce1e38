package org.guestcrm.connector.ota;

/**
 * An OpenTravel message the connector refuses, with the OTA error coding it answers with.
 * The message names the element or attribute at fault and never carries payment data.
 *
 * @param type      OTA Error Warning Type (EWT) code, e.g. 10 = Required field missing
 * @param code      OTA Error code (ERR), e.g. 321 = Required field missing
 * @param shortText short OTA text of the code
 */
public class OtaRejection extends RuntimeException {

    public enum Kind {
        MALFORMED(OtaErrorCodes.TYPE_PROTOCOL_VIOLATION, OtaErrorCodes.CODE_UNABLE_TO_PROCESS, "Unable to process"),
        WRONG_MESSAGE(OtaErrorCodes.TYPE_PROTOCOL_VIOLATION, OtaErrorCodes.CODE_UNABLE_TO_PROCESS, "Unable to process"),
        MISSING(OtaErrorCodes.TYPE_REQUIRED_FIELD_MISSING, OtaErrorCodes.CODE_REQUIRED_FIELD_MISSING, "Required field missing"),
        INVALID_DATE(OtaErrorCodes.TYPE_BIZ_RULE, OtaErrorCodes.CODE_INVALID_DATE, "Invalid date"),
        INVALID_VALUE(OtaErrorCodes.TYPE_BIZ_RULE, OtaErrorCodes.CODE_INVALID_VALUE, "Invalid value"),
        TOO_LARGE(OtaErrorCodes.TYPE_PROCESSING_EXCEPTION, OtaErrorCodes.CODE_UNABLE_TO_PROCESS, "Message too large"),
        UNAUTHORIZED(OtaErrorCodes.TYPE_AUTHENTICATION, OtaErrorCodes.CODE_AUTHORIZATION_ERROR, "Authorization error"),
        RATE_LIMITED(OtaErrorCodes.TYPE_PROCESSING_EXCEPTION, OtaErrorCodes.CODE_UNABLE_TO_PROCESS, "Too many requests"),
        UNKNOWN_RESERVATION(OtaErrorCodes.TYPE_BIZ_RULE, OtaErrorCodes.CODE_UNKNOWN_RESERVATION, "Invalid confirmation or cancellation number");

        final String type;
        final String code;
        final String shortText;

        Kind(String type, String code, String shortText) {
            this.type = type;
            this.code = code;
            this.shortText = shortText;
        }
    }

    private final Kind kind;
    private OtaEnvelope envelope;

    public OtaRejection(Kind kind, String reason) {
        super(reason, null, false, false);
        this.kind = kind;
    }

    public OtaRejection(Kind kind, String reason, Throwable cause) {
        super(reason, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public String type() {
        return kind.type;
    }

    public String code() {
        return kind.code;
    }

    public String shortText() {
        return kind.shortText;
    }

    /** The request's envelope when it could be read (to echo EchoToken and friends), else null. */
    public OtaEnvelope envelope() {
        return envelope;
    }

    public OtaRejection withEnvelope(OtaEnvelope envelope) {
        if (this.envelope == null) {
            this.envelope = envelope;
        }
        return this;
    }
}
