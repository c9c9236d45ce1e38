package org.guestcrm.journey.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.domain.CommunicationChange;
import org.guestcrm.journey.domain.InvalidReservationException;
import org.guestcrm.journey.domain.JourneyPlanner;
import org.guestcrm.journey.domain.ReservationState;
import org.guestcrm.journey.mapping.JourneyMapper;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.ReservationEntity;
import org.guestcrm.journey.persistence.ReservationRepository;
import org.guestcrm.platform.persistence.ProcessedEvents;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Applies one ReservationChanged in one transaction: records the event as processed (a redelivery stops here), keeps
 * the snapshot if it is newer than the one held, and plans the journey.
 */
@ApplicationScoped
public class ReservationIntake {

    static final String CONSUMER = "journey-reservations";
    private static final Logger LOG = Logger.getLogger(ReservationIntake.class);

    @Inject
    ProcessedEvents processedEvents;

    @Inject
    ReservationRepository reservations;

    @Inject
    CommunicationRepository communications;

    @Inject
    CommunicationLedger ledger;

    @Inject
    JourneyConfig config;

    Clock clock = Clock.systemUTC();

    public enum Outcome {
        APPLIED,
        DUPLICATE,
        OUT_OF_ORDER
    }

    @Transactional
    public Outcome apply(ReservationChanged event) {
        EventMetadata metadata = event.getMetadata();
        UUID eventId = metadata.getEventId();
        String key = metadata.getTenantId() + ":" + event.getHotelCode() + ":" + event.getPmsReservationId();
        validate(event);
        if (!processedEvents.markProcessed(CONSUMER, eventId)) {
            LOG.infof("ReservationChanged %s of reservation %s was already processed; skipped.", eventId, key);
            return Outcome.DUPLICATE;
        }
        Instant now = clock.instant();
        ReservationEntity reservation = reservations
                .findByKeyForUpdate(metadata.getTenantId(), event.getHotelCode(), event.getPmsReservationId())
                .orElse(null);
        if (reservation != null && !JourneyMapper.versionOf(event).isNewerThan(JourneyMapper.versionOf(reservation))) {
            LOG.infof("ReservationChanged %s of reservation %s is not newer than the snapshot held (event %s); "
                    + "recorded as processed and skipped.", eventId, key, reservation.lastEventId);
            return Outcome.OUT_OF_ORDER;
        }
        if (reservation == null) {
            reservation = new ReservationEntity();
            reservation.id = UUID.randomUUID();
            JourneyMapper.copySnapshot(event, reservation, now);
            reservations.persist(reservation);
        } else {
            JourneyMapper.copySnapshot(event, reservation, now);
        }
        planJourney(reservation, metadata, now);
        LOG.infof("ReservationChanged %s (%s) applied to reservation %s, status %s.", eventId, event.getChangeType(),
                key, reservation.status);
        return Outcome.APPLIED;
    }

    private void planJourney(ReservationEntity reservation, EventMetadata cause, Instant now) {
        List<CommunicationEntity> held = communications.listForReservationForUpdate(reservation.tenant,
                reservation.hotelCode, reservation.pmsReservationId);
        ReservationState state = JourneyMapper.stateOf(reservation, config.zoneOf(reservation.hotelCode));
        List<CommunicationChange> changes = new JourneyPlanner(config.schedule())
                .plan(state, held.stream().map(JourneyMapper::existingOf).toList(), now);
        Map<UUID, CommunicationEntity> heldById = held.stream()
                .collect(Collectors.toMap(c -> c.id, Function.identity()));
        for (CommunicationChange change : changes) {
            CommunicationEntity existing = change.createsCommunication() ? null : heldById.get(change.communicationId());
            ledger.apply(change, existing, reservation, cause.getCorrelationId(), cause.getEventId().toString(), now);
        }
    }

    private static void validate(ReservationChanged event) {
        if (event.getArrival() == null || event.getDeparture() == null) {
            throw new InvalidReservationException("arrival and departure are required");
        }
        if (event.getDeparture().isBefore(event.getArrival())) {
            throw new InvalidReservationException("departure " + event.getDeparture() + " is before arrival "
                    + event.getArrival() + " in ReservationChanged " + event.getMetadata().getEventId());
        }
        if (event.getMetadata().getTenantId() == null || event.getMetadata().getTenantId().isBlank()) {
            throw new InvalidReservationException("tenantId is required in ReservationChanged "
                    + event.getMetadata().getEventId());
        }
    }
}
