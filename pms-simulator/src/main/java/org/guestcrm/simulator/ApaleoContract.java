package org.guestcrm.simulator;

import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * apaleo's public contracts as the simulator serves them: the Booking API's reservation
 * ({@code GET /booking/v1/reservations/{id}}, field names of apaleo's {@code ReservationModel}) and the webhook
 * notification ({@code topic, type, id, accountId, propertyId, data.entityId, timestamp}).
 */
final class ApaleoContract {

    static final String RESERVATION_PATH = "/booking/v1/reservations/";
    private static final java.time.format.DateTimeFormatter ISO = java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    static final LocalTime CHECK_IN = LocalTime.of(15, 0);
    static final LocalTime CHECK_OUT = LocalTime.of(11, 0);

    private final ObjectMapper json;
    private final String accountId;
    private final ZoneId zone;

    ApaleoContract(ObjectMapper json, String accountId, ZoneId zone) {
        this.json = json;
        this.accountId = accountId;
        this.zone = zone;
    }

    /** apaleo's reservation status for a simulated state. */
    static String status(SimulatedReservation.State state) {
        return switch (state) {
            case TENTATIVE, CONFIRMED -> "Confirmed";
            case IN_HOUSE -> "InHouse";
            case CHECKED_OUT -> "CheckedOut";
            case CANCELED -> "Canceled";
            case NO_SHOW -> "NoShow";
        };
    }

    /** The webhook type apaleo sends when a reservation goes from {@code before} (null = new) to {@code after}. */
    static String webhookType(SimulatedReservation before, SimulatedReservation after) {
        if (before == null) {
            return "created";
        }
        if (before.state() != after.state()) {
            switch (after.state()) {
                case CANCELED: return "canceled";
                case NO_SHOW: return "set-to-no-show";
                case IN_HOUSE: return "checked-in";
                case CHECKED_OUT: return "checked-out";
                default: break;
            }
        }
        if (!before.arrival().equals(after.arrival()) || !before.departure().equals(after.departure())) {
            return "amended";
        }
        return "changed";
    }

    ObjectNode reservation(SimulatedReservation r, SimulatedCustomer guest) {
        ObjectNode node = json.createObjectNode();
        node.put("id", r.id());
        node.put("bookingId", r.id().contains("-") ? r.id().substring(0, r.id().lastIndexOf('-')) : r.id());
        node.put("status", status(r.state()));
        if (r.state() == SimulatedReservation.State.IN_HOUSE || r.state() == SimulatedReservation.State.CHECKED_OUT) {
            node.put("checkInTime", at(r.arrival().atTime(CHECK_IN)));
        }
        if (r.state() == SimulatedReservation.State.CHECKED_OUT) {
            node.put("checkOutTime", at(r.departure().atTime(CHECK_OUT)));
        }
        if (r.state() == SimulatedReservation.State.CANCELED) {
            node.put("cancellationTime", instant(r.modified()));
        }
        if (r.state() == SimulatedReservation.State.NO_SHOW) {
            node.put("noShowTime", instant(r.modified()));
        }
        ObjectNode property = node.putObject("property");
        property.put("id", r.propertyId());
        property.put("code", r.propertyId());
        property.put("name", "Simulated hotel " + r.propertyId());
        ObjectNode ratePlan = node.putObject("ratePlan");
        ratePlan.put("id", r.propertyId() + "-" + r.ratePlanCode());
        ratePlan.put("code", r.ratePlanCode());
        ratePlan.put("name", r.ratePlanCode());
        ObjectNode unitGroup = node.putObject("unitGroup");
        unitGroup.put("id", r.propertyId() + "-" + r.unitGroupCode());
        unitGroup.put("code", r.unitGroupCode());
        unitGroup.put("name", r.unitGroupCode());
        unitGroup.put("type", "BedRoom");
        if (r.totalGrossAmount() != null) {
            ObjectNode amount = node.putObject("totalGrossAmount");
            amount.put("amount", r.totalGrossAmount());
            amount.put("currency", r.currency());
        }
        node.put("arrival", at(r.arrival().atTime(CHECK_IN)));
        node.put("departure", at(r.departure().atTime(CHECK_OUT)));
        node.put("created", instant(r.created()));
        node.put("modified", instant(r.modified()));
        node.put("adults", r.adults());
        ArrayNode children = node.putArray("childrenAges");
        for (int i = 0; i < r.children(); i++) {
            children.add(8);
        }
        node.put("channelCode", r.channelCode());
        node.put("guaranteeType", "PM6Hold");
        if (guest != null) {
            ObjectNode primary = node.putObject("primaryGuest");
            putIfPresent(primary, "title", guest.title());
            putIfPresent(primary, "firstName", guest.firstName());
            putIfPresent(primary, "lastName", guest.lastName());
            putIfPresent(primary, "email", guest.email());
            putIfPresent(primary, "phone", guest.phone());
            if (guest.addressLine1() != null || guest.city() != null || guest.countryCode() != null) {
                ObjectNode address = primary.putObject("address");
                putIfPresent(address, "addressLine1", guest.addressLine1());
                putIfPresent(address, "postalCode", guest.postalCode());
                putIfPresent(address, "city", guest.city());
                putIfPresent(address, "countryCode", guest.countryCode());
            }
            putIfPresent(primary, "nationalityCountryCode", guest.nationalityCode());
            if (guest.birthDate() != null) {
                primary.put("birthDate", guest.birthDate().toString());
            }
            putIfPresent(primary, "preferredLanguage", guest.languageCode());
        }
        return node;
    }

    ObjectNode webhook(String type, SimulatedReservation r, Instant now) {
        ObjectNode node = json.createObjectNode();
        node.put("topic", "Reservation");
        node.put("type", type);
        node.put("id", UUID.randomUUID().toString());
        node.put("accountId", accountId);
        node.put("propertyId", r.propertyId());
        node.putObject("data").put("entityId", r.id());
        node.put("timestamp", now.toEpochMilli());
        return node;
    }

    private String at(java.time.LocalDateTime local) {
        return ISO.format(local.atZone(zone).toOffsetDateTime().truncatedTo(ChronoUnit.SECONDS));
    }

    private String instant(Instant value) {
        return value == null ? null : ISO.format(OffsetDateTime.ofInstant(value, zone).truncatedTo(ChronoUnit.SECONDS));
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
