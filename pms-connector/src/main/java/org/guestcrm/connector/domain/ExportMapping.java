package org.guestcrm.connector.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a feed's daily export file (CSV) reads: which column holds which canonical field, the delimiter, the date
 * pattern, PMS status words, constant values (e.g. the hotel of a single-hotel export) and the export window in days
 * (arrivals from the export's date on). The default reads headers named like the canonical fields.
 *
 * @param columns      canonical field to CSV header
 * @param delimiter    the column separator
 * @param windowDays   how many days of arrivals an export covers (a reservation leaving it is not assumed cancelled)
 * @param datePattern  a java.time pattern for dates (e.g. dd.MM.yyyy), null = ISO yyyy-MM-dd
 * @param statusValues PMS status word to canonical status (e.g. "Storniert" to CANCELLED); others are upper-cased
 * @param constants    canonical field to a value used for every row (e.g. hotelCode)
 */
public record ExportMapping(Map<String, String> columns, char delimiter, int windowDays, String datePattern,
                            Map<String, String> statusValues, Map<String, String> constants) {

    /** Canonical fields of the reservation an export row may fill. */
    public static final Set<String> RESERVATION_FIELDS = Set.of("hotelCode", "hotelName", "pmsReservationId", "status",
            "arrival", "departure", "pmsSequence", "pmsModifiedAt", "createdAt", "cancelledAt", "cancellationReason",
            "totalAmount", "currency", "origin", "channel", "marketSegment", "sourceCode", "ratePlanCode", "roomTypeCode",
            "roomNumber", "adults", "children");
    /** Canonical fields of the row's (one) guest. */
    public static final Set<String> GUEST_FIELDS = Set.of("pmsProfileId", "title", "firstName", "lastName", "birthDate",
            "language", "nationality", "email", "phone");
    public static final Set<String> DATE_FIELDS = Set.of("arrival", "departure", "birthDate");
    public static final int MAX_WINDOW_DAYS = 3660;

    public ExportMapping {
        columns = Map.copyOf(columns);
        statusValues = Map.copyOf(statusValues);
        constants = Map.copyOf(constants);
    }

    /** Headers named like the canonical fields, comma, ISO dates, a 15-day window. */
    public static ExportMapping defaults() {
        Map<String, String> identity = new LinkedHashMap<>();
        RESERVATION_FIELDS.forEach(f -> identity.put(f, f));
        GUEST_FIELDS.forEach(f -> identity.put(f, f));
        return new ExportMapping(identity, ',', 15, null, Map.of(), Map.of());
    }

    public static boolean isField(String name) {
        return RESERVATION_FIELDS.contains(name) || GUEST_FIELDS.contains(name);
    }

    /** What is wrong with a mapping, each naming the field (never a value). */
    public List<ReservationRules.Violation> violations() {
        List<ReservationRules.Violation> violations = new ArrayList<>();
        for (Map.Entry<String, String> column : columns.entrySet()) {
            if (!isField(column.getKey())) {
                violations.add(new ReservationRules.Violation("columns." + column.getKey(), "is not a canonical field"));
            } else if (column.getValue() == null || column.getValue().isBlank() || column.getValue().length() > 200) {
                violations.add(new ReservationRules.Violation("columns." + column.getKey(),
                        "must name a header of 1 to 200 characters"));
            }
        }
        for (Map.Entry<String, String> constant : constants.entrySet()) {
            if (!isField(constant.getKey())) {
                violations.add(new ReservationRules.Violation("constants." + constant.getKey(), "is not a canonical field"));
            } else if (constant.getValue() == null || constant.getValue().length() > 300) {
                violations.add(new ReservationRules.Violation("constants." + constant.getKey(), "must be at most 300 characters"));
            }
        }
        for (Map.Entry<String, String> status : statusValues.entrySet()) {
            try {
                ReservationStatus.valueOf(status.getValue());
            } catch (IllegalArgumentException | NullPointerException e) {
                violations.add(new ReservationRules.Violation("statusValues", "maps to a value that is not a status"));
            }
        }
        if (!columns.containsKey("pmsReservationId") && !constants.containsKey("pmsReservationId")) {
            violations.add(new ReservationRules.Violation("columns.pmsReservationId", "is required"));
        }
        if (windowDays < 1 || windowDays > MAX_WINDOW_DAYS) {
            violations.add(new ReservationRules.Violation("windowDays", "must be from 1 to " + MAX_WINDOW_DAYS));
        }
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            violations.add(new ReservationRules.Violation("delimiter", "must be one character other than a quote or a line break"));
        }
        if (datePattern != null) {
            try {
                java.time.format.DateTimeFormatter.ofPattern(datePattern);
            } catch (IllegalArgumentException e) {
                violations.add(new ReservationRules.Violation("datePattern", "is not a date pattern"));
            }
        }
        return violations;
    }
}
