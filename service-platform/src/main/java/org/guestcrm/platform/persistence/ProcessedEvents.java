package org.guestcrm.platform.persistence;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.hibernate.Session;

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

    /**
     * Records that {@code consumer} processes every id of {@code eventIds}, in one statement in the caller's
     * transaction ({@code insert ... select unnest ... on conflict do nothing returning}).
     *
     * @return the ids that were not recorded before: the events to apply; the others are redeliveries or duplicates
     */
    public Set<UUID> markAllProcessed(String consumer, Collection<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        entityManager.flush();
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            Set<UUID> fresh = new HashSet<>();
            Array ids = connection.createArrayOf("uuid", eventIds.toArray());
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into processed_event (consumer, event_id, processed_at)
                    select ?, id, ? from unnest(?::uuid[]) as ids (id)
                    on conflict (consumer, event_id) do nothing
                    returning event_id""")) {
                insert.setString(1, consumer);
                insert.setTimestamp(2, Timestamp.from(Instant.now()));
                insert.setArray(3, ids);
                try (ResultSet inserted = insert.executeQuery()) {
                    while (inserted.next()) {
                        fresh.add(inserted.getObject(1, UUID.class));
                    }
                }
            } finally {
                ids.free();
            }
            return fresh;
        });
    }
}
