package org.guestcrm.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A generic JSON "changes since" API, the kind a PMS without webhooks offers for polling:
 * {@code GET /changes/v1/reservations?since=<cursor>&limit=<n>} ({@code Authorization: Bearer <token>}) answers
 * {@code {"changes": [{"sequence", "reservation": {...}}], "nextCursor", "hasMore"}}: every reservation changed after
 * the cursor, once, in the order of its latest change, each in its current state in the connector's canonical JSON form
 * (hotelCode, pmsReservationId, status, arrival, departure, pmsModifiedAt, createdAt, totalAmount, adults, children,
 * guests with their name, e-mail, phone, birth date, language, nationality, e-mail opt-in and, when the PMS
 * holds them, the SMS, call and post opt-ins {@code smsOptIn}, {@code phoneOptIn}, {@code postOptIn}). The cursor is the change sequence; {@code since} absent or 0 = from the beginning.
 */
final class ChangesContract {

    static final String PATH = "/changes/v1/reservations";
    static final int MAX_LIMIT = 500;

    private final ObjectMapper json;

    ChangesContract(ObjectMapper json) {
        this.json = json;
    }

    /** One entry of the change log: the sequence of a change and the reservation it changed. */
    record Change(long sequence, String reservationId) {
    }

    ObjectNode page(List<Change> log, long since, int limit, Map<String, SimulatedReservation> reservations,
                    Map<String, SimulatedCustomer> customers) {
        Map<String, Long> latest = new LinkedHashMap<>();
        for (Change change : log) {
            if (change.sequence() > since) {
                latest.remove(change.reservationId());
                latest.put(change.reservationId(), change.sequence());
            }
        }
        List<Map.Entry<String, Long>> ordered = new ArrayList<>(latest.entrySet());
        ordered.sort(Map.Entry.comparingByValue());
        ObjectNode page = json.createObjectNode();
        ArrayNode changes = page.putArray("changes");
        long cursor = since;
        int n = 0;
        for (Map.Entry<String, Long> entry : ordered) {
            if (n == limit) {
                break;
            }
            SimulatedReservation r = reservations.get(entry.getKey());
            ObjectNode item = changes.addObject();
            item.put("sequence", entry.getValue());
            item.set("reservation", canonical(r, r.customerId() == null ? null : customers.get(r.customerId())));
            cursor = entry.getValue();
            n++;
        }
        page.put("nextCursor", Long.toString(cursor));
        page.put("hasMore", n < ordered.size());
        return page;
    }

    private ObjectNode canonical(SimulatedReservation r, SimulatedCustomer guest) {
        ObjectNode node = json.createObjectNode();
        node.put("hotelCode", r.propertyId());
        node.put("pmsReservationId", r.id());
        node.put("status", switch (r.state()) {
            case TENTATIVE -> "TENTATIVE";
            case CONFIRMED -> "CONFIRMED";
            case IN_HOUSE -> "CHECKED_IN";
            case CHECKED_OUT -> "CHECKED_OUT";
            case CANCELED -> "CANCELLED";
            case NO_SHOW -> "NO_SHOW";
        });
        node.put("arrival", r.arrival().toString());
        node.put("departure", r.departure().toString());
        node.put("pmsModifiedAt", r.modified().toString());
        node.put("createdAt", r.created().toString());
        if (r.totalGrossAmount() != null) {
            ObjectNode amount = node.putObject("totalAmount");
            amount.put("amount", r.totalGrossAmount());
            amount.put("currency", r.currency());
        }
        node.put("adults", r.adults());
        node.put("children", r.children());
        ArrayNode guests = node.putArray("guests");
        if (guest != null) {
            ObjectNode g = guests.addObject();
            g.put("pmsProfileId", guest.id());
            g.put("primary", true);
            if (guest.firstName() != null) {
                g.put("firstName", guest.firstName());
            }
            if (guest.lastName() != null) {
                g.put("lastName", guest.lastName());
            }
            if (guest.email() != null) {
                g.putArray("emails").add(guest.email());
            }
            if (guest.phone() != null) {
                g.putArray("phones").add(guest.phone());
            }
            if (guest.birthDate() != null) {
                g.put("birthDate", guest.birthDate().toString());
            }
            if (guest.languageCode() != null) {
                g.put("language", guest.languageCode());
            }
            if (guest.nationalityCode() != null) {
                g.put("nationality", guest.nationalityCode());
            }
            g.put("emailOptIn", guest.marketingEmails());
            if (guest.smsOptIn() != null) {
                g.put("smsOptIn", guest.smsOptIn());
            }
            if (guest.phoneOptIn() != null) {
                g.put("phoneOptIn", guest.phoneOptIn());
            }
            if (guest.postOptIn() != null) {
                g.put("postOptIn", guest.postOptIn());
            }
        }
        return node;
    }
}
