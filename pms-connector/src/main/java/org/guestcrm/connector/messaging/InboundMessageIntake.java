package org.guestcrm.connector.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.EventIds;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.ProfileChange;
import org.guestcrm.connector.domain.ReservationCancellation;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.VersionOrdering;
import org.guestcrm.connector.domain.VersionOrdering.Decision;
import org.guestcrm.connector.domain.VersionOrdering.Held;
import org.guestcrm.connector.domain.VersionOrdering.Verdict;
import org.guestcrm.connector.persistence.AggregateVersions;
import org.guestcrm.connector.persistence.IntakeWrites;
import org.guestcrm.connector.persistence.WriteBackEchoes;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.platform.outbox.OutboxSerde;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Records an accepted inbound message and the events it causes in one transaction (the outbox): once this returns,
 * the message is never lost. Two layers of deduplication: a retransmission of the identical body to the same feed is
 * recognised by its name-based message id; a change redelivered in a new envelope (EchoToken, TimeStamp, wrapper ids)
 * or an older version arriving late is recognised per reservation and profile by {@link VersionOrdering} against
 * {@link AggregateVersions}, written in the same transaction, and emits nothing.
 */
@ApplicationScoped
public class InboundMessageIntake {

    private static final Logger LOG = Logger.getLogger(InboundMessageIntake.class);

    public static final String RESERVATION = "RESERVATION";
    public static final String PROFILE = "PROFILE";

    /** What became of an inbound message: the events emitted, and the aggregates that emitted nothing and why. */
    public record Receipt(UUID messageId, boolean duplicate, List<UUID> eventIds, List<Skipped> skipped,
                          List<String> heldCancellations) {
    }

    /**
     * The message cannot be applied as it is (e.g. a cancellation naming a reservation the feed never sent, without a
     * hotel): nothing is stored. {@code field} names where, {@code reason} says why, neither holds a value.
     */
    public static final class Refused extends RuntimeException {
        private final String field;

        public Refused(String field, String reason) {
            super(reason, null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** An aggregate of the message that emitted nothing: reason REDELIVERY (same content) or OLDER (stale version). */
    public record Skipped(String aggregate, String id, String reason) {
    }

    /** An inbound message that passed validation. */
    public record AcceptedMessage(String tenantId, String feedId, String defaultCurrency, String bodySha256,
                                  String messageType, String cardFreePayload, List<Reservation> reservations,
                                  List<ProfileChange> profiles, List<ReservationCancellation> cancellations) {
        /** A reservation push. */
        public AcceptedMessage(String tenantId, String feedId, String defaultCurrency, String bodySha256,
                               String messageType, String cardFreePayload, List<Reservation> reservations) {
            this(tenantId, feedId, defaultCurrency, bodySha256, messageType, cardFreePayload, reservations, List.of(),
                    List.of());
        }
    }

    /** A row of a history import: a reservation, or a profile on its own (with its hotel and version time). */
    public record HistoryRow(long line, Reservation reservation, GuestProfile profile, String hotelCode,
                             Instant profileModifiedAt) {
    }

    /** What a batch of history rows emitted: per line, whether it emitted anything. */
    public record HistoryOutcome(int eventsEmitted, Set<Long> linesEmitting, int sequenceResets) {
    }

    @Inject
    IntakeWrites writes;

    @Inject
    OutboxSerde serde;

    @Inject
    AggregateVersions versions;

    @Inject
    ConnectorConfig config;

    @Inject
    MeterRegistry meters;

    @Inject
    WriteBackEchoes echoes;

    @Inject
    HistoryRecordSender sender;

    @Transactional
    public Receipt record(AcceptedMessage message) {
        return recordStaged(List.of(stage(message))).getFirst();
    }

    /**
     * A push made ready to be recorded alone or in a group commit: its candidate events mapped and serialised (registry
     * look-ups), no statement sent. Built in the pushing thread, so a group's commit spends no CPU on it.
     */
    public static final class Staged {
        private final AcceptedMessage message;
        private final UUID messageId;
        private final Instant receivedAt;
        private final Member member;

        private Staged(AcceptedMessage message, UUID messageId, Instant receivedAt, Member member) {
            this.message = message;
            this.messageId = messageId;
            this.receivedAt = receivedAt;
            this.member = member;
        }

        public UUID messageId() {
            return messageId;
        }

        public String feedId() {
            return message.feedId();
        }
    }

    /**
     * Maps and serialises a message's events (no statement when no cancellation lacks its hotel; such a cancellation
     * looks its reservation up, see {@link #needsLookUp}). May throw {@link Refused}.
     */
    public Staged stage(AcceptedMessage message) {
        UUID messageId = EventIds.messageId(message.feedId(), message.bodySha256());
        Instant receivedAt = Instant.now();
        PmsEventMapper.Origin origin = new PmsEventMapper.Origin(message.tenantId(), message.feedId(), messageId,
                receivedAt, message.defaultCurrency());
        Member member = member(candidatesOf(message, origin), false,
                count -> new IntakeWrites.InboundRow(messageId, message.feedId(), receivedAt, message.bodySha256(),
                        message.messageType(), count, message.cardFreePayload(), true), messageId);
        return new Staged(message, messageId, receivedAt, member);
    }

    /** Whether staging {@code message} reads the database (a cancellation naming no hotel looks its reservation up). */
    public static boolean needsLookUp(AcceptedMessage message) {
        return message.cancellations().stream().anyMatch(c -> c.hotelCode() == null);
    }

    /**
     * Records staged messages in the caller's (or a new) transaction: per feed, in arrival order, the three statements
     * of {@link IntakeWrites} for all of them, so later messages see what earlier ones held (two versions of one
     * reservation are decided in arrival order). Answers per message, in order. A conditional inbound row found stored
     * by a concurrent writer makes a group of several throw {@link GroupConflict} (the caller retries them one by one);
     * alone, the message is a retransmission, as on the single path.
     */
    @Transactional
    public List<Receipt> recordStaged(List<Staged> group) {
        Map<String, List<Integer>> byFeed = new java.util.TreeMap<>();
        for (int i = 0; i < group.size(); i++) {
            byFeed.computeIfAbsent(group.get(i).feedId(), f -> new ArrayList<>()).add(i);
        }
        Emission[] emissions = new Emission[group.size()];
        byFeed.forEach((feedId, indexes) -> {
            List<Emission> emitted = emit(feedId, indexes.stream().map(i -> group.get(i).member).toList());
            for (int j = 0; j < indexes.size(); j++) {
                emissions[indexes.get(j)] = emitted.get(j);
            }
        });
        List<Receipt> receipts = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            receipts.add(receiptOf(group.get(i), emissions[i]));
        }
        return receipts;
    }

    /**
     * A history batch found an aggregate it took for new inserted meanwhile by another transaction: nothing of the batch
     * may commit; decided again, the aggregate is then locked and compared with what that transaction held.
     */
    public static final class AggregateRace extends RuntimeException {
        AggregateRace() {
            super("an aggregate of the batch was created concurrently; the batch is decided again", null, false, false);
        }
    }

    /** A group of several whose commit found one of its messages stored by a concurrent writer: nothing was written. */
    public static final class GroupConflict extends RuntimeException {
        GroupConflict() {
            super("a message of the group was stored concurrently; nothing of the group was written", null, false, false);
        }
    }

    private Receipt receiptOf(Staged staged, Emission emission) {
        AcceptedMessage message = staged.message;
        UUID messageId = staged.messageId;
        if (emission.duplicate()) {
            List<UUID> emitted = writes.eventIdsOf(messageId);
            LOG.debugf("Inbound message %s on feed %s is a retransmission of one already accepted; nothing is emitted again.",
                    messageId, message.feedId());
            return new Receipt(messageId, true, emitted, List.of(), List.of());
        }
        List<UUID> eventIds = emission.eventIds();
        if (emission.skipped().isEmpty()) {
            LOG.debugf("Inbound message %s on feed %s accepted: %d reservation(s), %d event(s) in the outbox.",
                    messageId, message.feedId(), message.reservations().size(), eventIds.size());
        } else {
            LOG.debugf("Inbound message %s on feed %s accepted: %d reservation(s), %d event(s) in the outbox, %d unchanged or older"
                    + " version(s) not emitted again.", messageId, message.feedId(), message.reservations().size(),
                    eventIds.size(), emission.skipped().size());
        }
        boolean redelivery = eventIds.isEmpty() && !emission.skipped().isEmpty()
                && emission.skipped().stream().allMatch(s -> s.reason().equals(Verdict.REDELIVERY.name()));
        return new Receipt(messageId, redelivery, eventIds, emission.skipped(), emission.heldCancellations());
    }

    /**
     * Re-runs one message of the raw archive, parsed and mapped by today's code, through the logical deduplication, in
     * one transaction: an aggregate whose content is what was emitted for it emits nothing; content a mapping fix changed
     * (at the same or a newer version) is emitted again, marked history, with correlation id = the message, causation
     * {@code replay:<replayId>} and an event id of its own ({@link EventIds#replayEventId}). {@code storedMessageId} is
     * the archived inbound message; null for a message refused when it arrived, which is recorded as an inbound message
     * now (received at its original time). Versions without a PMS time take {@code receivedAt}, the original one.
     */
    @Transactional
    public Receipt replay(AcceptedMessage message, UUID storedMessageId, Instant receivedAt, UUID replayId) {
        UUID messageId = storedMessageId != null ? storedMessageId
                : EventIds.messageId(message.feedId(), message.bodySha256());
        PmsEventMapper.Origin origin = PmsEventMapper.Origin.replay(message.tenantId(), message.feedId(), messageId,
                receivedAt, message.defaultCurrency(), replayId);
        Emission emission = emit(message.feedId(), List.of(member(candidatesOf(message, origin), true,
                storedMessageId != null ? null : count -> new IntakeWrites.InboundRow(messageId, message.feedId(),
                        receivedAt, message.bodySha256(), message.messageType(), count, message.cardFreePayload(), false),
                null))).getFirst();
        return new Receipt(messageId, emission.eventIds().isEmpty(), emission.eventIds(), emission.skipped(),
                emission.heldCancellations());
    }

    /** The possible events of a message, in message order: reservations with their guests, profiles, cancellations. */
    private List<Candidate> candidatesOf(AcceptedMessage message, PmsEventMapper.Origin origin) {
        Instant receivedAt = origin.receivedAt();
        List<Candidate> candidates = new ArrayList<>();
        Set<String> profilesInMessage = new LinkedHashSet<>();
        IntFunction<UUID> ids = index -> EventIds.eventId(message.feedId(), message.bodySha256(), index);
        for (Reservation reservation : message.reservations()) {
            addReservation(candidates, reservation, message.tenantId(), origin, ids, 0, profilesInMessage);
        }
        for (ProfileChange change : message.profiles()) {
            UUID eventId = ids.apply(candidates.size());
            GuestProfileChanged event = PmsEventMapper.toGuestProfileChanged(change, eventId, origin);
            candidates.add(profileCandidate(change.profile(), event, message.tenantId(), message.feedId(), eventId,
                    change.versionTime() != null ? change.versionTime() : receivedAt, 0, ContentHash.SECOND_ENCODING));
        }
        for (ReservationCancellation cancellation : message.cancellations()) {
            AggregateVersions.Key aggregate = cancelledAggregate(message.feedId(), cancellation);
            Instant versionTime = cancellation.cancelledAt() != null ? cancellation.cancelledAt() : receivedAt;
            candidates.add(new Candidate(Topic.PMS_RESERVATIONS, message.tenantId() + ":" + aggregate.id(), aggregate,
                    cancellation.pmsReservationId(), new VersionOrdering.Version(cancellation.pmsSequence(), versionTime,
                    PmsEventMapper.unknownCancellationSha256(aggregate.id())), ids.apply(candidates.size()), null, 0,
                    cancellation, origin));
        }
        return candidates;
    }

    /**
     * Emits a batch of history rows in the caller's transaction (the import worker's batch); events carry correlation id
     * {@code import:<jobId>}, deterministic ids from job, line and position, and go through the same logical
     * deduplication, so a file imported twice emits nothing the second time.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public HistoryOutcome recordHistory(String tenantId, String feedId, String defaultCurrency, UUID jobId,
                                        List<HistoryRow> rows) {
        return recordStagedRows(feedId, stageHistory(tenantId, feedId, defaultCurrency, jobId, rows));
    }

    /**
     * A batch of history or export rows made ready to be recorded: every event mapped, hashed and serialised (and its
     * stored state taken from the serialised bytes), rows side by side, no statement sent. The import worker stages the
     * next batch while the current one is written, so its transaction spends no CPU on the records.
     */
    public static final class StagedRows {
        private final Member member;

        private StagedRows(Member member) {
            this.member = member;
        }

        public int events() {
            return member.candidates().size();
        }
    }

    /** Stages history rows for {@link #recordStagedRows} (same event ids, records and hashes as {@link #recordHistory}). */
    public StagedRows stageHistory(String tenantId, String feedId, String defaultCurrency, UUID jobId,
                                   List<HistoryRow> rows) {
        return stageRows(new PmsEventMapper.Origin(tenantId, feedId, PmsEventMapper.HISTORY_CORRELATION_PREFIX + jobId,
                Instant.now(), defaultCurrency), jobId, rows);
    }

    /** Records staged rows in the caller's transaction: the intake's three statements for the whole batch. */
    @Transactional(Transactional.TxType.MANDATORY)
    public HistoryOutcome recordStagedRows(String feedId, StagedRows staged) {
        if (staged.member.candidates().isEmpty()) {
            return new HistoryOutcome(0, Set.of(), 0);
        }
        Emission emission = emit(feedId, List.of(staged.member)).getFirst();
        Set<Long> lines = new HashSet<>();
        emission.emitted().forEach(c -> lines.add(c.line()));
        return new HistoryOutcome(emission.emitted().size(), lines, emission.resets());
    }

    /**
     * Records staged history rows in the caller's transaction with their records sent straight to Kafka (no outbox
     * rows): versions and states written, then every emitted record acknowledged by the broker, before the caller
     * commits the batch with its cursor. Throws {@link AggregateRace} (decide again) or
     * {@link HistoryRecordSender.NotAcknowledged} (Kafka; the caller rolls back and resumes later from its cursor).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public HistoryOutcome recordStagedRowsToKafka(String feedId, StagedRows staged) {
        if (staged.member.candidates().isEmpty()) {
            return new HistoryOutcome(0, Set.of(), 0);
        }
        Emission emission = emit(feedId, List.of(staged.member), true).getFirst();
        Set<Long> lines = new HashSet<>();
        emission.emitted().forEach(c -> lines.add(c.line()));
        return new HistoryOutcome(emission.emitted().size(), lines, emission.resets());
    }

    /**
     * Emits the rows of a daily export in the caller's transaction: correlation id {@code export:<exportId>}, not
     * history; a row without its own modification time takes the export's time as its version, so a row unchanged
     * since the previous export is a redelivery (nothing emitted) and a changed one is newer.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public HistoryOutcome recordExport(String tenantId, String feedId, String defaultCurrency, UUID exportId,
                                       Instant exportedAt, List<HistoryRow> rows) {
        return recordRows(new PmsEventMapper.Origin(tenantId, feedId, EXPORT_CORRELATION_PREFIX + exportId, exportedAt,
                defaultCurrency), exportId, rows);
    }

    /** Correlation id prefix of the events of a daily export file. */
    public static final String EXPORT_CORRELATION_PREFIX = "export:";

    private HistoryOutcome recordRows(PmsEventMapper.Origin origin, UUID jobId, List<HistoryRow> rows) {
        return recordStagedRows(origin.feedId(), stageRows(origin, jobId, rows));
    }

    /**
     * The rows' candidates in row order, as one member: each row mapped, hashed and serialised on its own (a parallel
     * stream), at the position it always had (a row's event index counts the candidates of the rows before it in the
     * batch, so the ids are those of the sequential mapping).
     */
    private StagedRows stageRows(PmsEventMapper.Origin origin, UUID jobId, List<HistoryRow> rows) {
        int[] offsets = new int[rows.size()];
        int total = 0;
        for (int i = 0; i < rows.size(); i++) {
            offsets[i] = total;
            total += candidateCount(rows.get(i));
        }
        Candidate[] candidates = new Candidate[total];
        byte[][] serialised = new byte[total][];
        byte[][] states = new byte[total][];
        java.util.stream.IntStream.range(0, rows.size()).parallel().forEach(i -> {
            // each record encoded once: its content hash and its wire datum from the same bytes
            java.util.Map<SpecificRecord, byte[]> datums = new java.util.IdentityHashMap<>(4);
            ContentHash hashOnce = record -> {
                HistoryRecordEncoding.Encoded encoded = HistoryRecordEncoding.encode(record);
                datums.put(record, encoded.datum());
                return encoded.contentSha256();
            };
            List<Candidate> part = rowCandidates(rows.get(i), offsets[i], origin, jobId, hashOnce);
            for (int k = 0; k < part.size(); k++) {
                Candidate candidate = part.get(k);
                int at = offsets[i] + k;
                candidates[at] = candidate;
                serialised[at] = serialiseLearnt(candidate.topic(), candidate.record(), datums.get(candidate.record()));
                states[at] = stateFromPayload(candidate.record(), serialised[at]);
            }
        });
        return new StagedRows(new Member(List.of(candidates), serialised, states, false, null, null));
    }

    /** How many candidates a history row makes: a profile one, a reservation one plus one per distinct guest. */
    private static int candidateCount(HistoryRow row) {
        if (row.reservation() == null) {
            return 1;
        }
        Set<String> profiles = new HashSet<>();
        row.reservation().guests().forEach(g -> profiles.add(g.pmsProfileId()));
        return 1 + profiles.size();
    }

    /** The content hash of a candidate's record ({@link PmsEventMapper#contentSha256}, however it is computed). */
    @FunctionalInterface
    private interface ContentHash {
        String of(SpecificRecord record);

        /** A second encoding of the neutral copy, per record (the push path). */
        ContentHash SECOND_ENCODING = record -> record instanceof ReservationChanged r ? PmsEventMapper.contentSha256(r)
                : PmsEventMapper.contentSha256((GuestProfileChanged) record);
    }

    private List<Candidate> rowCandidates(HistoryRow row, int offset, PmsEventMapper.Origin origin, UUID jobId,
                                          ContentHash hash) {
        String tenantId = origin.tenantId();
        String feedId = origin.feedId();
        List<Candidate> candidates = new ArrayList<>(2);
        IntFunction<UUID> ids = index -> EventIds.importEventId(feedId, jobId, row.line(), index);
        if (row.reservation() != null) {
            addReservation(candidates, offset, row.reservation(), tenantId, origin, ids, row.line(), new HashSet<>(), hash);
        } else {
            UUID eventId = ids.apply(0);
            GuestProfileChanged event = PmsEventMapper.toGuestProfileChanged(row.profile(), row.hotelCode(),
                    row.profileModifiedAt(), eventId, origin);
            candidates.add(profileCandidate(row.profile(), event, tenantId, feedId, eventId,
                    row.profileModifiedAt() != null ? row.profileModifiedAt() : origin.receivedAt(), row.line(), hash));
        }
        if (candidates.size() != candidateCount(row)) {
            throw new IllegalStateException("history row " + row.line() + " made " + candidates.size() + " candidates");
        }
        return candidates;
    }

    private void addReservation(List<Candidate> candidates, Reservation reservation, String tenantId,
                                PmsEventMapper.Origin origin, IntFunction<UUID> ids, long line, Set<String> profilesSeen) {
        addReservation(candidates, 0, reservation, tenantId, origin, ids, line, profilesSeen, ContentHash.SECOND_ENCODING);
    }

    /** {@code offset}: the candidates before {@code candidates} in the same id space (a history batch's earlier rows). */
    private void addReservation(List<Candidate> candidates, int offset, Reservation reservation, String tenantId,
                                PmsEventMapper.Origin origin, IntFunction<UUID> ids, long line, Set<String> profilesSeen,
                                ContentHash hash) {
        UUID reservationEventId = ids.apply(offset + candidates.size());
        ReservationChanged reservationChanged = PmsEventMapper.toReservationChanged(reservation, reservationEventId, origin);
        Instant versionTime = reservation.pmsModifiedAt() != null ? reservation.pmsModifiedAt() : origin.receivedAt();
        String aggregateId = reservation.hotelCode() + ":" + reservation.pmsReservationId();
        candidates.add(new Candidate(Topic.PMS_RESERVATIONS, PmsEventMapper.reservationKey(tenantId, reservation),
                new AggregateVersions.Key(RESERVATION, aggregateId), reservation.pmsReservationId(),
                new VersionOrdering.Version(reservation.pmsSequence(), versionTime,
                        hash.of(reservationChanged)),
                reservationEventId, reservationChanged, line, null, origin));
        for (GuestProfile guest : reservation.guests()) {
            if (!profilesSeen.add(guest.pmsProfileId())) {
                continue;
            }
            UUID profileEventId = ids.apply(offset + candidates.size());
            GuestProfileChanged profileChanged = PmsEventMapper.toGuestProfileChanged(guest, reservation, profileEventId, origin);
            candidates.add(profileCandidate(guest, profileChanged, tenantId, origin.feedId(), profileEventId, versionTime, line,
                    hash));
        }
    }

    private static Candidate profileCandidate(GuestProfile guest, GuestProfileChanged event, String tenantId, String feedId,
                                              UUID eventId, Instant versionTime, long line, ContentHash hash) {
        return new Candidate(Topic.PMS_PROFILES, PmsEventMapper.profileKey(tenantId, feedId, guest),
                new AggregateVersions.Key(PROFILE, guest.pmsProfileId()), guest.pmsProfileId(),
                new VersionOrdering.Version(null, versionTime, hash.of(event)), eventId, event, line,
                null, null);
    }

    /**
     * One message's part of an intake transaction: its candidates and their serialised records (null for a replay,
     * whose emitted records get new event ids), {@code inbound} makes its inbound message row from the number of events
     * emitted (null: none), {@code duplicateOf}: a stored inbound message of that id makes it a retransmission.
     */
    private record Member(List<Candidate> candidates, byte[][] serialised, byte[][] states, boolean replay,
                          IntFunction<IntakeWrites.InboundRow> inbound, UUID duplicateOf) {
    }

    /** Serialises the records up front (not for a replay), so no registry look-up happens while rows are locked. */
    private Member member(List<Candidate> candidates, boolean replay, IntFunction<IntakeWrites.InboundRow> inbound,
                          UUID duplicateOf) {
        byte[][] serialised = new byte[candidates.size()][];
        byte[][] states = new byte[candidates.size()][];
        if (!replay) {
            for (int i = 0; i < candidates.size(); i++) {
                Candidate candidate = candidates.get(i);
                if (candidate.record() != null) {
                    serialised[i] = serialise(candidate.topic(), candidate.record());
                    states[i] = stateFromPayload(candidate.record(), serialised[i]);
                }
            }
        }
        return new Member(candidates, serialised, states, replay, inbound, duplicateOf);
    }

    /**
     * Decides every candidate of every member against what is held (members in order, candidates in message order, so
     * a later one sees an earlier one, also of another member) and writes the outcome: three statements for the whole
     * group ({@link IntakeWrites}). A member whose message is stored already, or repeats an earlier member's message,
     * is a retransmission (nothing of it written). A replay's emitted events get their replay event ids.
     */
    private List<Emission> emit(String feedId, List<Member> members) {
        return emit(feedId, members, false);
    }

    /**
     * {@code direct}: a history batch whose records go straight to Kafka ({@link HistoryRecordSender}) instead of the
     * outbox: no placeholder rows are inserted first (new aggregates are inserted with their version by
     * {@link IntakeWrites#writeVersions}), the versions are written, then the records sent and acknowledged, all before
     * the caller's transaction commits.
     */
    private List<Emission> emit(String feedId, List<Member> members, boolean direct) {
        Set<AggregateVersions.Key> keys = new LinkedHashSet<>();
        Set<UUID> asked = new LinkedHashSet<>();
        for (Member member : members) {
            member.candidates().forEach(c -> keys.add(c.aggregate()));
            if (member.duplicateOf() != null) {
                asked.add(member.duplicateOf());
            }
        }
        Set<UUID> stored = direct ? Set.of() : writes.prepare(feedId, keys, asked);
        boolean[] duplicate = new boolean[members.size()];
        Set<UUID> inGroup = new HashSet<>();
        Set<AggregateVersions.Key> lockKeys = new LinkedHashSet<>();
        Set<AggregateVersions.Key> cancelled = new HashSet<>();
        for (int m = 0; m < members.size(); m++) {
            Member member = members.get(m);
            UUID id = member.duplicateOf();
            duplicate[m] = id != null && (stored.contains(id) || !inGroup.add(id));
            if (!duplicate[m]) {
                member.candidates().forEach(c -> lockKeys.add(c.aggregate()));
                member.candidates().stream().filter(c -> c.cancellation() != null)
                        .forEach(c -> cancelled.add(c.aggregate()));
            }
        }
        boolean anyNew = false;
        for (boolean d : duplicate) {
            anyNew |= !d;
        }
        if (!anyNew) {
            return java.util.Collections.nCopies(members.size(), Emission.DUPLICATE);
        }
        Map<AggregateVersions.Key, IntakeWrites.Locked> locked = writes.lock(feedId, lockKeys, cancelled);
        Map<AggregateVersions.Key, Held> held = new HashMap<>();
        Map<AggregateVersions.Key, byte[]> lastStates = new HashMap<>();
        // write-back echoes: the profiles of this message a write-back may come back on, with their last emitted state
        Map<String, List<WriteBackEchoes.Expected>> expectedEchoes = new HashMap<>();
        Map<AggregateVersions.Key, GuestProfileChanged> lastProfiles = new HashMap<>();
        locked.forEach((key, row) -> {
            if (row.held() != null) {
                held.put(key, row.held());
            }
            if (cancelled.contains(key) && row.lastState() != null) {
                lastStates.put(key, row.lastState());
            }
            if (PROFILE.equals(key.type()) && !row.echoEventIds().isEmpty()) {
                List<WriteBackEchoes.Expected> expected = new ArrayList<>();
                for (int i = 0; i < row.echoEventIds().size(); i++) {
                    expected.add(echoes.expected(row.echoEventIds().get(i), row.echoExpected().get(i)));
                }
                expectedEchoes.put(key.id(), expected);
                if (row.lastState() != null) {
                    GuestProfileChanged last = PmsEventMapper.profileFromStateBytes(row.lastState());
                    if (last != null) {
                        lastProfiles.put(key, last);
                    }
                }
            }
        });
        Map<AggregateVersions.Key, Held> changed = new HashMap<>();
        Map<AggregateVersions.Key, AggregateVersions.ReservationState> states = new HashMap<>();
        Map<AggregateVersions.Key, Integer> resets = new HashMap<>();
        List<IntakeWrites.OutboxRow> rows = new ArrayList<>();
        List<IntakeWrites.EchoArrival> arrivals = new ArrayList<>();
        List<IntakeWrites.InboundRow> inboundRows = new ArrayList<>();
        List<Runnable> afterWrite = new ArrayList<>();
        List<Emission> emissions = new ArrayList<>(members.size());
        for (int m = 0; m < members.size(); m++) {
            if (duplicate[m]) {
                emissions.add(Emission.DUPLICATE);
                continue;
            }
            Member member = members.get(m);
            List<Candidate> candidates = member.candidates();
            List<Candidate> emitted = new ArrayList<>();
            List<UUID> emittedIds = new ArrayList<>();
            List<Skipped> skipped = new ArrayList<>();
            List<String> heldCancellations = new ArrayList<>();
            int memberResets = 0;
            for (int index = 0; index < candidates.size(); index++) {
                Candidate proposed = candidates.get(index);
                Candidate candidate = proposed.cancellation() == null ? proposed
                        : applyCancellation(feedId, proposed, lastStates.get(proposed.aggregate()));
                Held before = held.get(candidate.aggregate());
                Decision decision = VersionOrdering.decide(before, candidate.version(),
                        config.ordering().sequenceResetMinGap());
                if (!decision.held().equals(before)) {
                    held.put(candidate.aggregate(), decision.held());
                    changed.put(candidate.aggregate(), decision.held());
                }
                if (decision.verdict() == Verdict.SEQUENCE_RESET) {
                    resets.merge(candidate.aggregate(), 1, Integer::sum);
                    memberResets++;
                    afterWrite.add(() -> meters.counter("connector.sequence.resets", "feed", feedId).increment());
                    LOG.warnf("Feed %s restarted its sequence for %s %s (sequence dropped from %d to %d with a later version"
                                    + " time); accepted as newest, emitted sequences continue from %d.", feedId,
                            candidate.aggregate().type().toLowerCase(java.util.Locale.ROOT), candidate.aggregate().id(),
                            before.sequence(), candidate.version().sequence(),
                            before.sequence() + before.sequenceOffset());
                }
                if (decision.emit() && candidate.record() == null) {
                    // a cancellation of a reservation not received yet: held as its version, so an older create stays stale
                    heldCancellations.add(candidate.displayId());
                } else if (decision.emit()) {
                    SpecificRecord record = candidate.record();
                    if (record instanceof ReservationChanged reservation
                            && !java.util.Objects.equals(reservation.getPmsSequence(), decision.emittedSequence())) {
                        record = ReservationChanged.newBuilder(reservation).setPmsSequence(decision.emittedSequence())
                                .build();
                    }
                    UUID eventId = candidate.eventId();
                    if (member.replay()) {
                        eventId = EventIds.replayEventId(candidate.eventId(), candidate.version().contentSha256());
                        record = PmsEventMapper.withEventId(record, eventId);
                    }
                    if (record instanceof GuestProfileChanged profile) {
                        WriteBackEchoes.Expected echo = echoOf(expectedEchoes.get(candidate.displayId()),
                                lastProfiles.get(candidate.aggregate()), profile);
                        states.put(candidate.aggregate(), new AggregateVersions.ReservationState(null,
                                record == proposed.record() && member.states()[index] != null ? member.states()[index]
                                        : PmsEventMapper.stateBytes(profile)));
                        lastProfiles.put(candidate.aggregate(), profile);
                        if (echo != null) {
                            // our own write-back coming back from the PMS: held as the newest version, not emitted again
                            arrivals.add(new IntakeWrites.EchoArrival(candidate.displayId(), echo.eventId()));
                            expectedEchoes.get(candidate.displayId()).remove(echo);
                            skipped.add(new Skipped("profile", candidate.displayId(), "ECHO"));
                            afterWrite.add(() -> meters.counter("connector.write.back.echoes.suppressed", "feed", feedId)
                                    .increment());
                            LOG.debugf("Feed %s: profile %s only reflects write-back %s; not emitted again.", feedId,
                                    candidate.displayId(), echo.eventId());
                            continue;
                        }
                    }
                    byte[] payload = record == proposed.record() && member.serialised()[index] != null
                            ? member.serialised()[index] : serialise(candidate.topic(), record);
                    rows.add(outboxRow(candidate.topic(), candidate.key(), record, payload));
                    if (record instanceof ReservationChanged reservation) {
                        byte[] state = record == proposed.record() && member.states()[index] != null
                                ? member.states()[index] : PmsEventMapper.stateBytes(reservation);
                        states.put(candidate.aggregate(), new AggregateVersions.ReservationState(
                                reservation.getPmsReservationId(), state));
                        if (lastStates.containsKey(candidate.aggregate()) || cancelled.contains(candidate.aggregate())) {
                            // a later cancellation of the group applies to this state, as it would after its commit
                            lastStates.put(candidate.aggregate(), state);
                        }
                    }
                    emitted.add(candidate);
                    emittedIds.add(eventId);
                } else if (decision.verdict() != Verdict.SEQUENCE_RESET) {
                    String aggregate = candidate.aggregate().type().toLowerCase(java.util.Locale.ROOT);
                    skipped.add(new Skipped(aggregate, candidate.displayId(), decision.verdict().name()));
                    afterWrite.add(() -> meters.counter("connector.versions.skipped", "feed", feedId, "aggregate",
                            aggregate, "reason", decision.verdict().name().toLowerCase(java.util.Locale.ROOT))
                            .increment());
                }
            }
            if (member.inbound() != null) {
                inboundRows.add(member.inbound().apply(emitted.size()));
            }
            emissions.add(new Emission(emitted, emittedIds, skipped, memberResets, heldCancellations, false));
        }
        if (direct) {
            if (!writes.writeVersions(feedId, locked.keySet(), changed, resets, states, arrivals)) {
                throw new AggregateRace();
            }
            sender.sendAndAwait(rows);
        } else if (!writes.write(feedId, inboundRows, rows, changed, resets, states, arrivals)) {
            if (members.size() > 1) {
                throw new GroupConflict();
            }
            return List.of(Emission.DUPLICATE);
        }
        afterWrite.forEach(Runnable::run);
        return emissions;
    }

    /** The record in the registry's wire format, as {@code Outbox.add} stores it (checked against its topic). */
    private byte[] serialise(Topic topic, SpecificRecord record) {
        if (!topic.recordTypes().contains(record.getClass())) {
            throw new IllegalArgumentException("Topic " + topic.topicName() + " does not carry "
                    + record.getClass().getSimpleName());
        }
        return serde.serialize(topic.topicName(), record);
    }

    /** Per topic and record type: the serde's wire header (magic byte, schema id) before the Avro binary datum. */
    private record WireLayout(byte[] header) {
    }

    private static final java.util.concurrent.ConcurrentMap<String, java.util.Optional<WireLayout>> WIRE_LAYOUTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final java.util.concurrent.ConcurrentMap<Class<?>, org.apache.avro.specific.SpecificDatumWriter<SpecificRecord>>
            DATUM_WRITERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static final ThreadLocal<java.io.ByteArrayOutputStream> DATUM_BUFFERS =
            ThreadLocal.withInitial(() -> new java.io.ByteArrayOutputStream(2048));

    private static final ThreadLocal<org.apache.avro.io.BinaryEncoder> DATUM_ENCODERS = new ThreadLocal<>();

    /**
     * The record in the registry's wire format, as {@link #serialise} writes it, without the serde's per-record work
     * (history import profile: the serde resolves the schema for every record). The serde's header before the datum is
     * learnt once per topic and record type from one real serialisation and checked byte for byte against our own
     * encoding of the same record; then every record is that header and its datum, encoded by a cached writer. A layout
     * that does not match (another serde setting, headers instead of a payload id) leaves the serde doing every record.
     */
    private byte[] serialiseLearnt(Topic topic, SpecificRecord record, byte[] encodedDatum) {
        String type = topic.topicName() + "|" + record.getClass().getName();
        java.util.Optional<WireLayout> layout = WIRE_LAYOUTS.get(type);
        if (layout == null) {
            byte[] real = serialise(topic, record);
            byte[] datum = datum(record);
            int header = real.length - datum.length;
            boolean matches = header > 0 && java.util.Arrays.equals(real, header, real.length, datum, 0, datum.length)
                    && (encodedDatum == null || java.util.Arrays.equals(encodedDatum, datum));
            if (!matches) {
                LOG.infof("The registry serde's layout for %s is not a header and the datum; every record goes through"
                        + " the serde.", record.getClass().getSimpleName());
            }
            WIRE_LAYOUTS.putIfAbsent(type, matches ? java.util.Optional.of(new WireLayout(
                    java.util.Arrays.copyOf(real, header))) : java.util.Optional.empty());
            return real;
        }
        if (layout.isEmpty()) {
            return serialise(topic, record);
        }
        if (!topic.recordTypes().contains(record.getClass())) {
            throw new IllegalArgumentException("Topic " + topic.topicName() + " does not carry "
                    + record.getClass().getSimpleName());
        }
        byte[] header = layout.get().header();
        java.io.ByteArrayOutputStream buffer = DATUM_BUFFERS.get();
        buffer.reset();
        if (encodedDatum != null) {
            byte[] wire = java.util.Arrays.copyOf(header, header.length + encodedDatum.length);
            System.arraycopy(encodedDatum, 0, wire, header.length, encodedDatum.length);
            return wire;
        }
        buffer.write(header, 0, header.length);
        writeDatum(record, buffer);
        return buffer.toByteArray();
    }

    /** The record's Avro binary datum (no header), written with its class's own model (logical types). */
    static byte[] datum(SpecificRecord record) {
        java.io.ByteArrayOutputStream buffer = DATUM_BUFFERS.get();
        buffer.reset();
        writeDatum(record, buffer);
        return buffer.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static void writeDatum(SpecificRecord record, java.io.ByteArrayOutputStream buffer) {
        org.apache.avro.specific.SpecificDatumWriter<SpecificRecord> writer = DATUM_WRITERS.computeIfAbsent(
                record.getClass(), c -> new org.apache.avro.specific.SpecificDatumWriter<>((Class<SpecificRecord>) c));
        org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(buffer,
                DATUM_ENCODERS.get());
        DATUM_ENCODERS.set(encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a record could not be encoded", e);
        } catch (RuntimeException e) {
            throw new org.guestcrm.platform.intake.PoisonRecordException(record.getSchema().getName()
                    + " cannot be written in its schema (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Per record type: the Avro single-object header and the length of the serde's header before the same datum. */
    private record StateLayout(byte[] singleObjectHeader, int serdeHeaderLength) {
    }

    private static final java.util.concurrent.ConcurrentMap<Class<?>, java.util.Optional<StateLayout>> STATE_LAYOUTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The record's stored state ({@code aggregate_version.last_state}, Avro single-object encoding) without encoding it
     * again: the serde's payload is its header and then the same binary datum (the producer writes with the record's own
     * schema), so the state is the single-object header and that datum. Learnt once per record type from one real
     * encoding and checked byte for byte against it; a layout that does not match (another serde setting) falls back to
     * encoding, as before.
     */
    static byte[] stateFromPayload(SpecificRecord record, byte[] payload) {
        java.util.Optional<StateLayout> layout = STATE_LAYOUTS.get(record.getClass());
        if (layout == null) {
            byte[] encoded = encodeState(record);
            int serdeHeader = payload.length - (encoded.length - 10);
            boolean matches = encoded.length >= 10 && encoded[0] == (byte) 0xC3 && encoded[1] == 0x01 && serdeHeader >= 0
                    && java.util.Arrays.equals(encoded, 10, encoded.length, payload, serdeHeader, payload.length);
            STATE_LAYOUTS.putIfAbsent(record.getClass(), matches
                    ? java.util.Optional.of(new StateLayout(java.util.Arrays.copyOf(encoded, 10), serdeHeader))
                    : java.util.Optional.empty());
            return encoded;
        }
        if (layout.isEmpty()) {
            return encodeState(record);
        }
        StateLayout known = layout.get();
        byte[] state = new byte[10 + payload.length - known.serdeHeaderLength()];
        System.arraycopy(known.singleObjectHeader(), 0, state, 0, 10);
        System.arraycopy(payload, known.serdeHeaderLength(), state, 10, payload.length - known.serdeHeaderLength());
        return state;
    }

    private static byte[] encodeState(SpecificRecord record) {
        if (record instanceof ReservationChanged reservation) {
            return PmsEventMapper.stateBytes(reservation);
        }
        if (record instanceof GuestProfileChanged profile) {
            return PmsEventMapper.stateBytes(profile);
        }
        throw new IllegalArgumentException("not an event of the connector: " + record.getClass().getSimpleName());
    }

    private static IntakeWrites.OutboxRow outboxRow(Topic topic, String key, SpecificRecord record, byte[] payload) {
        EventMetadata metadata = (EventMetadata) record.get(record.getSchema().getField("metadata").pos());
        return new IntakeWrites.OutboxRow(metadata.getEventId(), record.getSchema().getName(), topic.topicName(), key,
                metadata.getCorrelationId(), payload);
    }

    /** The expected write-back whose echo {@code now} is (the profile was {@code before} when last emitted), or null. */
    private static WriteBackEchoes.Expected echoOf(List<WriteBackEchoes.Expected> expected, GuestProfileChanged before,
                                                   GuestProfileChanged now) {
        if (expected == null || before == null) {
            return null;
        }
        for (WriteBackEchoes.Expected candidate : expected) {
            if (WriteBackEchoCheck.isEcho(before, now, candidate.held())) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The aggregate a cancellation names: its hotel and reservation id, else the one reservation of the feed with that
     * id; none or several (the same id in two hotels) without a hotel is refused.
     */
    private AggregateVersions.Key cancelledAggregate(String feedId, ReservationCancellation cancellation) {
        if (cancellation.hotelCode() != null) {
            return new AggregateVersions.Key(RESERVATION, cancellation.hotelCode() + ":" + cancellation.pmsReservationId());
        }
        List<AggregateVersions.Key> found = versions.reservationsWithId(feedId, cancellation.pmsReservationId());
        if (found.isEmpty()) {
            throw new Refused("UniqueID", "names a reservation this feed has not sent, and the message names no hotel"
                    + " (Verification/Vendor@Code)");
        }
        if (found.size() > 1) {
            throw new Refused("UniqueID", "names a reservation id this feed used in " + found.size()
                    + " hotels; name the hotel (Verification/Vendor@Code)");
        }
        return found.getFirst();
    }

    /** A cancellation candidate made concrete: the last emitted state cancelled, or (state unknown) a version only. */
    private Candidate applyCancellation(String feedId, Candidate proposed, byte[] lastState) {
        ReservationChanged last = lastState == null ? null : PmsEventMapper.fromStateBytes(lastState);
        if (last == null) {
            if (lastState != null) {
                LOG.warnf("Feed %s: the stored state of reservation %s cannot be read with this schema; its cancellation"
                        + " is held as a version only.", feedId, proposed.displayId());
            }
            return proposed;
        }
        ReservationChanged cancelled = PmsEventMapper.cancelled(last, proposed.cancellation(), proposed.eventId(),
                proposed.origin());
        VersionOrdering.Version version = new VersionOrdering.Version(proposed.version().sequence(),
                proposed.version().time(), PmsEventMapper.contentSha256(cancelled));
        return new Candidate(proposed.topic(), proposed.key(), proposed.aggregate(), proposed.displayId(), version,
                proposed.eventId(), cancelled, proposed.line(), null, proposed.origin());
    }

    private record Emission(List<Candidate> emitted, List<UUID> eventIds, List<Skipped> skipped, int resets,
                            List<String> heldCancellations, boolean duplicate) {
        /** The message was stored already: nothing was written. */
        static final Emission DUPLICATE = new Emission(List.of(), List.of(), List.of(), 0, List.of(), true);
    }

    /** A possible event: its aggregate, version and record (its metadata.correlationId is the message or import). */
    private record Candidate(Topic topic, String key, AggregateVersions.Key aggregate, String displayId,
                             VersionOrdering.Version version, UUID eventId, SpecificRecord record, long line,
                             ReservationCancellation cancellation, PmsEventMapper.Origin origin) {
    }
}
