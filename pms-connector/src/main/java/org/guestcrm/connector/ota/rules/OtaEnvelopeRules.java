package org.guestcrm.connector.ota.rules;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

import org.guestcrm.connector.domain.CanonicalLimits;
import org.guestcrm.connector.domain.NumberLexemes;
import org.guestcrm.connector.ota.OtaRejection;
import org.guestcrm.connector.ota.OtaRejection.Kind;
import org.guestcrm.connector.ota.OtaUniqueId;
import org.guestcrm.connector.ota.binding.OtaElements;

/**
 * The rules for the values every OTA message's root carries (TimeStamp, SequenceNmbr, RetransmissionIndicator) and for
 * UniqueIDs. Each rejection names the attribute, never its value.
 */
public final class OtaEnvelopeRules {

    private static final long MAX_SEQUENCE = 999_999_999_999_999_999L;

    private OtaEnvelopeRules() {
    }

    /** A date-time with offset; one without an offset is read as UTC; null when absent. */
    public static Instant timestamp(String value, String where) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > 40) {
            throw new OtaRejection(Kind.INVALID_DATE, where + " is not a date-time");
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                instant = LocalDateTime.parse(value.trim()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new OtaRejection(Kind.INVALID_DATE, where + " is not a date-time");
            }
        }
        if (!CanonicalLimits.inDateRange(instant)) {
            throw new OtaRejection(Kind.INVALID_DATE, where + " must be between " + CanonicalLimits.EARLIEST_DATE
                    + " and " + CanonicalLimits.LATEST_DATE);
        }
        return instant;
    }

    /** SequenceNmbr: a non-negative integer of at most 18 digits; null when absent. */
    public static Long sequence(String value, String where) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return NumberLexemes.nonNegative(value.trim(), MAX_SEQUENCE);
        } catch (NumberLexemes.NumberRejected e) {
            throw new OtaRejection(Kind.INVALID_VALUE, where + " " + e.getMessage());
        }
    }

    /** RetransmissionIndicator (xs:boolean): true, false, 1, 0; absent is false. */
    public static boolean retransmission(String value, String where) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim()) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new OtaRejection(Kind.INVALID_VALUE, where + " must be true or false");
        };
    }

    /**
     * The UniqueID to use: the first of a preferred UIT type with an ID, else the first with an ID; a missing one is
     * a rejection naming {@code where}; an over-long one too.
     */
    public static OtaUniqueId requiredId(List<OtaElements.UniqueId> ids, List<String> preferredTypes, int maxLength,
                                         String where) {
        OtaElements.UniqueId chosen = null;
        if (ids != null) {
            for (String type : preferredTypes) {
                chosen = ids.stream().filter(id -> id != null && type.equals(id.type) && !isBlank(id.id)).findFirst()
                        .orElse(null);
                if (chosen != null) {
                    break;
                }
            }
            if (chosen == null) {
                chosen = ids.stream().filter(id -> id != null && !isBlank(id.id)).findFirst().orElse(null);
            }
        }
        if (chosen == null) {
            throw new OtaRejection(Kind.MISSING, where + "@ID is required");
        }
        String id = chosen.id.trim();
        if (id.length() > maxLength) {
            throw new OtaRejection(Kind.INVALID_VALUE, where + "@ID is longer than " + maxLength + " characters");
        }
        return new OtaUniqueId(chosen.type, id);
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
