package org.guestcrm.connector.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one declared canonical model of what a reservation may hold: string lengths, counts, number
 * ranges and date ranges. The lengths match the columns downstream (read from the other services'
 * Flyway migrations, V1-V3), so a value that passes here is never refused by a consumer's store and
 * never lands in a dead-letter topic:
 * <ul>
 *   <li>profile-service {@code source_profile}/{@code guest}: pms_profile_id 200, title 50, first/middle/last
 *       name 200, gender 30, language 35, nationality 60, company_name 300, loyalty 100, profile_type 50,
 *       hotel_code 100; {@code guest_contact_point.value} 320, type 50.</li>
 *   <li>journey-service {@code reservation}: hotel_code 100, hotel_name 300, pms_reservation_id 200,
 *       guest_email 320, guest_language 35, and guest_name 300 = first name + " " + last name, hence
 *       first name 149 and last name 150.</li>
 *   <li>optout-service: {@code outbox_event.record_key} 320 holds {@code tenant:EMAIL:MARKETING:<e-mail>};
 *       with a tenant id of up to 64 characters (the connector's feed.tenant_id) an e-mail may have 239.</li>
 *   <li>pms_reservation_id is 190, not 200: a guest without a PMS profile id gets the synthetic id
 *       {@code <pmsReservationId>-G<n>}, which must still fit pms_profile_id (200).</li>
 * </ul>
 * Fields no consumer stores in a column (comments, address parts, rate codes) get generous bounds of
 * their own. Every violation names the canonical field (as in the JSON form, e.g. {@code guests[0].lastName})
 * and never its value.
 */
public final class CanonicalLimits {

    public static final int HOTEL_CODE = 100;
    public static final int HOTEL_NAME = 300;
    public static final int CHAIN_CODE = 100;
    public static final int PMS_RESERVATION_ID = 190;
    public static final int CANCELLATION_REASON = 500;
    public static final int ORIGIN = 200;
    public static final int CODE = 100;
    public static final int ROOM_NUMBER = 50;
    public static final int COMMENT = 4000;
    public static final int EXTRA_SERVICE_NAME = 300;
    public static final int EXTERNAL_REFERENCE_KEY = 100;
    public static final int EXTERNAL_REFERENCE_VALUE = 200;

    public static final int PMS_PROFILE_ID = 200;
    public static final int PROFILE_TYPE = 50;
    public static final int TITLE = 50;
    public static final int FIRST_NAME = 149;
    public static final int MIDDLE_NAME = 200;
    public static final int LAST_NAME = 150;
    public static final int GENDER = 30;
    public static final int LANGUAGE = 35;
    public static final int NATIONALITY = 2;
    public static final int EMAIL = 239;
    public static final int PHONE = 64;
    public static final int CONTACT_TYPE = 50;
    public static final int ADDRESS_LINE = 200;
    public static final int CITY = 100;
    public static final int POSTAL_CODE = 32;
    public static final int STATE_PROVINCE = 100;
    public static final int COUNTRY_CODE = 2;
    public static final int COUNTRY_NAME = 100;
    public static final int LOYALTY = 100;
    public static final int COMPANY_NAME = 300;

    public static final int RESERVATIONS_PER_MESSAGE = 100;
    public static final int GUESTS_PER_MESSAGE = 200;
    public static final int COMMENTS_PER_MESSAGE = 200;
    public static final int EXTRA_SERVICES_PER_RESERVATION = 100;
    public static final int EXTERNAL_REFERENCES_PER_RESERVATION = 20;
    public static final int CONTACTS_PER_GUEST = 10;
    public static final int ADDRESS_LINES = 5;

    public static final int MAX_GUEST_COUNT = 999;
    public static final int MAX_QUANTITY = 9999;

    /** Money is decimal(19,4) in the events: 15 integer digits, 4 decimal places. */
    public static final int AMOUNT_INTEGER_DIGITS = 15;
    public static final int AMOUNT_FRACTION_DIGITS = 4;

    /** Dates and timestamps outside these years are refused (they also keep Avro's int dates and long millis safe). */
    public static final LocalDate EARLIEST_DATE = LocalDate.of(1900, 1, 1);
    public static final LocalDate LATEST_DATE = LocalDate.of(2199, 12, 31);
    private static final Instant EARLIEST_INSTANT = EARLIEST_DATE.atStartOfDay().toInstant(ZoneOffset.UTC);
    private static final Instant LATEST_INSTANT = LATEST_DATE.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);

    private CanonicalLimits() {
    }

    /** True when the amount fits Money: at most 15 integer digits and 4 decimal places (trailing zeros aside). */
    public static boolean fitsMoney(BigDecimal value) {
        if (value.signum() == 0) {
            return true;
        }
        // precision - scale is the number of integer digits; both are O(1) here, no arithmetic on the value.
        long integerDigits = (long) value.precision() - value.scale();
        if (integerDigits > AMOUNT_INTEGER_DIGITS) {
            return false;
        }
        if (value.scale() <= AMOUNT_FRACTION_DIGITS) {
            return true;
        }
        // Only small values get here (precision bounded by the lexeme); strip the zeros that do not count.
        return value.precision() <= 64 && value.stripTrailingZeros().scale() <= AMOUNT_FRACTION_DIGITS;
    }

    public static boolean inDateRange(LocalDate date) {
        return !date.isBefore(EARLIEST_DATE) && !date.isAfter(LATEST_DATE);
    }

    public static boolean inDateRange(Instant instant) {
        return !instant.isBefore(EARLIEST_INSTANT) && instant.isBefore(LATEST_INSTANT);
    }

    /** Violations of the limits by one message's reservations taken together (counts per message). */
    public static List<ReservationRules.Violation> messageViolations(List<Reservation> reservations) {
        List<ReservationRules.Violation> violations = new ArrayList<>();
        if (reservations.size() > RESERVATIONS_PER_MESSAGE) {
            violations.add(tooMany("reservations", RESERVATIONS_PER_MESSAGE));
            return violations;
        }
        int guests = reservations.stream().mapToInt(r -> r.guests().size()).sum();
        if (guests > GUESTS_PER_MESSAGE) {
            violations.add(tooMany("guests", GUESTS_PER_MESSAGE));
        }
        int comments = reservations.stream().mapToInt(r -> r.comments().size()).sum();
        if (comments > COMMENTS_PER_MESSAGE) {
            violations.add(tooMany("comments", COMMENTS_PER_MESSAGE));
        }
        return violations;
    }

    /** Violations of the limits by one reservation; each names the field, never the value. */
    public static List<ReservationRules.Violation> violations(Reservation r) {
        Checker c = new Checker();
        c.length("hotelCode", r.hotelCode(), HOTEL_CODE);
        c.length("hotelName", r.hotelName(), HOTEL_NAME);
        c.length("chainCode", r.chainCode(), CHAIN_CODE);
        c.length("pmsReservationId", r.pmsReservationId(), PMS_RESERVATION_ID);
        c.length("cancellationReason", r.cancellationReason(), CANCELLATION_REASON);
        c.length("origin", r.origin(), ORIGIN);
        c.length("channel", r.channel(), CODE);
        c.length("marketSegment", r.marketSegment(), CODE);
        c.length("sourceCode", r.sourceCode(), CODE);
        c.length("ratePlanCode", r.ratePlanCode(), CODE);
        c.length("roomTypeCode", r.roomTypeCode(), CODE);
        c.length("roomNumber", r.roomNumber(), ROOM_NUMBER);
        c.date("arrival", r.arrival());
        c.date("departure", r.departure());
        c.instant("pmsModifiedAt", r.pmsModifiedAt());
        c.instant("createdAt", r.createdAt());
        c.instant("cancelledAt", r.cancelledAt());
        c.amount("totalAmount.amount", r.totalAmount());
        c.range("adults", r.adults(), MAX_GUEST_COUNT);
        c.range("children", r.children(), MAX_GUEST_COUNT);
        if (r.comments().size() > COMMENTS_PER_MESSAGE) {
            c.add(tooMany("comments", COMMENTS_PER_MESSAGE));
        } else {
            for (int i = 0; i < r.comments().size(); i++) {
                c.length("comments[" + i + "]", r.comments().get(i), COMMENT);
            }
        }
        if (r.extraServices().size() > EXTRA_SERVICES_PER_RESERVATION) {
            c.add(tooMany("extraServices", EXTRA_SERVICES_PER_RESERVATION));
        } else {
            for (int i = 0; i < r.extraServices().size(); i++) {
                ExtraService s = r.extraServices().get(i);
                String at = "extraServices[" + i + "].";
                c.length(at + "code", s.code(), CODE);
                c.length(at + "name", s.name(), EXTRA_SERVICE_NAME);
                c.range(at + "quantity", s.quantity(), MAX_QUANTITY);
                c.date(at + "serviceDate", s.serviceDate());
                c.amount(at + "amount.amount", s.amount());
            }
        }
        if (r.externalReferences().size() > EXTERNAL_REFERENCES_PER_RESERVATION) {
            c.add(tooMany("externalReferences", EXTERNAL_REFERENCES_PER_RESERVATION));
        } else {
            for (Map.Entry<String, String> reference : r.externalReferences().entrySet()) {
                if (reference.getKey().length() > EXTERNAL_REFERENCE_KEY) {
                    c.add(new ReservationRules.Violation("externalReferences",
                            "has a key longer than " + EXTERNAL_REFERENCE_KEY + " characters"));
                }
                c.length("externalReferences", reference.getValue(), EXTERNAL_REFERENCE_VALUE);
            }
        }
        if (r.guests().size() > GUESTS_PER_MESSAGE) {
            c.add(tooMany("guests", GUESTS_PER_MESSAGE));
        } else {
            for (int i = 0; i < r.guests().size(); i++) {
                guest(c, "guests[" + i + "].", r.guests().get(i));
            }
        }
        return c.violations;
    }

    /** Violations of the limits by a profile sent on its own (OTA profile messages); each names the field, never the value. */
    public static List<ReservationRules.Violation> profileViolations(GuestProfile profile) {
        Checker c = new Checker();
        guest(c, "", profile);
        return c.violations;
    }

    private static void guest(Checker c, String at, GuestProfile g) {
        c.length(at + "pmsProfileId", g.pmsProfileId(), PMS_PROFILE_ID);
        c.length(at + "profileType", g.profileType(), PROFILE_TYPE);
        c.length(at + "title", g.title(), TITLE);
        c.length(at + "firstName", g.firstName(), FIRST_NAME);
        c.length(at + "middleName", g.middleName(), MIDDLE_NAME);
        c.length(at + "lastName", g.lastName(), LAST_NAME);
        c.date(at + "birthDate", g.birthDate());
        c.length(at + "gender", g.gender(), GENDER);
        c.length(at + "language", g.language(), LANGUAGE);
        c.length(at + "nationality", g.nationality(), NATIONALITY);
        c.length(at + "loyaltyProgram", g.loyaltyProgram(), LOYALTY);
        c.length(at + "loyaltyNumber", g.loyaltyNumber(), LOYALTY);
        c.length(at + "companyName", g.companyName(), COMPANY_NAME);
        GuestPreferences.check(c.violations, at, g.preferences());
        if (g.emails().size() > CONTACTS_PER_GUEST) {
            c.add(tooMany(at + "emails", CONTACTS_PER_GUEST));
        } else {
            for (int i = 0; i < g.emails().size(); i++) {
                c.length(at + "emails[" + i + "]", g.emails().get(i).address(), EMAIL);
                c.length(at + "emails[" + i + "].type", g.emails().get(i).type(), CONTACT_TYPE);
            }
        }
        if (g.phones().size() > CONTACTS_PER_GUEST) {
            c.add(tooMany(at + "phones", CONTACTS_PER_GUEST));
        } else {
            for (int i = 0; i < g.phones().size(); i++) {
                c.length(at + "phones[" + i + "]", g.phones().get(i).number(), PHONE);
                c.length(at + "phones[" + i + "].type", g.phones().get(i).type(), CONTACT_TYPE);
            }
        }
        if (g.addresses().size() > CONTACTS_PER_GUEST) {
            c.add(tooMany(at + "addresses", CONTACTS_PER_GUEST));
            return;
        }
        for (int i = 0; i < g.addresses().size(); i++) {
            GuestProfile.Address a = g.addresses().get(i);
            String here = at + "addresses[" + i + "].";
            c.length(here + "type", a.type(), CONTACT_TYPE);
            if (a.lines().size() > ADDRESS_LINES) {
                c.add(tooMany(here + "lines", ADDRESS_LINES));
            } else {
                for (int l = 0; l < a.lines().size(); l++) {
                    c.length(here + "lines[" + l + "]", a.lines().get(l), ADDRESS_LINE);
                }
            }
            c.length(here + "city", a.city(), CITY);
            c.length(here + "postalCode", a.postalCode(), POSTAL_CODE);
            c.length(here + "stateProvince", a.stateProvince(), STATE_PROVINCE);
            c.length(here + "countryCode", a.countryCode(), COUNTRY_CODE);
            c.length(here + "countryName", a.countryName(), COUNTRY_NAME);
        }
    }

    private static ReservationRules.Violation tooMany(String field, int max) {
        return new ReservationRules.Violation(field, "has more than " + max + " entries");
    }

    private static final class Checker {
        final List<ReservationRules.Violation> violations = new ArrayList<>();

        void add(ReservationRules.Violation violation) {
            violations.add(violation);
        }

        void length(String field, String value, int max) {
            if (value != null && value.length() > max) {
                violations.add(new ReservationRules.Violation(field, "is longer than " + max + " characters"));
            }
        }

        void range(String field, int value, int max) {
            if (value < 0 || value > max) {
                violations.add(new ReservationRules.Violation(field, "must be from 0 to " + max));
            }
        }

        void date(String field, LocalDate value) {
            if (value != null && !inDateRange(value)) {
                violations.add(new ReservationRules.Violation(field, "must be between " + EARLIEST_DATE + " and " + LATEST_DATE));
            }
        }

        void instant(String field, Instant value) {
            if (value != null && !inDateRange(value)) {
                violations.add(new ReservationRules.Violation(field, "must be between " + EARLIEST_DATE + " and " + LATEST_DATE));
            }
        }

        void amount(String field, Amount amount) {
            if (amount != null && !fitsMoney(amount.value())) {
                violations.add(new ReservationRules.Violation(field, NumberLexemes.AMOUNT_SHAPE));
            }
        }
    }
}
