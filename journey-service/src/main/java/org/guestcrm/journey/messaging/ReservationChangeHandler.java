package org.guestcrm.journey.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.domain.ChannelPolicy;
import org.guestcrm.journey.domain.CommunicationChange;
import org.guestcrm.journey.domain.JourneyPlanner;
import org.guestcrm.journey.domain.NoticePlanner;
import org.guestcrm.journey.domain.ReservationTerms;
import org.guestcrm.journey.domain.ReservationUpdate;
import org.guestcrm.journey.domain.ReservationState;
import org.guestcrm.journey.mapping.JourneyMapper;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.IntakeWrites;
import org.guestcrm.journey.persistence.ReservationEntity;
import org.guestcrm.journey.persistence.ReservationKey;
import org.guestcrm.journey.persistence.ReservationRepository;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.inject.Inject;

/**
 * Applies a batch of ReservationChanged (new to this consumer, in offset order) in the intake's one transaction:
 * the held reservations of every key of the batch and their communications are loaded and locked in one statement
 * each (key order), then each record is planned in offset order, so the records of one key apply in their order and
 * each sees what the one before it changed. A snapshot is kept only if newer than the one held (else skipped);
 * every communication change goes through the {@link CommunicationLedger} (row + CommunicationEvent in the outbox).
 * The batch's reservation and communication rows are written at its end in at most four set-based
 * statements ({@link IntakeWrites}), not by Hibernate.
 */
@ApplicationScoped
public class ReservationChangeHandler implements IntakeHandler<ReservationChanged> {

    static final String CONSUMER = "journey-reservations";
    private static final Logger LOG = Logger.getLogger(ReservationChangeHandler.class);

    @Inject
    ReservationRepository reservations;
    @Inject
    CommunicationRepository communications;
    @Inject
    CommunicationLedger ledger;
    @Inject
    JourneyConfig config;
    @Inject
    org.guestcrm.journey.settings.JourneySettings settings;
    @Inject
    org.guestcrm.journey.noshow.NoShowCutoffs noShowCutoffs;

    @Inject
    Clock clock;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<ReservationChanged> recordType() {
        return ReservationChanged.class;
    }

    /** Checks what makes a snapshot impossible to plan; the reasons name fields, never values. */
    @Override
    public UUID eventIdOf(ReservationChanged event) {
        EventMetadata metadata = event.getMetadata();
        if (metadata == null || metadata.getEventId() == null) {
            throw new PoisonRecordException("ReservationChanged without metadata.eventId");
        }
        String id = " in ReservationChanged " + metadata.getEventId();
        if (metadata.getTenantId() == null || metadata.getTenantId().isBlank()) {
            throw new PoisonRecordException("tenantId is required" + id);
        }
        if (event.getHotelCode() == null || event.getHotelCode().isBlank()
                || event.getPmsReservationId() == null || event.getPmsReservationId().isBlank()) {
            throw new PoisonRecordException("hotelCode and pmsReservationId are required" + id);
        }
        if (event.getArrival() == null || event.getDeparture() == null) {
            throw new PoisonRecordException("arrival and departure are required" + id);
        }
        if (event.getDeparture().isBefore(event.getArrival())) {
            throw new PoisonRecordException("departure is before arrival" + id);
        }
        return metadata.getEventId();
    }

    @Override
    public void apply(List<IntakeRecord<ReservationChanged>> records) {
        Instant now = clock.instant();
        Set<ReservationKey> keys = new LinkedHashSet<>();
        for (IntakeRecord<ReservationChanged> record : records) {
            keys.add(keyOf(record.value()));
        }
        Map<ReservationKey, ReservationEntity> held = reservations.lockAll(keys);
        // Communications exist only for reservations held (both are written in the same transaction): a batch of new
        // bookings needs no communication query at all.
        Map<ReservationKey, List<CommunicationEntity>> heldCommunications = communications.lockAllFor(held.keySet());
        // The batch's rows are written set-based at its end (IntakeWrites), not by Hibernate's flush: the rows loaded
        // (and locked) are detached, so the session neither dirty-checks nor writes them.
        EntityManager entityManager = reservations.getEntityManager();
        held.values().forEach(entityManager::detach);
        heldCommunications.values().forEach(list -> list.forEach(entityManager::detach));
        IntakeWrites writes = new IntakeWrites();
        for (ReservationKey key : keys) {
            heldCommunications.computeIfAbsent(key, k -> new java.util.ArrayList<>());
        }
        JourneyPlanner planner = null; // per reservation: its hotel's settings
        NoticePlanner noticePlanner = new NoticePlanner(config.noticeSettings());
        int applied = 0;
        int notNewer = 0;
        int changes = 0;
        for (IntakeRecord<ReservationChanged> record : records) {
            ReservationChanged event = record.value();
            ReservationKey key = keyOf(event);
            ReservationEntity reservation = held.get(key);
            boolean missing = JourneyMapper.isMissingFromExport(event);
            ReservationTerms before = reservation == null ? null : JourneyMapper.termsOf(reservation);
            if (reservation != null && !applies(event, reservation, missing)) {
                LOG.debugf("ReservationChanged %s of reservation %s is not newer than the snapshot held (event %s); "
                        + "skipped.", record.eventId(), key, reservation.lastEventId);
                notNewer++;
                continue;
            }
            if (reservation == null) {
                reservation = new ReservationEntity();
                JourneyMapper.copySnapshot(event, reservation, now,
                        config.countryOf(event.getMetadata().getTenantId(), event.getHotelCode()));
                writes.inserted(reservation);
                held.put(key, reservation);
            } else if (!missing || JourneyMapper.versionOf(event).isNewerThan(JourneyMapper.versionOf(reservation))) {
                JourneyMapper.copySnapshot(event, reservation, now,
                        config.countryOf(event.getMetadata().getTenantId(), event.getHotelCode()));
            } else {
                // The same version as held, now missing from the export: only the uncertainty is news.
                reservation.lastEventId = event.getMetadata().getEventId();
                reservation.updatedAt = now;
            }
            if (missing) {
                reservation.uncertain = true;
            }
            writes.changed(reservation); // a no-op for one inserted by this batch: its insert carries its last state
            // Still confirmed after the hotel's cut-off (a snapshot of a guest who never checked in): a no-show.
            noShowCutoffs.decide(reservation, now);
            // A MISSING_FROM_EXPORT record says nothing about the booking's terms: it starts no notice.
            ReservationUpdate update = missing ? null : new ReservationUpdate(before, JourneyMapper.termsOf(reservation),
                    JourneyMapper.noticeVersionOf(event), JourneyMapper.changedAtOf(event), JourneyMapper.isHistory(event));
            changes += plan(planner, noticePlanner, reservation, heldCommunications.get(key),
                    event.getMetadata().getCorrelationId(), event.getMetadata().getEventId().toString(),
                    update, JourneyMapper.isHistory(event), now, writes);
            applied++;
        }
        writes.write(entityManager);
        LOG.debugf("%d ReservationChanged applied, %d not newer than the snapshot held, %d communication changes.",
                applied, notNewer, changes);
    }

    /**
     * Whether {@code event} changes the reservation held: a newer snapshot does; MISSING_FROM_EXPORT also at the same
     * version (the PMS's data did not change, its presence did); and while the reservation is uncertain, a normal change
     * at the same version settles it (the PMS exported it again unchanged).
     */
    private static boolean applies(ReservationChanged event, ReservationEntity reservation, boolean missing) {
        var version = JourneyMapper.versionOf(event);
        var heldVersion = JourneyMapper.versionOf(reservation);
        if (version.isNewerThan(heldVersion)) {
            return true;
        }
        boolean sameVersion = !heldVersion.isNewerThan(version);
        if (missing) {
            return sameVersion && !reservation.uncertain;
        }
        return sameVersion && reservation.uncertain;
    }

    /**
     * Plans one reservation's journey against its held communications (which it keeps up to date), then its notices
     * (which see the journey's changes: a confirmation cancelled or still pending).
     */
    /**
     * Plans one held reservation's journey again from its state as held (no snapshot: no notice is started), e.g.
     * after the no-show cut-off decided it; in the caller's transaction, the reservation and {@code held} (all its
     * communications) locked. Returns the number of communication changes.
     */
    public int replan(ReservationEntity reservation, List<CommunicationEntity> held, String correlationId,
                      String causationId, Instant now) {
        return plan(null, new NoticePlanner(config.noticeSettings()), reservation,
                held, correlationId, causationId, null, false, now, null);
    }

    private int plan(JourneyPlanner planner, NoticePlanner noticePlanner, ReservationEntity reservation,
                     List<CommunicationEntity> held, String correlationId, String causationId,
                     ReservationUpdate update, boolean history, Instant now, IntakeWrites writes) {
        ReservationState state = JourneyMapper.stateOf(reservation,
                config.zoneOf(reservation.tenant, reservation.hotelCode),
                settings.quietHoursOf(reservation.tenant, reservation.hotelCode));
        JourneyPlanner journey = planner != null ? planner
                : new JourneyPlanner(settings.scheduleOf(reservation.tenant, reservation.hotelCode));
        ChannelPolicy channels = config.sms().channelPolicy();
        // An erased guest is written to no more: like history, a change may stop or move what is planned, never start.
        boolean startsNothing = history || reservation.guestErased;
        List<CommunicationChange> changes = journey.plan(state, held.stream().map(JourneyMapper::existingOf).toList(),
                        now, startsNothing).stream()
                // A new step goes by SMS when it is configured for it and the guest has a valid mobile number.
                .map(change -> change.createsCommunication()
                        ? change.onChannel(channels.channelOf(change.step(), reservation.guestPhone)) : change)
                .toList();
        applyChanges(changes, reservation, held, correlationId, causationId, now, writes);
        List<CommunicationChange> notices = noticePlanner.plan(state, reservation.guestErased ? null : update,
                held.stream().map(JourneyMapper::existingOf).toList(), now);
        applyChanges(notices, reservation, held, correlationId, causationId, now, writes);
        return changes.size() + notices.size();
    }

    private void applyChanges(List<CommunicationChange> changes, ReservationEntity reservation,
                              List<CommunicationEntity> held, String correlationId, String causationId,
                              Instant now, IntakeWrites writes) {
        if (changes.isEmpty()) {
            return;
        }
        Map<UUID, CommunicationEntity> heldById = held.stream()
                .collect(Collectors.toMap(c -> c.id, Function.identity()));
        for (CommunicationChange change : changes) {
            CommunicationEntity existing = change.createsCommunication() ? null : heldById.get(change.communicationId());
            CommunicationEntity changed = writes == null
                    ? ledger.apply(change, existing, reservation, correlationId, causationId, now)
                    : ledger.apply(change, existing, reservation, correlationId, causationId, now, writes::inserted);
            if (writes != null && existing != null) {
                writes.changed(existing);
            }
            if (existing == null) {
                held.add(changed);
            }
        }
    }

    private static ReservationKey keyOf(ReservationChanged event) {
        return new ReservationKey(event.getMetadata().getTenantId(), event.getHotelCode(), event.getPmsReservationId());
    }
}
