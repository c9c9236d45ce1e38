package org.guestcrm.connector.vendor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.guestcrm.connector.domain.CanonicalLimits;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the vendors' thin webhook bodies into the entities to fetch, naming the field of anything unusable (never its
 * value):
 * <ul>
 * <li>apaleo: {@code {topic, type, id, accountId, propertyId, data: {entityId}, timestamp}}. Topic {@code Reservation}
 * (any type: created, amended, changed, canceled, set-to-no-show, checked-in, checked-out, unit-assigned, ...) names a
 * reservation to fetch; any other topic (e.g. {@code system}/{@code healthcheck}, sent when a subscription is made,
 * {@code Folio}) is acknowledged and ignored.</li>
 * <li>Mews General Webhooks: {@code {EnterpriseId, IntegrationId, Events: [{Discriminator, Value: {Id}}]}}.
 * {@code ServiceOrderUpdated} names a reservation, {@code CustomerAdded} and {@code CustomerUpdated} a customer; other
 * discriminators are acknowledged and ignored.</li>
 * </ul>
 */
public final class WebhookNotices {

    /** The entities to fetch, how many events were ignored (other topics), and the problems (field, reason). */
    public record Read(List<WebhookNotice> notices, int ignored, List<Problem> problems) {
    }

    /** An unusable part of the body: {@code field} names it (e.g. {@code Events[2].Value.Id}), {@code reason} says why. */
    public record Problem(String field, String reason) {
    }

    /** Most events one Mews message may carry (Mews batches the events of one moment into one message). */
    public static final int MAX_EVENTS = 1000;

    private WebhookNotices() {
    }

    public static Read apaleo(JsonNode body) {
        List<Problem> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            return new Read(List.of(), 0, List.of(new Problem("body", "must be a JSON object")));
        }
        String topic = text(body, "topic", "topic", problems, true);
        String type = text(body, "type", "type", problems, true);
        String propertyId = text(body, "propertyId", "propertyId", problems, false);
        if (!problems.isEmpty()) {
            return new Read(List.of(), 0, problems);
        }
        if (!topic.toLowerCase(Locale.ROOT).equals("reservation")) {
            return new Read(List.of(), 1, List.of());
        }
        JsonNode data = body.get("data");
        if (data == null || !data.isObject()) {
            return new Read(List.of(), 0, List.of(new Problem("data", "is required for topic Reservation (data.entityId)")));
        }
        String entityId = text(data, "entityId", "data.entityId", problems, true);
        if (!problems.isEmpty()) {
            return new Read(List.of(), 0, problems);
        }
        return new Read(List.of(new WebhookNotice(WebhookNotice.EntityType.RESERVATION, entityId,
                truncate(type, 64), propertyId)), 0, List.of());
    }

    public static Read mews(JsonNode body) {
        List<Problem> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            return new Read(List.of(), 0, List.of(new Problem("body", "must be a JSON object")));
        }
        String enterpriseId = text(body, "EnterpriseId", "EnterpriseId", problems, false);
        JsonNode events = body.get("Events");
        if (events == null || !events.isArray()) {
            problems.add(new Problem("Events", "is required (an array of {Discriminator, Value: {Id}})"));
            return new Read(List.of(), 0, problems);
        }
        if (events.size() > MAX_EVENTS) {
            return new Read(List.of(), 0, List.of(new Problem("Events", "must hold at most " + MAX_EVENTS + " events")));
        }
        List<WebhookNotice> notices = new ArrayList<>();
        int ignored = 0;
        for (int i = 0; i < events.size(); i++) {
            String at = "Events[" + i + "]";
            JsonNode event = events.get(i);
            if (event == null || !event.isObject()) {
                problems.add(new Problem(at, "must be an object"));
                continue;
            }
            String discriminator = text(event, "Discriminator", at + ".Discriminator", problems, true);
            JsonNode value = event.get("Value");
            String id = null;
            if (value == null || !value.isObject()) {
                problems.add(new Problem(at + ".Value", "is required ({Id})"));
            } else {
                id = text(value, "Id", at + ".Value.Id", problems, true);
            }
            if (discriminator == null || id == null) {
                continue;
            }
            switch (discriminator) {
                case "ServiceOrderUpdated" -> notices.add(new WebhookNotice(WebhookNotice.EntityType.RESERVATION, id,
                        discriminator, enterpriseId));
                case "CustomerAdded", "CustomerUpdated" -> notices.add(new WebhookNotice(WebhookNotice.EntityType.CUSTOMER,
                        id, discriminator, enterpriseId));
                default -> ignored++;
            }
        }
        return problems.isEmpty() ? new Read(notices, ignored, List.of()) : new Read(List.of(), 0, problems);
    }

    private static String text(JsonNode node, String name, String field, List<Problem> problems, boolean required) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(new Problem(field, "is required"));
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            problems.add(new Problem(field, "must be a non-empty string"));
            return null;
        }
        if (value.asText().length() > CanonicalLimits.PMS_RESERVATION_ID) {
            problems.add(new Problem(field, "must be at most " + CanonicalLimits.PMS_RESERVATION_ID + " characters"));
            return null;
        }
        return value.asText().trim();
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
