package org.guestcrm.connector.domain;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic ids: a retransmission of the identical message body to the same feed yields the
 * same message id and the same event ids, so consumers can deduplicate a PMS retry.
 */
public final class EventIds {

    private EventIds() {
    }

    /** Name-based (v3) id of an inbound message: feed + SHA-256 of the body. */
    public static UUID messageId(String feedId, String bodySha256) {
        return nameBased("guestcrm:inbound:" + feedId + ":" + bodySha256);
    }

    /** Name-based (v3) id of the n-th event (0-based) produced from one inbound message. */
    public static UUID eventId(String feedId, String bodySha256, int index) {
        return nameBased("guestcrm:event:" + feedId + ":" + bodySha256 + ":" + index);
    }

    /** Name-based (v3) id of the n-th event of line {@code line} of history import {@code jobId}. */
    public static UUID importEventId(String feedId, UUID jobId, long line, int index) {
        return nameBased("guestcrm:import:" + feedId + ":" + jobId + ":" + line + ":" + index);
    }

    /**
     * Name-based (v3) id of an event a replay of the raw archive re-emits: the id the message's event had at that
     * position, with the content now emitted. The same content replayed again gets the same id (consumers dedupe it);
     * content a mapping fix changed gets a new one (consumers that saw the old id apply it).
     */
    public static UUID replayEventId(UUID originalEventId, String contentSha256) {
        return nameBased("guestcrm:replay:" + originalEventId + ":" + contentSha256);
    }

    private static UUID nameBased(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
