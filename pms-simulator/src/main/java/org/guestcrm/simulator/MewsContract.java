package org.guestcrm.simulator;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mews' public Connector API contracts as the simulator serves them: {@code POST /api/connector/v1/reservations/getAll}
 * and {@code customers/getAll} (tokens in the body: {@code ClientToken}, {@code AccessToken}, {@code Client}; field names
 * of the documented {@code Reservation} (ver 2017-04-12) and {@code Customer}), and the General Webhooks message
 * ({@code EnterpriseId}, {@code IntegrationId}, {@code Events[{Discriminator, Value: {Id}}]}).
 */
final class MewsContract {

    static final String RESERVATIONS_PATH = "/api/connector/v1/reservations/getAll";
    static final String CUSTOMERS_PATH = "/api/connector/v1/customers/getAll";
    static final LocalTime START = LocalTime.of(15, 0);
    static final LocalTime END = LocalTime.of(11, 0);

    private final ObjectMapper json;
    private final String enterpriseId;
    private final String integrationId;
    private final ZoneId zone;

    MewsContract(ObjectMapper json, String enterpriseId, String integrationId, ZoneId zone) {
        this.json = json;
        this.enterpriseId = enterpriseId;
        this.integrationId = integrationId;
        this.zone = zone;
    }

    String enterpriseId() {
        return enterpriseId;
    }

    static String state(SimulatedReservation.State state) {
        return switch (state) {
            case TENTATIVE -> "Optional";
            case CONFIRMED -> "Confirmed";
            case IN_HOUSE -> "Started";
            case CHECKED_OUT -> "Processed";
            case CANCELED, NO_SHOW -> "Canceled";
        };
    }

    ObjectNode reservation(SimulatedReservation r) {
        ObjectNode node = json.createObjectNode();
        node.put("Id", r.id());
        node.put("ServiceId", UUID.nameUUIDFromBytes(("service:" + r.propertyId()).getBytes()).toString());
        node.put("GroupId", UUID.nameUUIDFromBytes(("group:" + r.id()).getBytes()).toString());
        node.put("Number", Integer.toString(Math.abs(r.id().hashCode() % 100000)));
        node.put("State", state(r.state()));
        node.put("Origin", "Connector".equals(r.channelCode()) ? "Connector" : "Distributor");
        node.put("CreatedUtc", utc(r.created()));
        node.put("UpdatedUtc", utc(r.modified()));
        if (r.state() == SimulatedReservation.State.CANCELED || r.state() == SimulatedReservation.State.NO_SHOW) {
            node.put("CancelledUtc", utc(r.modified()));
            node.put("CancellationReason", r.state() == SimulatedReservation.State.NO_SHOW ? "NoShow" : "Other");
        } else {
            node.putNull("CancelledUtc");
            node.putNull("CancellationReason");
        }
        node.put("StartUtc", utc(r.arrival().atTime(START).atZone(zone).toInstant()));
        node.put("EndUtc", utc(r.departure().atTime(END).atZone(zone).toInstant()));
        node.put("RequestedCategoryId", UUID.nameUUIDFromBytes(("category:" + r.unitGroupCode()).getBytes()).toString());
        node.put("RateId", UUID.nameUUIDFromBytes(("rate:" + r.ratePlanCode()).getBytes()).toString());
        if (r.customerId() != null) {
            node.put("CustomerId", r.customerId());
        } else {
            node.putNull("CustomerId");
        }
        node.putArray("CompanionIds");
        node.put("AdultCount", r.adults());
        node.put("ChildCount", r.children());
        node.putArray("Options");
        return node;
    }

    ObjectNode customer(SimulatedCustomer c) {
        ObjectNode node = json.createObjectNode();
        node.put("Id", c.id());
        node.put("Number", Integer.toString(Math.abs(c.id().hashCode() % 100000)));
        text(node, "Title", c.title());
        text(node, "FirstName", c.firstName());
        text(node, "LastName", c.lastName());
        text(node, "NationalityCode", c.nationalityCode());
        text(node, "LanguageCode", c.languageCode());
        text(node, "BirthDate", c.birthDate() == null ? null : c.birthDate().toString());
        text(node, "Email", c.email());
        text(node, "Phone", c.phone());
        node.put("CreatedUtc", utc(c.created()));
        node.put("UpdatedUtc", utc(c.updated()));
        if (c.addressLine1() != null || c.city() != null || c.countryCode() != null) {
            ObjectNode address = node.putObject("Address");
            text(address, "Line1", c.addressLine1());
            text(address, "City", c.city());
            text(address, "PostalCode", c.postalCode());
            text(address, "CountryCode", c.countryCode());
        } else {
            node.putNull("Address");
        }
        node.putArray("Classifications");
        ArrayNode options = node.putArray("Options");
        if (c.marketingEmails()) {
            options.add("SendMarketingEmails");
        }
        if (Boolean.TRUE.equals(c.postOptIn())) {
            options.add("SendMarketingPostalMail");
        }
        return node;
    }

    ObjectNode webhook(List<MewsEvent> events) {
        ObjectNode node = json.createObjectNode();
        node.put("EnterpriseId", enterpriseId);
        node.put("IntegrationId", integrationId);
        ArrayNode array = node.putArray("Events");
        for (MewsEvent event : events) {
            ObjectNode e = array.addObject();
            e.put("Discriminator", event.discriminator());
            e.putObject("Value").put("Id", event.id());
        }
        return node;
    }

    private static String utc(Instant value) {
        return value == null ? null : value.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void text(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
