package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.domain.LeadStatus;
import org.guestcrm.desk.domain.ReservationSignal;
import org.guestcrm.desk.persistence.DocumentEntity;
import org.guestcrm.desk.persistence.Jdbc;
import org.guestcrm.desk.persistence.ReservationStateRows;
import org.guestcrm.desk.persistence.LeadEntity;
import org.guestcrm.desk.persistence.ReservationStateEntity;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationGuest;
import org.guestcrm.platform.domain.SnapshotVersion;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

/**
 * Applies a batch of ReservationChanged in the intake's one transaction. The reservations held for the batch's keys
 * and the leads linked to them are loaded in one query each (leads locked); each record is applied in offset order,
 * only if newer than the snapshot held:
 * <ul>
 *   <li>TENTATIVE / WAITLISTED (a request): a lead on the reservation (or the open inquiry of the same guest and stay
 *   is linked to it) and its first call-back task;</li>
 *   <li>CONFIRMED / CHECKED_IN / CHECKED_OUT: the lead of the reservation, or the open inquiry of the same guest and
 *   stay, is booked and its tasks closed;</li>
 *   <li>CANCELLED / NO_SHOW: an open lead of the reservation is lost.</li>
 * </ul>
 * History imports ({@code metadata.history}) are mirrored and may close a lead, but never open one.
 */
@ApplicationScoped
public class ReservationChangeHandler implements IntakeHandler<ReservationChanged> {

    static final String CONSUMER = "desk-reservations";
    private static final Logger LOG = Logger.getLogger(ReservationChangeHandler.class);

    @Inject
    LeadDesk leads;
    @Inject
    DeskClock clock;
    @Inject
    DocumentDesk documents;
    @Inject
    GuestLinks guests;
    @Inject
    jakarta.persistence.EntityManager entityManager;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<ReservationChanged> recordType() {
        return ReservationChanged.class;
    }

    @Override
    public UUID eventIdOf(ReservationChanged value) {
        if (value.getMetadata() == null || value.getMetadata().getEventId() == null) {
            throw new PoisonRecordException("ReservationChanged without metadata.eventId");
        }
        UUID id = value.getMetadata().getEventId();
        if (blank(value.getMetadata().getTenantId()) || blank(value.getHotelCode()) || blank(value.getPmsReservationId())) {
            throw new PoisonRecordException("ReservationChanged " + id + " lacks tenantId, hotelCode or pmsReservationId");
        }
        if (value.getArrival() == null || value.getDeparture() == null) {
            throw new PoisonRecordException("ReservationChanged " + id + " lacks arrival or departure");
        }
        if (value.getDeparture().isBefore(value.getArrival())) {
            throw new PoisonRecordException("departure is before arrival in ReservationChanged " + id);
        }
        return id;
    }

    /**
     * No processed-event row per reservation event: every write of {@link #apply} is guarded by the snapshot's own
     * version (a record not newer than the reservation_state held, locked, changes nothing: no lead, task, TaskChanged,
     * document), and a new reservation's first row is unique by its key (a concurrent duplicate fails and is retried,
     * then sees the row). Proven by {@code ReservationRedeliveryTest} (a redelivered batch: no second lead, task,
     * outbox event or document change).
     */
    @Override
    public boolean recordsProcessedEvents() {
        return false;
    }

    @Override
    public void apply(List<IntakeRecord<ReservationChanged>> records) {
        Instant now = clock.now();
        feedsSeen(records, now);
        Set<String> keys = new HashSet<>();
        Set<String> tenants = new HashSet<>();
        Set<String> emails = new HashSet<>();
        for (IntakeRecord<ReservationChanged> record : records) {
            keys.add(keyOf(record.value()));
            tenants.add(record.value().getMetadata().getTenantId());
            String email = emailOf(record.value());
            if (email != null) {
                emails.add(email);
            }
        }
        // The golden guests of the batch's primary guests' PMS profiles (crm.guests), for new and linked leads.
        Set<String> profileKeys = new HashSet<>();
        for (IntakeRecord<ReservationChanged> record : records) {
            ReservationGuest guest = primaryGuest(record.value());
            if (guest != null && guest.getPmsProfileId() != null) {
                profileKeys.add(org.guestcrm.desk.persistence.GuestLinkEntity.keyOf(
                        record.value().getMetadata().getTenantId(), record.value().getPmsSystem(), guest.getPmsProfileId()));
            }
        }
        Map<String, String> guestOfProfile = guests.guestsOf(profileKeys);
        // Locked (in key order, before the leads: the lock order of every desk writer of reservation_state), so the
        // version check below is a guard even when two consumers briefly hold the same partition (a rebalance): the
        // handler records no processed-event row (recordsProcessedEvents), the snapshot version alone decides. Plain
        // JDBC (not managed): the rows the batch applies are written back in one upsert at its end.
        ReservationStateRows stateRows = new ReservationStateRows(entityManager, statements("reservation_state"));
        Map<String, ReservationStateEntity> held = stateRows.lock(keys);
        Map<String, ReservationStateEntity> applied = new java.util.TreeMap<>();
        Map<String, LeadEntity> leadsByKey = new HashMap<>();
        leadsLocked("select id from lead where reservation_key = any(cast(? as varchar[])) order by id for update",
                keys, null).forEach(lead -> leadsByKey.put(lead.reservationKey, lead));
        // Every document the batch may touch exists and is locked, in the one global order, before any changes.
        Map<String, List<DocumentEntity>> documentsByKey = new HashMap<>();
        org.guestcrm.desk.persistence.DocumentRows documentRows = documents.rows();
        documentRows.ensureAndLock(owedDocuments(records, held, now), keys)
                .forEach(d -> documentsByKey.computeIfAbsent(d.reservationKey, k -> new ArrayList<>()).add(d));
        // Open inquiries (API) of the batch's guests, to link a booking of the same guest and stay to its inquiry.
        List<LeadEntity> openInquiries = emails.isEmpty() ? new ArrayList<>()
                : leadsLocked("select id from lead where status = 'OPEN' and reservation_key is null"
                        + " and tenant = any(cast(? as varchar[])) and guest_email = any(cast(? as varchar[]))"
                        + " order by id for update", tenants, emails);

        MirrorTally tally = new MirrorTally();
        for (IntakeRecord<ReservationChanged> record : records) {
            ReservationChanged snapshot = record.value();
            String key = keyOf(snapshot);
            ReservationStateEntity state = held.get(key);
            SnapshotVersion version = new SnapshotVersion(snapshot.getPmsSequence(), snapshot.getPmsModifiedAt(),
                    snapshot.getMetadata().getOccurredAt());
            if (state != null && !version.isNewerThan(
                    new SnapshotVersion(state.pmsSequence, state.pmsModifiedAt, state.occurredAt))) {
                LOG.debugf("ReservationChanged %s is not newer than the snapshot held for %s; skipped",
                        snapshot.getMetadata().getEventId(), record.position());
                continue;
            }
            tally.count(snapshot, record.partition(), state == null ? null : state.status);
            if (state == null) {
                state = new ReservationStateEntity();
                state.id = UUID.randomUUID();
                state.reservationKey = key;
                state.firstSeenAt = now;
                held.put(key, state);
            }
            copy(snapshot, state, now);
            applied.put(key, state);

            Cause cause = new Cause(snapshot.getMetadata().getCorrelationId(),
                    snapshot.getMetadata().getEventId().toString());
            LeadEntity lead = leadsByKey.get(key);
            ReservationSignal signal = ReservationSignal.of(snapshot.getStatus().name());
            documents.onReservation(state, signal, Boolean.TRUE.equals(snapshot.getMetadata().getHistory()),
                    documentsByKey.computeIfAbsent(key, k -> new ArrayList<>()), documentRows, now, cause);
            switch (signal) {
                case REQUEST -> {
                    if (lead != null || Boolean.TRUE.equals(snapshot.getMetadata().getHistory())) {
                        continue;
                    }
                    LeadEntity inquiry = matchingInquiry(openInquiries, state);
                    if (inquiry != null) {
                        // The hotel entered the inquiry in its PMS as an option: one lead, now known by the reservation.
                        inquiry.reservationKey = key;
                        inquiry.pmsSystem = state.pmsSystem;
                        inquiry.pmsReservationId = state.pmsReservationId;
                        inquiry.pmsProfileId = state.pmsProfileId;
                        adoptGuest(inquiry, state, guestOfProfile);
                        inquiry.updatedAt = now;
                        openInquiries.remove(inquiry);
                        leadsByKey.put(key, inquiry);
                        continue;
                    }
                    LeadEntity created = leadOf(snapshot, state, now);
                    adoptGuest(created, state, guestOfProfile);
                    created.persist();
                    leadsByKey.put(key, created);
                    leads.openCallBack(created, now, cause);
                }
                case BOOKED -> {
                    LeadEntity booked = lead != null ? lead : matchingInquiry(openInquiries, state);
                    if (booked != null && booked.status == LeadStatus.OPEN) {
                        openInquiries.remove(booked);
                        leadsByKey.put(key, booked);
                        if (booked.pmsProfileId == null && state.pmsProfileId != null) {
                            booked.pmsSystem = state.pmsSystem;
                            booked.pmsProfileId = state.pmsProfileId;
                        }
                        adoptGuest(booked, state, guestOfProfile);
                        leads.booked(booked, key, state.pmsReservationId, now, null, cause);
                    }
                }
                case CANCELLED -> {
                    if (lead != null && lead.status == LeadStatus.OPEN) {
                        leads.lost(lead, LeadStatus.LOST, "reservation " + snapshot.getStatus().name().toLowerCase(Locale.ROOT)
                                + " in the PMS", now, null, cause);
                    }
                }
                case NONE -> {
                }
            }
        }
        stateRows.write(applied.values());
        documentRows.writeChanged();
        tally.write(entityManager, statements("reservation_tally"));
        LOG.debugf("Applied %d of %d reservation changes", applied.size(), records.size());
    }

    /**
     * The leads whose ids {@code sql} selects (and locks, with its {@code for update}) from one or two arrays of
     * values, loaded as entities by id only when there are any: a batch of bookings without leads costs one plain
     * statement, not a Hibernate query.
     */
    private List<LeadEntity> leadsLocked(String sql, java.util.Collection<String> first,
                                         java.util.Collection<String> second) {
        io.micrometer.core.instrument.Counter counter = statements("lead");
        List<UUID> ids = Jdbc.work(entityManager, connection -> {
            List<UUID> found = new ArrayList<>();
            try (java.sql.PreparedStatement select = connection.prepareStatement(sql)) {
                select.setArray(1, Jdbc.texts(connection, first, v -> v));
                if (second != null) {
                    select.setArray(2, Jdbc.texts(connection, second, v -> v));
                }
                counter.increment();
                try (java.sql.ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return found;
        });
        List<LeadEntity> leads = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            LeadEntity lead = entityManager.find(LeadEntity.class, id); // locked above
            if (lead != null) {
                leads.add(lead);
            }
        }
        return leads;
    }

    private io.micrometer.core.instrument.Counter statements(String table) {
        return meters.counter("desk.jdbc.statements", "table", table);
    }

    /**
     * Reservations mirrored (the KPIs): per tenant, hotel, UTC day of the change and partition, the applied snapshots
     * of the batch (first seen, changed, became CANCELLED), written in one upsert per batch, rows in key order.
     */
    static final class MirrorTally {

        private final Map<String, Object[]> rows = new java.util.TreeMap<>();

        void count(ReservationChanged snapshot, int partition, String statusBefore) {
            String tenant = snapshot.getMetadata().getTenantId();
            String hotel = cut(snapshot.getHotelCode(), 100);
            java.time.LocalDate day = snapshot.getMetadata().getOccurredAt().atZone(java.time.ZoneOffset.UTC).toLocalDate();
            Object[] row = rows.computeIfAbsent(tenant + "\0" + hotel + "\0" + day + "\0" + partition,
                    k -> new Object[] {tenant, hotel, day, partition, new long[3]});
            long[] counts = (long[]) row[4];
            boolean cancelled = snapshot.getStatus() == org.guestcrm.events.ReservationStatus.CANCELLED;
            if (statusBefore == null) {
                counts[0]++;
            } else {
                counts[1]++;
            }
            if (cancelled && !"CANCELLED".equals(statusBefore)) {
                counts[2]++;
            }
        }

        static final String UPSERT = """
                insert into reservation_tally (tenant, hotel_code, day, topic_partition, created, changed, cancelled)
                select r.* from unnest(cast(? as varchar[]), cast(? as varchar[]), cast(? as date[]),
                                       cast(? as int[]), cast(? as bigint[]), cast(? as bigint[]), cast(? as bigint[]))
                    as r(tenant, hotel_code, day, topic_partition, created, changed, cancelled)
                order by r.tenant, r.hotel_code, r.day, r.topic_partition
                on conflict (tenant, hotel_code, day, topic_partition) do update set
                    created = reservation_tally.created + excluded.created,
                    changed = reservation_tally.changed + excluded.changed,
                    cancelled = reservation_tally.cancelled + excluded.cancelled""";

        /** One upsert for the batch (one statement text whatever the number of rows). */
        void write(jakarta.persistence.EntityManager entityManager, io.micrometer.core.instrument.Counter statements) {
            if (rows.isEmpty()) {
                return;
            }
            List<Object[]> values = new ArrayList<>(rows.values());
            Jdbc.work(entityManager, connection -> {
                try (java.sql.PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
                    upsert.setArray(1, Jdbc.texts(connection, values, r -> r[0]));
                    upsert.setArray(2, Jdbc.texts(connection, values, r -> r[1]));
                    upsert.setArray(3, Jdbc.texts(connection, values, r -> r[2]));
                    upsert.setArray(4, Jdbc.texts(connection, values, r -> r[3]));
                    upsert.setArray(5, Jdbc.texts(connection, values, r -> ((long[]) r[4])[0]));
                    upsert.setArray(6, Jdbc.texts(connection, values, r -> ((long[]) r[4])[1]));
                    upsert.setArray(7, Jdbc.texts(connection, values, r -> ((long[]) r[4])[2]));
                    statements.increment();
                    return upsert.executeUpdate();
                }
            });
        }
    }

    /**
     * The documents the batch's booked snapshots will owe, computed ahead of applying them (the same version check as
     * {@link #apply}: a record not newer than the held snapshot or an earlier record of the batch owes nothing), so
     * that they are inserted and locked together in the global order.
     */
    private List<DocumentEntity> owedDocuments(List<IntakeRecord<ReservationChanged>> records,
                                               Map<String, ReservationStateEntity> held, Instant now) {
        List<DocumentEntity> owed = new ArrayList<>();
        Set<String> planned = new HashSet<>();
        Map<String, SnapshotVersion> versions = new HashMap<>();
        held.forEach((key, state) -> versions.put(key, new SnapshotVersion(state.pmsSequence, state.pmsModifiedAt,
                state.occurredAt)));
        for (IntakeRecord<ReservationChanged> record : records) {
            ReservationChanged snapshot = record.value();
            String key = keyOf(snapshot);
            SnapshotVersion version = new SnapshotVersion(snapshot.getPmsSequence(), snapshot.getPmsModifiedAt(),
                    snapshot.getMetadata().getOccurredAt());
            SnapshotVersion before = versions.get(key);
            if (before != null && !version.isNewerThan(before)) {
                continue;
            }
            versions.put(key, version);
            if (ReservationSignal.of(snapshot.getStatus().name()) != ReservationSignal.BOOKED
                    || Boolean.TRUE.equals(snapshot.getMetadata().getHistory())) {
                continue;
            }
            ReservationStateEntity state = new ReservationStateEntity();
            state.reservationKey = key;
            state.tenant = snapshot.getMetadata().getTenantId();
            state.hotelCode = snapshot.getHotelCode();
            state.pmsReservationId = snapshot.getPmsReservationId();
            state.status = snapshot.getStatus().name();
            state.arrival = snapshot.getArrival();
            state.departure = snapshot.getDeparture();
            ReservationStateEntity known = held.get(key);
            state.firstSeenAt = known != null ? known.firstSeenAt : now;
            documents.plan(state, owed, planned, now);
        }
        return owed;
    }

    /**
     * Feed health (the KPIs' "feeds healthy"): per tenant, hotel, feed (metadata.source) and partition, the newest
     * event of the batch and when the desk took it in; one upsert per feed in the batch, in key order, changing the row
     * only for a newer event (so a redelivered batch writes nothing).
     */
    private void feedsSeen(List<IntakeRecord<ReservationChanged>> records, Instant now) {
        Map<List<Object>, Object[]> newest = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
        for (IntakeRecord<ReservationChanged> record : records) {
            ReservationChanged value = record.value();
            String feed = blank(value.getMetadata().getSource()) ? "unknown" : cut(value.getMetadata().getSource(), 200);
            List<Object> key = List.of(value.getMetadata().getTenantId(), cut(value.getHotelCode(), 100), feed,
                    record.partition());
            Instant at = value.getMetadata().getOccurredAt();
            Object[] seen = newest.get(key);
            if (seen == null || at.isAfter((Instant) seen[0])) {
                newest.put(key, new Object[] {at, value.getPmsSystem() == null ? null : cut(value.getPmsSystem(), 100)});
            }
        }
        if (newest.isEmpty()) {
            return;
        }
        List<Map.Entry<List<Object>, Object[]>> rows = new ArrayList<>(newest.entrySet());
        io.micrometer.core.instrument.Counter counter = statements("feed_seen");
        Jdbc.work(entityManager, connection -> {
            try (java.sql.PreparedStatement upsert = connection.prepareStatement(FEEDS_SEEN)) {
                upsert.setArray(1, Jdbc.texts(connection, rows, e -> e.getKey().get(0)));
                upsert.setArray(2, Jdbc.texts(connection, rows, e -> e.getKey().get(1)));
                upsert.setArray(3, Jdbc.texts(connection, rows, e -> e.getKey().get(2)));
                upsert.setArray(4, Jdbc.texts(connection, rows, e -> e.getKey().get(3)));
                upsert.setArray(5, Jdbc.texts(connection, rows, e -> e.getValue()[1]));
                upsert.setArray(6, Jdbc.texts(connection, rows, e -> e.getValue()[0]));
                upsert.setArray(7, Jdbc.texts(connection, rows, e -> now));
                counter.increment();
                return upsert.executeUpdate();
            }
        });
    }

    private static final String FEEDS_SEEN = """
            insert into feed_seen (tenant, hotel_code, feed, topic_partition, pms_system, last_event_at,
                                   last_received_at)
            select r.* from unnest(cast(? as varchar[]), cast(? as varchar[]), cast(? as varchar[]), cast(? as int[]),
                                   cast(? as varchar[]), cast(? as timestamptz[]), cast(? as timestamptz[]))
                as r(tenant, hotel_code, feed, topic_partition, pms_system, last_event_at, last_received_at)
            order by r.tenant, r.hotel_code, r.feed, r.topic_partition
            on conflict (tenant, hotel_code, feed, topic_partition) do update
            set last_event_at = excluded.last_event_at, last_received_at = excluded.last_received_at,
                pms_system = excluded.pms_system
            where feed_seen.last_event_at < excluded.last_event_at""";

    /** The lead takes the golden guest of the reservation's primary guest's profile, when crm.guests named one. */
    private static void adoptGuest(LeadEntity lead, ReservationStateEntity state, Map<String, String> guestOfProfile) {
        if (state.pmsProfileId == null) {
            return;
        }
        String guest = guestOfProfile.get(org.guestcrm.desk.persistence.GuestLinkEntity.keyOf(state.tenant,
                state.pmsSystem, state.pmsProfileId));
        if (guest != null) {
            lead.guestId = guest;
        }
    }

    private static LeadEntity matchingInquiry(List<LeadEntity> inquiries, ReservationStateEntity state) {
        if (state.guestEmail == null) {
            return null;
        }
        return inquiries.stream()
                .filter(l -> l.tenant.equals(state.tenant) && l.hotelCode.equals(state.hotelCode)
                        && state.guestEmail.equals(l.guestEmail) && l.arrival.equals(state.arrival)
                        && l.departure.equals(state.departure) && l.status == LeadStatus.OPEN)
                .findFirst().orElse(null);
    }

    private static LeadEntity leadOf(ReservationChanged snapshot, ReservationStateEntity state, Instant now) {
        ReservationGuest guest = primaryGuest(snapshot);
        LeadEntity lead = new LeadEntity();
        lead.id = UUID.randomUUID();
        lead.tenant = state.tenant;
        lead.hotelCode = state.hotelCode;
        lead.origin = LeadEntity.ORIGIN_PMS;
        lead.status = LeadStatus.OPEN;
        lead.reservationKey = state.reservationKey;
        lead.pmsSystem = state.pmsSystem;
        lead.pmsReservationId = state.pmsReservationId;
        lead.pmsProfileId = state.pmsProfileId;
        if (guest != null) {
            lead.guestName = cut(join(guest.getFirstName(), guest.getLastName()), 200);
            lead.guestEmail = state.guestEmail;
            lead.guestPhone = cut(guest.getPhone(), 40);
            lead.language = cut(guest.getLanguage(), 20);
        }
        lead.arrival = state.arrival;
        lead.departure = state.departure;
        lead.adults = Math.max(0, snapshot.getAdults());
        lead.children = Math.max(0, snapshot.getChildren());
        lead.rooms = 1;
        lead.roomType = cut(snapshot.getRoomTypeCode(), 100);
        lead.channel = cut(snapshot.getChannel(), 40);
        // The clock of the call-back starts when the request was made at the PMS (never in the future).
        Instant requested = snapshot.getCreatedAt() != null ? snapshot.getCreatedAt() : snapshot.getMetadata().getOccurredAt();
        lead.receivedAt = requested.isAfter(now) ? now : requested;
        lead.createdBy = "pms:" + state.pmsSystem;
        lead.updatedAt = now;
        return lead;
    }

    private static void copy(ReservationChanged snapshot, ReservationStateEntity state, Instant now) {
        state.tenant = snapshot.getMetadata().getTenantId();
        state.hotelCode = snapshot.getHotelCode();
        state.pmsReservationId = snapshot.getPmsReservationId();
        state.pmsSystem = snapshot.getPmsSystem();
        state.status = snapshot.getStatus().name();
        state.arrival = snapshot.getArrival();
        state.departure = snapshot.getDeparture();
        ReservationGuest guest = primaryGuest(snapshot);
        state.pmsProfileId = guest == null ? null : cut(guest.getPmsProfileId(), 200);
        state.guestEmail = emailOf(snapshot);
        state.pmsSequence = snapshot.getPmsSequence();
        state.pmsModifiedAt = snapshot.getPmsModifiedAt();
        state.occurredAt = snapshot.getMetadata().getOccurredAt();
        state.lastEventId = snapshot.getMetadata().getEventId();
        state.updatedAt = now;
        Instant booked = snapshot.getCreatedAt() != null ? snapshot.getCreatedAt() : snapshot.getMetadata().getOccurredAt();
        if (state.bookedAt == null || booked.isBefore(state.bookedAt)) {
            state.bookedAt = booked;
        }
        if (snapshot.getTotalAmount() != null && snapshot.getTotalAmount().getAmount() != null
                && snapshot.getTotalAmount().getCurrency() != null
                && snapshot.getTotalAmount().getCurrency().length() == 3) {
            state.totalAmount = snapshot.getTotalAmount().getAmount();
            state.currency = snapshot.getTotalAmount().getCurrency().toUpperCase(java.util.Locale.ROOT);
        }
    }

    static String keyOf(ReservationChanged value) {
        return value.getMetadata().getTenantId() + ":" + value.getHotelCode() + ":" + value.getPmsReservationId();
    }

    private static ReservationGuest primaryGuest(ReservationChanged snapshot) {
        if (snapshot.getGuests() == null || snapshot.getGuests().isEmpty()) {
            return null;
        }
        return snapshot.getGuests().stream().filter(ReservationGuest::getPrimary).findFirst()
                .orElse(snapshot.getGuests().getFirst());
    }

    private static String emailOf(ReservationChanged snapshot) {
        ReservationGuest guest = primaryGuest(snapshot);
        if (guest == null || blank(guest.getEmail())) {
            return null;
        }
        String email = org.guestcrm.platform.domain.ContactPointNormaliser.email(guest.getEmail()).orElse(null);
        return email == null || email.length() > 320 ? null : email;
    }

    private static String join(String first, String last) {
        String name = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
        return name.isEmpty() ? null : name;
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
