package org.guestcrm.journey.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** The processed-event table: which consumer has applied which event, written in the consumer's transaction. */
@ApplicationScoped
public class ProcessedEventLog {

    @Inject
    EntityManager entityManager;

    /**
     * Records that {@code consumer} processes {@code eventId} now. Returns false when it already had (a redelivery):
     * the caller then skips the event. A concurrent transaction recording the same event makes this wait for it.
     */
    public boolean markProcessed(String consumer, UUID eventId) {
        int inserted = entityManager.createNativeQuery("""
                        INSERT INTO processed_event (consumer, event_id, processed_at) VALUES (:consumer, :eventId, :now)
                        ON CONFLICT (consumer, event_id) DO NOTHING
                        """)
                .setParameter("consumer", consumer)
                .setParameter("eventId", eventId)
                .setParameter("now", Instant.now())
                .executeUpdate();
        return inserted == 1;
    }
}
