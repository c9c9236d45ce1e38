package org.guestcrm.connector.messaging;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.guestcrm.connector.domain.EventIds;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.VersionOrdering.Held;
import org.guestcrm.connector.persistence.AggregateVersions;
import org.guestcrm.connector.persistence.ExportStore;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

/**
 * Applies one daily export of a feed in one transaction (the feed row locked, so two uploads of a feed never
 * interleave): its rows go through the logical deduplication (unchanged rows emit nothing, changed ones their new state);
 * then it is diffed with what the earlier exports listed. A reservation listed before and absent now, whose last known
 * arrival is still inside this export's window and whose status is not final, is not assumed cancelled (it may have
 * moved out of the window): its last state is emitted again with change type MISSING_FROM_EXPORT (status and version
 * unchanged, so downstream holds guest mails) and counted unsettled until an export lists it again. One whose arrival is
 * before the window left it normally and is no longer followed. An export older than the newest one received is applied
 * row by row (older versions stay stale) but not diffed.
 */
@ApplicationScoped
public class ExportDiff {

    private static final Logger LOG = Logger.getLogger(ExportDiff.class);
    private static final Set<ReservationStatus> FINAL = Set.of(ReservationStatus.CANCELLED, ReservationStatus.CHECKED_OUT,
            ReservationStatus.NO_SHOW);

    /** One accepted data line of the export. */
    public record ExportRow(long line, Reservation reservation) {
    }

    /** What an export did; {@code duplicate} = the same file was received before (nothing done again). */
    public record Outcome(boolean duplicate, ExportStore.ExportRecord export, long unsettled) {
    }

    @Inject
    InboundMessageIntake intake;

    @Inject
    ExportStore store;

    @Inject
    AggregateVersions versions;

    @Inject
    Outbox outbox;

    @Transactional
    public Outcome apply(String tenantId, String feedId, String defaultCurrency, String sha256, Instant exportedAt,
                         LocalDate windowStart, int rowsRead, List<ExportRow> rows, List<ExportStore.Rejection> rejections,
                         String rejectionsJson) {
        store.lockFeed(feedId);
        var known = store.bySha(feedId, sha256);
        if (known.isPresent()) {
            return new Outcome(true, known.get(), store.unsettledCount(feedId));
        }
        UUID exportId = UUID.nameUUIDFromBytes(("guestcrm:export:" + feedId + ":" + sha256)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        boolean newest = store.latestExportedAt(feedId).map(latest -> !exportedAt.isBefore(latest)).orElse(true);
        InboundMessageIntake.HistoryOutcome emitted = intake.recordExport(tenantId, feedId, defaultCurrency, exportId,
                exportedAt, rows.stream().map(r -> new InboundMessageIntake.HistoryRow(r.line(), r.reservation(), null,
                        null, null)).toList());
        int settled = 0;
        int missing = 0;
        if (newest) {
            Set<String> present = new LinkedHashSet<>();
            rows.forEach(r -> present.add(r.reservation().hotelCode() + ":" + r.reservation().pmsReservationId()));
            settled = store.markPresent(feedId, exportId, present);
            List<String> absent = store.absentFrom(feedId, exportId);
            Missing result = emitMissing(tenantId, feedId, exportId, exportedAt, windowStart, absent);
            store.markMissing(feedId, result.emitted(), exportedAt);
            store.forget(feedId, result.notFollowed());
            missing = result.emitted().size();
        } else {
            LOG.infof("Export %s of feed %s is older than the newest export received: applied row by row, not diffed.",
                    exportId, feedId);
        }
        int accepted = rows.size();
        ExportStore.ExportRecord record = new ExportStore.ExportRecord(exportId, feedId, Instant.now(), exportedAt,
                windowStart, rowsRead, accepted, rejections.size(), accepted - emitted.linesEmitting().size(),
                emitted.eventsEmitted() + missing, missing, settled, rejectionsJson);
        store.insert(record, sha256);
        long unsettled = store.unsettledCount(feedId);
        LOG.infof("Export %s of feed %s applied: %d row(s), %d accepted, %d rejected, %d event(s), %d missing from the"
                        + " export, %d settled, %d unsettled in all.", exportId, feedId, rowsRead, accepted, rejections.size(),
                record.eventsEmitted(), missing, settled, unsettled);
        return new Outcome(false, record, unsettled);
    }

    private record Missing(List<String> emitted, List<String> notFollowed) {
    }

    private Missing emitMissing(String tenantId, String feedId, UUID exportId, Instant exportedAt, LocalDate windowStart,
                                List<String> absent) {
        List<String> emitted = new ArrayList<>();
        List<String> notFollowed = new ArrayList<>();
        if (absent.isEmpty()) {
            return new Missing(emitted, notFollowed);
        }
        List<AggregateVersions.Key> keys = absent.stream()
                .map(id -> new AggregateVersions.Key(InboundMessageIntake.RESERVATION, id)).toList();
        Map<AggregateVersions.Key, Held> held = versions.lock(feedId, keys);
        Map<AggregateVersions.Key, byte[]> states = versions.states(feedId, keys);
        Map<AggregateVersions.Key, Held> changed = new HashMap<>();
        Map<AggregateVersions.Key, AggregateVersions.ReservationState> newStates = new HashMap<>();
        String correlation = InboundMessageIntake.EXPORT_CORRELATION_PREFIX + exportId;
        for (int i = 0; i < keys.size(); i++) {
            AggregateVersions.Key key = keys.get(i);
            byte[] bytes = states.get(key);
            ReservationChanged last = bytes == null ? null : PmsEventMapper.fromStateBytes(bytes);
            Held version = held.get(key);
            if (last == null || version == null || last.getArrival().isBefore(windowStart) || FINAL.contains(last.getStatus())) {
                notFollowed.add(key.id());
                continue;
            }
            UUID eventId = EventIds.importEventId(feedId, exportId, -1L - i, 0);
            ReservationChanged event = ReservationChanged.newBuilder(last)
                    .setChangeType(ReservationChangeType.MISSING_FROM_EXPORT)
                    .setPmsSystem(feedId)
                    .setMetadata(EventMetadata.newBuilder(last.getMetadata())
                            .setEventId(eventId)
                            .setOccurredAt(Instant.ofEpochMilli(exportedAt.toEpochMilli()))
                            .setSource(feedId)
                            .setTenantId(tenantId)
                            .setCorrelationId(correlation)
                            .setCausationId(correlation)
                            .setHistory(false)
                            .build())
                    .build();
            outbox.add(Topic.PMS_RESERVATIONS, tenantId + ":" + key.id(), event);
            changed.put(key, new Held(version.sequence(), version.sequenceOffset(), version.time(),
                    PmsEventMapper.contentSha256(event), version.epochStart()));
            newStates.put(key, new AggregateVersions.ReservationState(last.getPmsReservationId(),
                    PmsEventMapper.stateBytes(event)));
            emitted.add(key.id());
        }
        versions.save(feedId, changed, Set.of());
        versions.saveStates(feedId, newStates);
        return new Missing(emitted, notFollowed);
    }
}
