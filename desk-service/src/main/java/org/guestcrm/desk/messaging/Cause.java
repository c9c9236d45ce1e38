package org.guestcrm.desk.messaging;

import java.util.UUID;

/** What caused a change, for the envelope of the events it publishes. */
public record Cause(String correlationId, String causationId) {

    /** A staff request: a fresh correlation id. */
    public static Cause request() {
        return new Cause("desk:" + UUID.randomUUID(), null);
    }

    /** The service's own sweep. */
    public static Cause sweep() {
        return new Cause("desk-sweep:" + UUID.randomUUID(), null);
    }
}
