package org.guestcrm.profile.messaging;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.ProfileChangeType;
import org.guestcrm.events.Money;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationGuest;
import org.guestcrm.platform.domain.SnapshotVersion;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.profile.domain.SourceProfileKey;
import org.guestcrm.profile.persistence.GuestEntity;
import org.guestcrm.profile.persistence.GuestSourceProfileEntity;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.guestcrm.profile.persistence.StayEntity;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Applies a batch of pms.reservations records (service-platform's {@code BatchIntake}, one transaction, only records
 * never processed before, in offset order) to the stays: the held states of the batch's reservations in one query; a
 * state not newer than the held one ({@link SnapshotVersion}: sequence, PMS time, occurredAt) is skipped;
 * {@code MISSING_FROM_EXPORT} is no state change (an export that left a reservation out says nothing about it) and is
 * skipped; a newer state is stored with its lead guest's profile. Then every guest holding a profile whose stays
 * changed (before or after: a reservation moved to another guest changes both) is locked in id order and recomposed
 * once ({@link GuestRecomposer}), which publishes a GuestUpdated only if the stays it shows changed. A change from a
 * history import (metadata.history) is mirrored like any other, and its GuestUpdated is marked history too.
 */
@ApplicationScoped
public class ReservationStayHandler implements IntakeHandler<ReservationChanged> {

    private static final Logger LOG = Logger.getLogger(ReservationStayHandler.class);

    @Inject
    ProfileConfig config;
    @Inject
    EntityManager entityManager;
    @Inject
    GuestRecomposer recomposer;
    @Inject
    MeterRegistry meters;
    @Inject
    org.guestcrm.profile.persistence.ErasureMarkers erasures;
    @Inject
    ProfileChangeHandler profiles;

    private static ReservationGuest lead(ReservationChanged event) {
        if (event.getGuests() == null || event.getGuests().isEmpty()) {
            return null;
        }
        return event.getGuests().stream().filter(ReservationGuest::getPrimary).findFirst().orElse(event.getGuests().get(0));
    }

    /** Prefix of the source profile id of a guest known only from a reservation ({@code reservation:<hotel>:<id>}). */
    public static final String RESERVATION_PROFILE_PREFIX = "reservation:";

    /**
     * The lead guest's source profile key: the PMS profile it names, else, for a PMS without stable guest ids, the
     * reservation's own guest ({@code reservation:<hotel>:<reservation id>}) when it has a name, e-mail or phone; else null.
     */
    static SourceProfileKey leadOf(ReservationChanged event) {
        ReservationGuest lead = lead(event);
        if (lead == null) {
            return null;
        }
        String tenant = event.getMetadata().getTenantId();
        if (!blank(lead.getPmsProfileId())) {
            return new SourceProfileKey(tenant, event.getPmsSystem(), lead.getPmsProfileId());
        }
        return onlyInReservation(lead) && !blank(event.getHotelCode()) && !blank(event.getPmsReservationId())
                ? new SourceProfileKey(tenant, event.getPmsSystem(),
                        RESERVATION_PROFILE_PREFIX + event.getHotelCode() + ":" + event.getPmsReservationId())
                : null;
    }

    /** A lead guest without PMS profile id who can still be told apart: a surname, an e-mail or a phone. */
    private static boolean onlyInReservation(ReservationGuest lead) {
        return blank(lead.getPmsProfileId())
                && (!blank(lead.getLastName()) || !blank(lead.getEmail()) || !blank(lead.getPhone()));
    }

    /**
     * The reservation's lead guest as a source profile state (a PMS without stable guest ids): names, language, e-mail
     * and phone; versioned like the reservation (its sequence, PMS time, event time), so an older state changes nothing.
     */
    static GuestProfileChanged profileOf(ReservationChanged event, SourceProfileKey key) {
        ReservationGuest lead = lead(event);
        return GuestProfileChanged.newBuilder()
                .setMetadata(event.getMetadata())
                .setChangeType(ProfileChangeType.UPSERTED)
                .setPmsSystem(key.pmsSystem())
                .setPmsProfileId(key.pmsProfileId())
                .setHotelCode(event.getHotelCode())
                .setPmsSequence(event.getPmsSequence())
                .setPmsUpdatedAt(event.getPmsModifiedAt())
                .setTitle(lead.getTitle())
                .setFirstName(lead.getFirstName())
                .setLastName(lead.getLastName())
                .setLanguage(lead.getLanguage())
                .setEmails(blank(lead.getEmail()) ? List.of()
                        : List.of(EmailAddress.newBuilder().setAddress(lead.getEmail()).setPrimary(true).build()))
                .setPhones(blank(lead.getPhone()) ? List.of()
                        : List.of(PhoneNumber.newBuilder().setNumber(lead.getPhone()).setPrimary(true).build()))
                .setAddresses(List.of())
                .build();
    }

    @Override
    public String consumer() {
        return config.serviceName() + ":stays";
    }

    @Override
    public Class<ReservationChanged> recordType() {
        return ReservationChanged.class;
    }

    @Override
    public UUID eventIdOf(ReservationChanged event) {
        EventMetadata metadata = event.getMetadata();
        if (metadata == null || metadata.getEventId() == null || metadata.getOccurredAt() == null
                || blank(metadata.getTenantId())) {
            throw new PoisonRecordException("ReservationChanged without event metadata (eventId, occurredAt, tenantId)");
        }
        List<String> missing = new java.util.ArrayList<>();
        if (blank(event.getHotelCode())) {
            missing.add("hotelCode");
        }
        if (blank(event.getPmsReservationId())) {
            missing.add("pmsReservationId");
        }
        if (blank(event.getPmsSystem())) {
            missing.add("pmsSystem");
        }
        if (event.getArrival() == null) {
            missing.add("arrival");
        }
        if (event.getDeparture() == null) {
            missing.add("departure");
        }
        if (!missing.isEmpty()) {
            throw new PoisonRecordException("ReservationChanged " + metadata.getEventId() + " lacks " + String.join(", ", missing));
        }
        if (event.getDeparture().isBefore(event.getArrival())) {
            throw new PoisonRecordException("ReservationChanged " + metadata.getEventId() + ": departure before arrival");
        }
        return metadata.getEventId();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static StayEntity.Key keyOf(ReservationChanged event) {
        return new StayEntity.Key(event.getMetadata().getTenantId(), event.getHotelCode(), event.getPmsReservationId());
    }

    private static SnapshotVersion versionOf(ReservationChanged event) {
        return new SnapshotVersion(event.getPmsSequence(), event.getPmsModifiedAt(), event.getMetadata().getOccurredAt());
    }

    private static SnapshotVersion versionOf(StayEntity stay) {
        return new SnapshotVersion(stay.pmsSequence, stay.pmsModifiedAt, stay.occurredAt);
    }

    @Override
    public void apply(List<IntakeRecord<ReservationChanged>> records) {
        Instant now = Instant.now();
        Set<StayEntity.Key> keys = new LinkedHashSet<>();
        records.forEach(r -> keys.add(keyOf(r.value())));
        Map<StayEntity.Key, StayEntity> held = StayEntity.findByKeys(keys);
        // A reservation whose lead guest was erased (GDPR) is not kept.
        Set<SourceProfileKey> erased = erasures.erased(records.stream().map(r -> leadOf(r.value())).filter(java.util.Objects::nonNull).toList());

        Map<SourceProfileKey, EventMetadata> changedProfiles = new LinkedHashMap<>();
        List<IntakeRecord<GuestProfileChanged>> reservationGuests = new java.util.ArrayList<>();
        int skipped = 0;
        for (IntakeRecord<ReservationChanged> record : records) {
            ReservationChanged event = record.value();
            if (event.getChangeType() == ReservationChangeType.MISSING_FROM_EXPORT) {
                ignored("missing_from_export");
                skipped++;
                continue;
            }
            SourceProfileKey lead = leadOf(event);
            if (lead != null && erased.contains(lead)) {
                ignored("erased_guest");
                skipped++;
                continue;
            }
            StayEntity.Key key = keyOf(event);
            StayEntity stay = held.get(key);
            if (stay != null && !versionOf(event).isNewerThan(versionOf(stay))) {
                ignored("outdated");
                skipped++;
                continue;
            }
            if (stay == null) {
                stay = new StayEntity();
                stay.id = UUID.randomUUID();
                stay.tenant = key.tenant();
                stay.hotelCode = key.hotelCode();
                stay.pmsReservationId = key.pmsReservationId();
                held.put(key, stay);
            } else if (stay.pmsProfileId != null) {
                changedProfiles.put(new SourceProfileKey(stay.tenant, stay.pmsSystem, stay.pmsProfileId), event.getMetadata());
            }
            copyInto(event, stay, now);
            if (!entityManager.contains(stay)) {
                stay.persist();
            }
            if (lead != null && onlyInReservation(lead(event))) {
                reservationGuests.add(new IntakeRecord<>(profileOf(event, lead), record.eventId(), record.key(),
                        record.topic(), record.partition(), record.offset()));
            }
            if (stay.pmsProfileId != null) {
                changedProfiles.remove(new SourceProfileKey(stay.tenant, stay.pmsSystem, stay.pmsProfileId));
                changedProfiles.put(new SourceProfileKey(stay.tenant, stay.pmsSystem, stay.pmsProfileId), event.getMetadata());
            }
        }
        entityManager.flush();
        // Guests known only from reservations get a source profile of their own, matched and composed by the same
        // rules as a PMS profile (a later reservation of the same person joins its guest by the model).
        if (!reservationGuests.isEmpty()) {
            profiles.apply(reservationGuests);
            entityManager.flush();
        }
        if (changedProfiles.isEmpty()) {
            LOG.debugf("Batch of %d reservation event(s): %d skipped, no guest to recompose.", records.size(), skipped);
            return;
        }
        // The guests of the profiles whose stays changed: locked in id order, recomposed once each.
        Map<SourceProfileKey, SourceProfileEntity> sources = SourceProfileEntity.findByKeys(changedProfiles.keySet());
        Map<UUID, SourceProfileKey> keyOfSource = new HashMap<>();
        sources.forEach((k, s) -> keyOfSource.put(s.id, k));
        Map<UUID, EventMetadata> causeOfGuest = new LinkedHashMap<>();
        Set<UUID> guestIds = new HashSet<>();
        List<GuestSourceProfileEntity> links = GuestSourceProfileEntity.listBySourceProfiles(keyOfSource.keySet());
        links.forEach(link -> guestIds.add(link.guestId));
        Map<UUID, GuestEntity> guests = GuestEntity.lockAll(guestIds);
        // A link read before the lock may have moved (a merge or split committed meanwhile): read them again.
        GuestSourceProfileEntity.listBySourceProfiles(keyOfSource.keySet()).forEach(link -> {
            GuestEntity guest = guests.get(link.guestId);
            if (guest != null && guest.mergedInto == null) {
                causeOfGuest.put(link.guestId, changedProfiles.get(keyOfSource.get(link.sourceProfileId)));
            }
        });
        Map<UUID, GuestRecomposer.Cause> causes = new LinkedHashMap<>();
        causeOfGuest.forEach((guestId, metadata) -> causes.put(guestId, GuestRecomposer.Cause.of(metadata)));
        recomposer.recompose(causes, guests, now);
        LOG.debugf("Batch of %d reservation event(s): %d skipped, %d guest(s) recomposed.", records.size(), skipped,
                causes.size());
    }

    private void ignored(String reason) {
        Counter.builder("guestcrm.profile.reservations.ignored").tag("reason", reason)
                .description("Reservation events that changed no stay").register(meters).increment();
    }

    private static void copyInto(ReservationChanged event, StayEntity stay, Instant now) {
        EventMetadata metadata = event.getMetadata();
        stay.pmsSystem = event.getPmsSystem();
        SourceProfileKey lead = leadOf(event);
        stay.pmsProfileId = lead == null ? null : lead.pmsProfileId();
        stay.status = event.getStatus() == null ? "UNKNOWN" : event.getStatus().name();
        stay.arrival = event.getArrival();
        stay.departure = event.getDeparture();
        Money money = event.getSpend() != null ? event.getSpend() : event.getTotalAmount();
        stay.amount = money == null ? null : money.getAmount();
        stay.currency = money == null || blank(money.getCurrency()) ? null
                : money.getCurrency().trim().toUpperCase(java.util.Locale.ROOT);
        if (stay.currency != null && stay.currency.length() != 3) {
            stay.currency = null;
            stay.amount = null;
        }
        stay.channel = event.getChannel();
        stay.history = metadata.getHistory();
        stay.pmsSequence = event.getPmsSequence();
        stay.pmsModifiedAt = event.getPmsModifiedAt();
        stay.occurredAt = metadata.getOccurredAt();
        stay.lastEventId = metadata.getEventId();
        stay.receivedAt = now;
    }
}
