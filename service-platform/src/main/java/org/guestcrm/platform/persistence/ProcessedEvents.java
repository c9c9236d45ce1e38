package org.guestcrm.platform.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The processed-event table of the idempotent consumers: {@code processed_event (consumer, event_id, processed_at)}
 * with the primary key {@code (consumer, event_id)}, created by each service's own migration.
 */
@ApplicationScoped
public class ProcessedEvents {

    @Inject
    EntityManager entityManager;

    /**
     * Records that {@code consumer} processes {@code eventId}, in the caller's transaction. A concurrent transaction
     * recording the same event makes this wait for it.
     *
     * @return false when it was already recorded (a redelivery or a duplicate): the caller skips the event
     */
    public boolean markProcessed(String consumer, UUID eventId) {
        int inserted = entityManager.createNativeQuery("""
                        insert into processed_event (consumer, event_id, processed_at) values (:consumer, :eventId, :now)
                        on conflict (consumer, event_id) do nothing""")
                .setParameter("consumer", consumer)
                .setParameter("eventId", eventId)
                .setParameter("now", Instant.now())
                .executeUpdate();
        return inserted == 1;
    }
}
