package org.guestcrm.connector.vendor;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.guestcrm.connector.api.CanonicalReservation;
import org.guestcrm.connector.domain.ReservationChangeType;
import org.guestcrm.connector.domain.ReservationStatus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * apaleo's reservation ({@code GET /booking/v1/reservations/{id}}, apaleo's {@code ReservationModel}) to the canonical
 * reservation. {@code status}: Confirmed → CONFIRMED, InHouse → CHECKED_IN, CheckedOut → CHECKED_OUT, Canceled →
 * CANCELLED, NoShow → NO_SHOW (the one no-show, whatever the webhook said). {@code arrival}/{@code departure} are
 * date-times at the property's offset: their local dates are the stay. The change type follows the state (CREATED while
 * {@code created} equals {@code modified}), so a repeated fetch of an unchanged state maps to the same event content.
 * apaleo's guests carry no id: the primary guest is {@code <reservationId>-G1}, additional guests {@code -G2}... (as
 * the OTA mapping does for guests without a profile id).
 */
public final class ApaleoMapping {

    private ApaleoMapping() {
    }

    /** The mapped reservation and what could not be read (field names only). */
    public record Mapped(CanonicalReservation reservation, List<String> problems) {
    }

    public static Mapped reservation(JsonNode r, String notifiedPropertyId) {
        VendorFields f = new VendorFields();
        String id = f.text(r, "id");
        String statusText = f.text(r, "status");
        ReservationStatus status = statusText == null ? null : switch (statusText) {
            case "Confirmed" -> ReservationStatus.CONFIRMED;
            case "InHouse" -> ReservationStatus.CHECKED_IN;
            case "CheckedOut" -> ReservationStatus.CHECKED_OUT;
            case "Canceled" -> ReservationStatus.CANCELLED;
            case "NoShow" -> ReservationStatus.NO_SHOW;
            default -> {
                f.problems.add("status is not an apaleo reservation status (Confirmed, InHouse, CheckedOut, Canceled, NoShow)");
                yield null;
            }
        };
        OffsetDateTime created = f.dateTime(r, "created", "created");
        OffsetDateTime modified = f.dateTime(r, "modified", "modified");
        ReservationChangeType change = status == ReservationStatus.CONFIRMED && created != null && created.equals(modified)
                ? ReservationChangeType.CREATED : null;
        String hotelCode = f.text(r, "property", "code");
        if (hotelCode == null) {
            hotelCode = f.text(r, "property", "id");
        }
        if (hotelCode == null) {
            hotelCode = notifiedPropertyId;
        }
        JsonNode amount = r.get("totalGrossAmount");
        CanonicalReservation.MoneyDto total = null;
        if (amount != null && amount.isObject()) {
            var value = f.decimal(amount, "amount", "totalGrossAmount.amount");
            String currency = f.text(amount, "currency");
            total = value == null ? null : new CanonicalReservation.MoneyDto(value, currency);
        }
        JsonNode childrenAges = r.get("childrenAges");
        Map<String, String> references = new LinkedHashMap<>();
        putIfPresent(references, "apaleo:bookingId", f.text(r, "bookingId"));
        putIfPresent(references, "apaleo:externalCode", f.text(r, "externalCode"));
        List<String> comments = new ArrayList<>();
        addIfPresent(comments, f.text(r, "comment"));
        addIfPresent(comments, f.text(r, "guestComment"));
        List<CanonicalReservation.GuestDto> guests = new ArrayList<>();
        JsonNode primary = r.get("primaryGuest");
        if (primary != null && primary.isObject()) {
            guests.add(guest(f, primary, id + "-G1", true));
        }
        JsonNode additional = r.get("additionalGuests");
        if (additional != null && additional.isArray()) {
            for (JsonNode guest : additional) {
                if (guest.isObject()) {
                    guests.add(guest(f, guest, id + "-G" + (guests.size() + 1), false));
                }
            }
        }
        OffsetDateTime arrival = f.dateTime(r, "arrival", "arrival");
        OffsetDateTime departure = f.dateTime(r, "departure", "departure");
        CanonicalReservation reservation = new CanonicalReservation(
                hotelCode,
                f.text(r, "property", "name"),
                null,
                id,
                status,
                change,
                VendorFields.dateOf(arrival),
                VendorFields.dateOf(departure),
                null,
                modified,
                created,
                status == ReservationStatus.CANCELLED ? f.dateTime(r, "cancellationTime", "cancellationTime")
                        : status == ReservationStatus.NO_SHOW ? f.dateTime(r, "noShowTime", "noShowTime") : null,
                null,
                total,
                total == null ? null : Boolean.TRUE,
                f.text(r, "source"),
                f.text(r, "channelCode"),
                f.text(r, "marketSegment", "code"),
                null,
                f.text(r, "ratePlan", "code"),
                f.text(r, "unitGroup", "code"),
                f.text(r, "unit", "name"),
                f.integer(r, "adults", "adults"),
                childrenAges != null && childrenAges.isArray() ? childrenAges.size() : null,
                comments,
                List.of(),
                references,
                guests);
        return new Mapped(reservation, List.copyOf(f.problems));
    }

    private static CanonicalReservation.GuestDto guest(VendorFields f, JsonNode g, String profileId, boolean primary) {
        List<CanonicalReservation.AddressDto> addresses = new ArrayList<>();
        JsonNode address = g.get("address");
        if (address != null && address.isObject()) {
            List<String> lines = new ArrayList<>();
            addIfPresent(lines, f.text(address, "addressLine1"));
            addIfPresent(lines, f.text(address, "addressLine2"));
            addresses.add(new CanonicalReservation.AddressDto(null, lines, f.text(address, "city"),
                    f.text(address, "postalCode"), f.text(address, "regionCode"), f.text(address, "countryCode"), null));
        }
        String email = f.text(g, "email");
        String phone = f.text(g, "phone");
        return new CanonicalReservation.GuestDto(profileId, primary, null, f.text(g, "title"), f.text(g, "firstName"),
                f.text(g, "middleInitial"), f.text(g, "lastName"), f.text(g, "birthDate"), f.text(g, "gender"),
                f.text(g, "preferredLanguage"), f.text(g, "nationalityCountryCode"),
                email == null ? List.of() : List.of(email), phone == null ? List.of() : List.of(phone), addresses, null,
                null, f.text(g, "company", "name"), null, null, null, null, null,
                // apaleo's booker/guest (booking/v1 PersonModel) has no preferences field: none to map
                null);
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static void addIfPresent(List<String> list, String value) {
        if (value != null) {
            list.add(value);
        }
    }
}
