package org.guestcrm.connector.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.connector.domain.EventIds;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

/**
 * Records an accepted inbound message and the events it causes in one transaction (the outbox):
 * once this returns, the message is never lost. A retransmission of the identical body to the same
 * feed is recognised by its name-based message id and emits nothing again.
 */
@ApplicationScoped
public class InboundMessageIntake {

    private static final Logger LOG = Logger.getLogger(InboundMessageIntake.class);

    /** What became of an inbound message. */
    public record Receipt(UUID messageId, boolean duplicate, List<UUID> eventIds) {
    }

    /** An inbound message that passed validation. */
    public record AcceptedMessage(String tenantId, String feedId, String defaultCurrency, String bodySha256,
                                  String messageType, String cardFreePayload, List<Reservation> reservations) {
    }

    @Inject
    EntityManager entityManager;

    @Inject
    Outbox outbox;

    @Transactional
    public Receipt record(AcceptedMessage message) {
        UUID messageId = EventIds.messageId(message.feedId(), message.bodySha256());
        Instant receivedAt = Instant.now();
        PmsEventMapper.Origin origin = new PmsEventMapper.Origin(message.tenantId(), message.feedId(), messageId,
                receivedAt, message.defaultCurrency());

        List<OutgoingEvent> events = new ArrayList<>();
        Set<String> profilesInMessage = new LinkedHashSet<>();
        for (Reservation reservation : message.reservations()) {
            UUID reservationEventId = EventIds.eventId(message.feedId(), message.bodySha256(), events.size());
            ReservationChanged reservationChanged = PmsEventMapper.toReservationChanged(reservation, reservationEventId, origin);
            events.add(new OutgoingEvent(Topic.PMS_RESERVATIONS, PmsEventMapper.reservationKey(message.tenantId(), reservation),
                    reservationEventId, reservationChanged));
            for (GuestProfile guest : reservation.guests()) {
                if (!profilesInMessage.add(guest.pmsProfileId())) {
                    continue;
                }
                UUID profileEventId = EventIds.eventId(message.feedId(), message.bodySha256(), events.size());
                GuestProfileChanged profileChanged = PmsEventMapper.toGuestProfileChanged(guest, reservation, profileEventId, origin);
                events.add(new OutgoingEvent(Topic.PMS_PROFILES, PmsEventMapper.profileKey(message.tenantId(), message.feedId(), guest),
                        profileEventId, profileChanged));
            }
        }

        int inserted = entityManager.createNativeQuery("""
                        insert into inbound_message (message_id, feed_id, received_at, body_sha256, message_type, event_count, masked_payload)
                        values (:messageId, :feedId, :receivedAt, :bodySha256, :messageType, :eventCount, :payload)
                        on conflict do nothing""")
                .setParameter("messageId", messageId)
                .setParameter("feedId", message.feedId())
                .setParameter("receivedAt", receivedAt)
                .setParameter("bodySha256", message.bodySha256())
                .setParameter("messageType", message.messageType())
                .setParameter("eventCount", events.size())
                .setParameter("payload", message.cardFreePayload())
                .executeUpdate();
        List<UUID> eventIds = events.stream().map(OutgoingEvent::eventId).toList();
        if (inserted == 0) {
            LOG.infof("Inbound message %s on feed %s is a retransmission of one already accepted; nothing is emitted again.",
                    messageId, message.feedId());
            return new Receipt(messageId, true, eventIds);
        }
        events.forEach(event -> outbox.add(event.topic(), event.key(), event.record()));
        LOG.infof("Inbound message %s on feed %s accepted: %d reservation(s), %d event(s) in the outbox.",
                messageId, message.feedId(), message.reservations().size(), events.size());
        return new Receipt(messageId, false, eventIds);
    }

    /** An event of the message, for the outbox (its metadata.correlationId is the message id). */
    private record OutgoingEvent(Topic topic, String key, UUID eventId, SpecificRecord record) {
    }
}
