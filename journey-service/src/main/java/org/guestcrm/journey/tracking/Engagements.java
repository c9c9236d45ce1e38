package org.guestcrm.journey.tracking;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.journey.mapping.JourneyMapper;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Records a message's opens and clicks once (issue 9): {@code communication.first_opened_at} and
 * {@code first_clicked_at} are set by the first open or click only (a click sets the open too: the mail was read,
 * whether or not its pixel loaded), and that first one publishes a CommunicationEvent OPENED or CLICKED (the row's
 * status stays SENT). Every later open or click of the same message changes nothing.
 */
@ApplicationScoped
public class Engagements {

    /** What a tracking request found: no such message of the tenant, or what it recorded (possibly nothing new). */
    public enum Recorded { UNKNOWN_MESSAGE, NOTHING_NEW, FIRST }

    @Inject
    EntityManager entityManager;
    @Inject
    Outbox outbox;

    @Transactional
    public Recorded opened(String tenant, UUID communicationId, Instant now) {
        return record(tenant, communicationId, false, now);
    }

    @Transactional
    public Recorded clicked(String tenant, UUID communicationId, Instant now) {
        return record(tenant, communicationId, true, now);
    }

    private Recorded record(String tenant, UUID communicationId, boolean click, Instant now) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        WITH before AS (
                          SELECT id, first_opened_at, first_clicked_at FROM communication
                           WHERE id = :id AND tenant = :tenant FOR UPDATE
                        )
                        UPDATE communication c
                           SET first_opened_at = coalesce(c.first_opened_at, :now),
                               first_clicked_at = CASE WHEN :click THEN coalesce(c.first_clicked_at, :now)
                                                       ELSE c.first_clicked_at END
                          FROM before b
                         WHERE c.id = b.id
                        RETURNING b.first_opened_at IS NULL, b.first_clicked_at IS NULL
                        """)
                .setParameter("id", communicationId)
                .setParameter("tenant", tenant)
                .setParameter("now", Timestamp.from(now))
                .setParameter("click", click)
                .getResultList();
        if (rows.isEmpty()) {
            return Recorded.UNKNOWN_MESSAGE;
        }
        boolean firstOpen = Boolean.TRUE.equals(rows.get(0)[0]);
        boolean firstClick = click && Boolean.TRUE.equals(rows.get(0)[1]);
        if (!firstOpen && !firstClick) {
            return Recorded.NOTHING_NEW;
        }
        CommunicationEntity communication = entityManager.find(CommunicationEntity.class, communicationId);
        if (firstOpen) {
            publish(communication, org.guestcrm.events.CommunicationStatus.OPENED, now);
        }
        if (firstClick) {
            publish(communication, org.guestcrm.events.CommunicationStatus.CLICKED, now);
        }
        return Recorded.FIRST;
    }

    private void publish(CommunicationEntity communication, org.guestcrm.events.CommunicationStatus status, Instant now) {
        // The message's event with this status; no contact point (an open names no address).
        var event = org.guestcrm.events.CommunicationEvent.newBuilder(JourneyMapper.communicationEventOf(communication, now))
                .setStatus(status).setContactPoint(null).setSegments(null).build();
        outbox.add(Topic.CRM_COMMUNICATIONS, JourneyMapper.communicationKeyOf(communication), event,
                Map.of("communication-status", status.name()));
    }
}
