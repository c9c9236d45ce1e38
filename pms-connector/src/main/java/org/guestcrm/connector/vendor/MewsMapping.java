package org.guestcrm.connector.vendor;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.guestcrm.connector.api.CanonicalReservation;
import org.guestcrm.connector.domain.ReservationChangeType;
import org.guestcrm.connector.domain.ReservationStatus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Mews Connector API entities to the canonical forms. A {@code Reservation} ({@code reservations/getAll}; the fields of
 * ver 2017-04-12, with the 2023-06-06 names {@code AccountId}, {@code ScheduledStartUtc}/{@code ScheduledEndUtc} read
 * too): {@code State} Inquired/Enquired/Requested/Optional → TENTATIVE, Confirmed → CONFIRMED, Started → CHECKED_IN,
 * Processed → CHECKED_OUT, Canceled → CANCELLED, and Canceled with {@code CancellationReason} {@code NoShow} → NO_SHOW
 * (the one no-show). Stays are UTC instants in Mews: their dates are taken in the hotel's time zone. Mews reservations
 * carry no hotel code: the feed's hotel when it has one, else the webhook's {@code EnterpriseId}. A {@code Customer}
 * ({@code customers/getAll}) becomes the guest profile {@code pmsProfileId} = its {@code Id}; {@code Options}
 * {@code SendMarketingEmails} is the e-mail opt-in.
 */
public final class MewsMapping {

    private MewsMapping() {
    }

    public record MappedReservation(CanonicalReservation reservation, String customerId, List<String> problems) {
    }

    public record MappedCustomer(CanonicalReservation.GuestDto guest, Instant updatedUtc, List<String> problems) {
    }

    /** The reservation's customer id (the main guest), to fetch with {@code customers/getAll}; null when none. */
    public static String customerId(JsonNode r) {
        VendorFields f = new VendorFields();
        String id = f.text(r, "CustomerId");
        return id != null ? id : f.text(r, "AccountId");
    }

    public static MappedReservation reservation(JsonNode r, CanonicalReservation.GuestDto guest, String hotelCode,
                                                ZoneId zone) {
        VendorFields f = new VendorFields();
        String state = f.text(r, "State");
        String reason = f.text(r, "CancellationReason");
        ReservationStatus status = state == null ? null : switch (state) {
            case "Inquired", "Enquired", "Requested", "Optional" -> ReservationStatus.TENTATIVE;
            case "Confirmed" -> ReservationStatus.CONFIRMED;
            case "Started" -> ReservationStatus.CHECKED_IN;
            case "Processed" -> ReservationStatus.CHECKED_OUT;
            case "Canceled" -> "NoShow".equals(reason) ? ReservationStatus.NO_SHOW : ReservationStatus.CANCELLED;
            default -> {
                f.problems.add("State is not a Mews reservation state");
                yield null;
            }
        };
        var created = f.dateTime(r, "CreatedUtc", "CreatedUtc");
        var updated = f.dateTime(r, "UpdatedUtc", "UpdatedUtc");
        ReservationChangeType change = (status == ReservationStatus.CONFIRMED || status == ReservationStatus.TENTATIVE)
                && created != null && created.equals(updated) ? ReservationChangeType.CREATED : null;
        LocalDate arrival = date(f, r, "StartUtc", "ScheduledStartUtc", zone);
        LocalDate departure = date(f, r, "EndUtc", "ScheduledEndUtc", zone);
        Integer adults = f.integer(r, "AdultCount", "AdultCount");
        Integer children = f.integer(r, "ChildCount", "ChildCount");
        if (adults == null && r.path("PersonCounts").isArray()) {
            int persons = 0;
            for (JsonNode count : r.path("PersonCounts")) {
                persons += Math.max(0, count.path("Count").asInt(0));
            }
            adults = persons == 0 ? null : persons;
        }
        Map<String, String> references = new LinkedHashMap<>();
        String number = f.text(r, "Number");
        if (number != null) {
            references.put("mews:Number", number);
        }
        String channelNumber = f.text(r, "ChannelNumber");
        if (channelNumber != null) {
            references.put("mews:ChannelNumber", channelNumber);
        }
        CanonicalReservation reservation = new CanonicalReservation(
                hotelCode, null, null, f.text(r, "Id"), status, change, arrival, departure, null, updated, created,
                status == ReservationStatus.CANCELLED || status == ReservationStatus.NO_SHOW
                        ? f.dateTime(r, "CancelledUtc", "CancelledUtc") : null,
                status == ReservationStatus.CANCELLED ? reason : null,
                null, null, f.text(r, "Origin"), f.text(r, "ChannelManager"), null, null, null, null, null,
                adults, children, List.of(), List.of(), references, guest == null ? List.of() : List.of(guest));
        return new MappedReservation(reservation, customerId(r), List.copyOf(f.problems));
    }

    public static MappedCustomer customer(JsonNode c) {
        VendorFields f = new VendorFields();
        List<CanonicalReservation.AddressDto> addresses = new ArrayList<>();
        JsonNode address = c.get("Address");
        if (address != null && address.isObject()) {
            List<String> lines = new ArrayList<>();
            String line1 = f.text(address, "Line1");
            String line2 = f.text(address, "Line2");
            if (line1 != null) {
                lines.add(line1);
            }
            if (line2 != null) {
                lines.add(line2);
            }
            addresses.add(new CanonicalReservation.AddressDto(null, lines, f.text(address, "City"),
                    f.text(address, "PostalCode"), f.text(address, "CountrySubdivisionCode"),
                    f.text(address, "CountryCode"), null));
        }
        Boolean emailOptIn = null;
        JsonNode options = c.get("Options");
        if (options != null && options.isArray()) {
            emailOptIn = false;
            for (JsonNode option : options) {
                if ("SendMarketingEmails".equals(option.asText())) {
                    emailOptIn = true;
                }
            }
        }
        String email = f.text(c, "Email");
        String phone = f.text(c, "Phone");
        String gender = f.text(c, "Sex") != null ? f.text(c, "Sex") : f.text(c, "Gender");
        CanonicalReservation.GuestDto guest = new CanonicalReservation.GuestDto(f.text(c, "Id"), true, null,
                f.text(c, "Title"), f.text(c, "FirstName"), null, f.text(c, "LastName"), f.text(c, "BirthDate"), gender,
                f.text(c, "LanguageCode"), f.text(c, "NationalityCode"), email == null ? List.of() : List.of(email),
                phone == null ? List.of() : List.of(phone), addresses, null, f.text(c, "LoyaltyCode"), null, emailOptIn,
                null, null, null, null,
                // customers/getAll has no preferences field; Classifications (Returning, Staff, Blacklist, ...) are
                // status markers, not the guest's preferences: not mapped
                null);
        Instant updated = f.instant(c, "UpdatedUtc", "UpdatedUtc");
        return new MappedCustomer(guest, updated, List.copyOf(f.problems));
    }

    private static LocalDate date(VendorFields f, JsonNode r, String name, String newerName, ZoneId zone) {
        var value = f.dateTime(r, name, name);
        if (value == null) {
            value = f.dateTime(r, newerName, newerName);
        }
        return value == null ? null : value.atZoneSameInstant(zone).toLocalDate();
    }
}
