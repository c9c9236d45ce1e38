package org.guestcrm.desk.messaging;

import java.util.UUID;

/** What caused a change, for the envelope of the events it publishes. */
public record Cause(String correlationId, String causationId) {

    /** A staff request: a fresh correlation id. */
    public static Cause request() {
        return new Cause("desk:" + UUID.randomUUID(), null);
    }

    /** A change without an envelope to follow (a tombstone of a compacted topic): a fresh correlation id. */
    public static Cause tombstone(String topic) {
        return new Cause("desk:" + topic + ":" + UUID.randomUUID(), null);
    }

    /** The service's own sweep. */
    public static Cause sweep() {
        return new Cause("desk-sweep:" + UUID.randomUUID(), null);
    }
}
