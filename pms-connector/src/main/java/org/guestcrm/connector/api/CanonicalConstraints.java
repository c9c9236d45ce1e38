package org.guestcrm.connector.api;

import java.util.List;

/**
 * A quick look at a canonical reservation's bean constraints (those of {@link CanonicalReservation} and its nested
 * DTOs: {@code @NotBlank}, {@code @NotNull}, {@code @PositiveOrZero}, the currency pattern, the stay's order) that
 * answers only "certainly valid": true means Hibernate Validator would find no violation; false means "maybe not", and
 * then the validator runs and names the fields, with its own messages. So a rejected row keeps exactly the reasons it
 * had, and the common valid row skips the validator's reflective cascade (history import profile 2026-12-04: the
 * validator was the second largest item of the import's CPU). Every condition here is at least as strict as its
 * annotation; {@code CanonicalConstraintsTest} holds them against the validator. A constraint added to the DTOs must be
 * added here too (the test's mutations include each annotated field).
 */
final class CanonicalConstraints {

    private CanonicalConstraints() {
    }

    static boolean certainlyValid(CanonicalReservation r) {
        if (!notBlank(r.hotelCode()) || !notBlank(r.pmsReservationId()) || r.status() == null || r.arrival() == null
                || r.departure() == null || r.departure().isBefore(r.arrival())) {
            return false;
        }
        if (negative(r.pmsSequence()) || negative(r.adults()) || negative(r.children())) {
            return false;
        }
        if (r.totalAmount() != null && !money(r.totalAmount())) {
            return false;
        }
        List<CanonicalReservation.ExtraServiceDto> services = r.extraServices();
        if (services != null) {
            for (CanonicalReservation.ExtraServiceDto service : services) {
                if (service == null || !notBlank(service.code()) || negative(service.quantity())
                        || (service.amount() != null && !money(service.amount()))) {
                    return false;
                }
            }
        }
        List<CanonicalReservation.GuestDto> guests = r.guests();
        if (guests != null) {
            for (CanonicalReservation.GuestDto guest : guests) {
                if (!certainlyValid(guest)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A guest (of a reservation, or a profile line's profile): its only constraint is the profile id. */
    static boolean certainlyValid(CanonicalReservation.GuestDto guest) {
        return guest != null && notBlank(guest.pmsProfileId());
    }

    private static boolean money(CanonicalReservation.MoneyDto money) {
        String currency = money.currency();
        return money.amount() != null && currency != null && currency.length() == 3
                && upper(currency.charAt(0)) && upper(currency.charAt(1)) && upper(currency.charAt(2));
    }

    private static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    /**
     * {@code @NotBlank}, at least as strict: a character that is neither a control character, nor white space, nor a
     * space of any kind (the validator takes U+2003 as blank; this takes U+00A0 as blank too: such a value goes to the
     * validator, which decides).
     */
    private static boolean notBlank(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > ' ' && !Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean negative(Number n) {
        return n != null && n.longValue() < 0;
    }
}
