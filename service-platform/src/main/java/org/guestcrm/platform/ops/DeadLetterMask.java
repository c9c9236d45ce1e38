package org.guestcrm.platform.ops;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A decoded dead letter as JSON for an operator: with {@code masked}, only the fields that identify and classify an
 * event (ids, types, times, tenant, hotel, states, flags) keep their value; every other value, which may be a guest's
 * name, e-mail, phone, birth date or address, reads {@value #MASK}. Enums and booleans are never personal and always
 * shown. Unmasked, every value is shown (for a role that may see guests' data).
 */
public final class DeadLetterMask {

    public static final String MASK = "***";

    /** Field names whose values say what an event is and where it belongs, never who a guest is. */
    static final Set<String> SHOWN = Set.of("eventId", "eventType", "occurredAt", "source", "correlationId",
            "causationId", "schemaVersion", "tenant", "tenantId", "hotel", "hotelCode", "hotelId", "pmsSystem",
            "pmsReservationId", "pmsProfileId", "reservationId", "profileId", "guestId", "communicationId", "taskId",
            "changeType", "status", "version", "sequence", "sequenceNumber", "versionTime", "feedId", "channel",
            "purpose", "type", "kind", "history", "currency", "createdAt", "updatedAt", "bounceType");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DeadLetterMask() {
    }

    public static JsonNode toJson(Object value, boolean masked) {
        return node(value, masked, false);
    }

    private static JsonNode node(Object value, boolean masked, boolean shown) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof IndexedRecord record) {
            ObjectNode object = NODES.objectNode();
            for (Schema.Field field : record.getSchema().getFields()) {
                object.set(field.name(), node(record.get(field.pos()), masked, SHOWN.contains(field.name())));
            }
            return object;
        }
        if (value instanceof Boolean flag) {
            return NODES.booleanNode(flag);
        }
        if (value instanceof GenericEnumSymbol<?> || value instanceof Enum<?>) {
            return NODES.textNode(value.toString());
        }
        if (value instanceof Collection<?> items) {
            ArrayNode array = NODES.arrayNode();
            items.forEach(item -> array.add(node(item, masked, shown)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), node(v, masked, false)));
            return object;
        }
        if (masked && !shown) {
            return NODES.textNode(MASK);
        }
        if (value instanceof Number number) {
            return value instanceof Double || value instanceof Float ? NODES.numberNode(number.doubleValue())
                    : NODES.numberNode(number.longValue());
        }
        if (value instanceof ByteBuffer || value instanceof GenericFixed) {
            return NODES.textNode("(" + (value instanceof ByteBuffer buffer ? buffer.remaining()
                    : ((GenericFixed) value).bytes().length) + " bytes)");
        }
        return NODES.textNode(value.toString());
    }
}
