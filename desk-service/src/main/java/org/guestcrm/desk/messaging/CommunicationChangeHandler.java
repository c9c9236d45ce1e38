package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.config.DeskRules;
import org.guestcrm.desk.domain.DocumentDuty;
import org.guestcrm.desk.persistence.DocumentEntity;
import org.guestcrm.desk.persistence.Jdbc;
import org.guestcrm.desk.persistence.ReservationStateEntity;
import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * crm.communications in one transaction per batch: the documents the batch's events deliver are ensured and locked in
 * the global lock order ({@link DocumentDesk#ensureAndLock}: a communication of a reservation the desk has not seen
 * yet creates its document from the event, the topics are not ordered with each other); each event whose step
 * delivers an owed document moves that document's state (sent, opened, bounced, failed, skipped). Statuses the desk
 * does not use (SCHEDULED, RESCHEDULED, HELD, UNKNOWN) are dropped by {@link #wants} with no database work. Every
 * other event with a hotel and step is counted in communication_tally (per hotel, UTC day, step, channel, status) for
 * the desk's figures, and the batch's progress per partition is recorded ({@link CommunicationProgress}).
 */
@ApplicationScoped
public class CommunicationChangeHandler implements IntakeHandler<CommunicationEvent> {

    static final String CONSUMER = "desk-communications";
    static final String CAMPAIGN_STEP = "CAMPAIGN:";
    private static final Logger LOG = Logger.getLogger(CommunicationChangeHandler.class);

    @Inject
    DocumentDesk documents;
    @Inject
    DeskRules rules;
    @Inject
    DeskClock clock;
    @Inject
    CommunicationProgress progress;
    @Inject
    jakarta.persistence.EntityManager entityManager;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<CommunicationEvent> recordType() {
        return CommunicationEvent.class;
    }

    @Override
    public UUID eventIdOf(CommunicationEvent value) {
        if (value.getMetadata() == null || value.getMetadata().getEventId() == null) {
            throw new PoisonRecordException("CommunicationEvent without metadata.eventId");
        }
        if (value.getMetadata().getTenantId() == null || value.getMetadata().getTenantId().isBlank()) {
            throw new PoisonRecordException("CommunicationEvent " + value.getMetadata().getEventId() + " lacks tenantId");
        }
        return value.getMetadata().getEventId();
    }

    /**
     * The statuses the desk uses: outcomes. SCHEDULED, RESCHEDULED, HELD and UNKNOWN move no document, are not a
     * figure, and are acknowledged by BatchIntake without any database work (no processed-event row either); so is an
     * event without hotel that is not a campaign mail (neither counted nor a document's).
     */
    @Override
    public boolean wants(CommunicationEvent value) {
        CommunicationStatus status = value.getStatus();
        if (status == null || status == CommunicationStatus.SCHEDULED || status == CommunicationStatus.RESCHEDULED
                || status == CommunicationStatus.HELD || status == CommunicationStatus.UNKNOWN) {
            return false;
        }
        return value.getHotelCode() != null || value.getStep() != null && value.getStep().startsWith(CAMPAIGN_STEP);
    }

    @Override
    public void apply(List<IntakeRecord<CommunicationEvent>> records) {
        Instant now = clock.now();
        progress.record(records);
        tally(records);
        campaignSends(records);
        campaignClicks(records);
        // The documents the batch's events deliver: created when missing (a communication of a reservation the desk
        // has not seen yet, the topics are not ordered with each other) and locked, in the one global order, first.
        Set<String> keys = new HashSet<>();
        List<DocumentEntity> wanted = new java.util.ArrayList<>();
        for (IntakeRecord<CommunicationEvent> record : records) {
            CommunicationEvent event = record.value();
            Optional<String> key = keyOf(event);
            Optional<DocumentDuty> duty = key.isEmpty() ? Optional.empty()
                    : rules.documentOfStep(event.getMetadata().getTenantId(), event.getHotelCode(), event.getStep());
            if (duty.isEmpty()) {
                continue;
            }
            keys.add(key.get());
            ReservationStateEntity state = new ReservationStateEntity();
            state.reservationKey = key.get();
            state.tenant = event.getMetadata().getTenantId();
            state.hotelCode = event.getHotelCode();
            state.pmsReservationId = event.getPmsReservationId();
            Instant due = event.getScheduledFor() != null ? event.getScheduledFor() : event.getMetadata().getOccurredAt();
            wanted.add(DocumentDesk.create(state, duty.get(), due, now));
        }
        if (keys.isEmpty()) {
            return;
        }
        Map<String, DocumentEntity> held = new HashMap<>();
        org.guestcrm.desk.persistence.DocumentRows documentRows = documents.rows();
        documentRows.ensureAndLock(wanted, keys).forEach(d -> held.put(d.reservationKey + "|" + d.kind, d));
        int applied = 0;
        int late = 0;
        for (IntakeRecord<CommunicationEvent> record : records) {
            CommunicationEvent event = record.value();
            Optional<String> key = keyOf(event);
            if (key.isEmpty()) {
                continue;
            }
            String tenant = event.getMetadata().getTenantId();
            Optional<DocumentDuty> duty = rules.documentOfStep(tenant, event.getHotelCode(), event.getStep());
            if (duty.isEmpty()) {
                continue;
            }
            DocumentEntity document = held.get(key.get() + "|" + duty.get().kind());
            if (document == null) {
                ReservationStateEntity state = new ReservationStateEntity();
                state.reservationKey = key.get();
                state.tenant = tenant;
                state.hotelCode = event.getHotelCode();
                state.pmsReservationId = event.getPmsReservationId();
                Instant due = event.getScheduledFor() != null ? event.getScheduledFor() : event.getMetadata().getOccurredAt();
                document = documentRows.insertOnce(DocumentDesk.create(state, duty.get(), due, now));
                held.put(key.get() + "|" + duty.get().kind(), document);
            }
            Cause cause = new Cause(event.getMetadata().getCorrelationId(), event.getMetadata().getEventId().toString());
            boolean wasMissing = document.state == org.guestcrm.desk.domain.DocumentState.MISSING;
            documents.onCommunication(document, event.getStatus().name(), event.getReason(), event.getCommunicationId(),
                    event.getMetadata().getOccurredAt(), now, cause);
            if (!wasMissing && document.state == org.guestcrm.desk.domain.DocumentState.MISSING) {
                late++;
            }
            applied++;
        }
        documentRows.writeChanged();
        if (late > 0) {
            LOG.warnf("%d document(s) bounced, failed or skipped in a batch of %d communication event(s); LATE_DOCUMENT"
                    + " task(s) opened.", late, records.size());
        }
        LOG.debugf("Applied %d of %d communication events to documents", applied, records.size());
    }

    /**
     * Adds the batch's events to communication_tally: one upsert per (hotel, day, step, channel, status). An SMS SENT
     * adds its segments (CommunicationEvent.segments), or counts as one without a segment count (older producers).
     */
    private void tally(List<IntakeRecord<CommunicationEvent>> records) {
        Map<List<String>, long[]> counts = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
        for (IntakeRecord<CommunicationEvent> record : records) {
            CommunicationEvent event = record.value();
            if (event.getHotelCode() == null || event.getStep() == null) {
                continue;
            }
            String day = event.getMetadata().getOccurredAt().atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
            List<String> key = List.of(event.getMetadata().getTenantId(), cut(event.getHotelCode(), 100), day,
                    cut(event.getStep(), 100), event.getChannel().name(), event.getStatus().name());
            long[] c = counts.computeIfAbsent(key, k -> new long[3]);
            c[0]++;
            if (event.getChannel() == CommunicationChannel.SMS && event.getStatus() == CommunicationStatus.SENT) {
                Integer segments = event.getSegments();
                if (segments != null && segments > 0) {
                    c[1] += segments;
                } else {
                    c[2]++;
                }
            }
        }
        if (counts.isEmpty()) {
            return;
        }
        List<Map.Entry<List<String>, long[]>> rows = new java.util.ArrayList<>(counts.entrySet());
        io.micrometer.core.instrument.Counter counter = meters.counter("desk.jdbc.statements", "table",
                "communication_tally");
        Jdbc.work(entityManager, connection -> {
            try (java.sql.PreparedStatement upsert = connection.prepareStatement(TALLY)) {
                for (int c = 0; c < 6; c++) {
                    int column = c;
                    upsert.setArray(c + 1, Jdbc.texts(connection, rows, e -> e.getKey().get(column)));
                }
                for (int c = 0; c < 3; c++) {
                    int column = c;
                    upsert.setArray(c + 7, Jdbc.texts(connection, rows, e -> e.getValue()[column]));
                }
                counter.increment();
                return upsert.executeUpdate();
            }
        });
    }

    /** communication_tally: one statement text whatever the number of groups (issue 5). */
    private static final String TALLY = """
            insert into communication_tally (tenant, hotel_code, day, step, channel, status, events, segments,
                                             without_segments)
            select r.* from unnest(cast(? as varchar[]), cast(? as varchar[]), cast(? as date[]), cast(? as varchar[]),
                                   cast(? as varchar[]), cast(? as varchar[]), cast(? as bigint[]), cast(? as bigint[]),
                                   cast(? as bigint[]))
                as r(tenant, hotel_code, day, step, channel, status, events, segments, without_segments)
            order by r.tenant, r.hotel_code, r.day, r.step, r.channel, r.status
            on conflict (tenant, hotel_code, day, step, channel, status)
            do update set events = communication_tally.events + excluded.events,
                segments = communication_tally.segments + excluded.segments,
                without_segments = communication_tally.without_segments + excluded.without_segments""";

    /**
     * Campaign mails SENT to a golden guest (step {@code CAMPAIGN:<id>}, with a guestId): kept for the revenue
     * attribution of the guest's later bookings, one row per communication (a redelivered SENT changes nothing). A
     * guest already merged away (guest_seen, following the chain) is replaced by the guest it was merged into.
     */
    private void campaignSends(List<IntakeRecord<CommunicationEvent>> records) {
        for (IntakeRecord<CommunicationEvent> record : records) {
            CommunicationEvent event = record.value();
            if (event.getStatus() != CommunicationStatus.SENT || event.getStep() == null
                    || !event.getStep().startsWith(CAMPAIGN_STEP) || event.getStep().length() == CAMPAIGN_STEP.length()
                    || event.getGuestId() == null || event.getGuestId().isBlank()) {
                continue;
            }
            entityManager.createNativeQuery("""
                    with recursive survivor(guest_id, depth) as (
                        select cast(?3 as varchar), 0
                        union all
                        select cast(g.merged_into as varchar), s.depth + 1 from guest_seen g join survivor s on g.guest_id = s.guest_id
                        where g.gone and g.merged_into is not null and s.depth < 20)
                    insert into campaign_send (communication_id, tenant, guest_id, campaign_id, hotel_code, sent_at,
                                               contact_ref)
                    select ?1, ?2, (select guest_id from survivor order by depth desc limit 1), ?4, nullif(?5, ''), ?6,
                           desk_contact_ref(?2, 'EMAIL', nullif(?7, ''))
                    on conflict (communication_id) do nothing""")
                    .setParameter(1, event.getCommunicationId()).setParameter(2, event.getMetadata().getTenantId())
                    .setParameter(3, cut(event.getGuestId(), 100))
                    .setParameter(4, cut(event.getStep().substring(CAMPAIGN_STEP.length()), 100))
                    .setParameter(5, event.getHotelCode() == null ? "" : cut(event.getHotelCode(), 100))
                    .setParameter(6, event.getMetadata().getOccurredAt())
                    .setParameter(7, mailedAddress(event)).executeUpdate();
        }
    }

    /** The normalised e-mail address a campaign mail went to ("" when none or not an e-mail): kept only as its ref. */
    private static String mailedAddress(CommunicationEvent event) {
        if (event.getChannel() != CommunicationChannel.EMAIL || event.getContactPoint() == null) {
            return "";
        }
        return org.guestcrm.platform.domain.ContactPointNormaliser.email(event.getContactPoint()).orElse("");
    }

    /**
     * Clicks in campaign mails (CLICKED, step {@code CAMPAIGN:<id>}): one row per click event (a redelivery adds
     * nothing), for the revenue attributed by click (bookings within desk.attribution.window after a click). The
     * guest is the event's, else the one its mail was sent to; a guest merged away is replaced by its survivor.
     */
    private void campaignClicks(List<IntakeRecord<CommunicationEvent>> records) {
        for (IntakeRecord<CommunicationEvent> record : records) {
            CommunicationEvent event = record.value();
            if (event.getStatus() != CommunicationStatus.CLICKED || event.getStep() == null
                    || !event.getStep().startsWith(CAMPAIGN_STEP) || event.getStep().length() == CAMPAIGN_STEP.length()
                    || event.getCommunicationId() == null) {
                continue;
            }
            entityManager.createNativeQuery("""
                    with recursive survivor(guest_id, depth) as (
                        select cast(coalesce(nullif(?3, ''), (select s.guest_id from campaign_send s
                                                           where s.communication_id = ?1)) as varchar), 0
                        union all
                        select cast(g.merged_into as varchar), s.depth + 1 from guest_seen g join survivor s on g.guest_id = s.guest_id
                        where g.gone and g.merged_into is not null and s.depth < 20)
                    insert into campaign_click (event_id, communication_id, tenant, guest_id, campaign_id, hotel_code,
                                                clicked_at)
                    select ?7, ?1, ?2, (select guest_id from survivor order by depth desc limit 1), ?4, nullif(?5, ''), ?6
                    on conflict (event_id) do nothing""")
                    .setParameter(1, event.getCommunicationId()).setParameter(2, event.getMetadata().getTenantId())
                    .setParameter(3, event.getGuestId() == null ? "" : cut(event.getGuestId(), 100))
                    .setParameter(4, cut(event.getStep().substring(CAMPAIGN_STEP.length()), 100))
                    .setParameter(5, event.getHotelCode() == null ? "" : cut(event.getHotelCode(), 100))
                    .setParameter(6, event.getMetadata().getOccurredAt())
                    .setParameter(7, event.getMetadata().getEventId()).executeUpdate();
        }
    }

    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }

    private static Optional<String> keyOf(CommunicationEvent event) {
        if (event.getHotelCode() == null || event.getPmsReservationId() == null || event.getStep() == null) {
            return Optional.empty();
        }
        return Optional.of(event.getMetadata().getTenantId() + ":" + event.getHotelCode() + ":" + event.getPmsReservationId());
    }
}
