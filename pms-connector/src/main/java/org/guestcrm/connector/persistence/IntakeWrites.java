package org.guestcrm.connector.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.guestcrm.connector.domain.VersionOrdering.Held;
import org.guestcrm.connector.persistence.AggregateVersions.Key;
import org.guestcrm.platform.outbox.Outbox;
import org.hibernate.Session;

/**
 * The intake's database work in three statements, whatever the message holds (issue 5: the push path's cost was
 * Hibernate native queries and the flushes they forced): {@link #prepare} creates the missing aggregate rows and says
 * whether the message is a retransmission; {@link #lock} locks the aggregates and reads what is held, their last
 * states and the write-back echoes expected for profiles; {@link #write} inserts the inbound message, every outbox row
 * (one multi-row insert, ids from the table's sequence, taken after the locks, so per key in commit order even across
 * replicas), the new versions and states, and removes the echoes that came back, in one statement. Plain JDBC on the
 * transaction's connection: no Hibernate flush. Outbox rows have service-platform's shape; the relay is woken after
 * the commit as {@code Outbox.add} does.
 */
@ApplicationScoped
public class IntakeWrites {

    /**
     * The one way both intake statements move an aggregate's row ({@code u}: the unnested aggregates; {@code hv}: a
     * version to hold, {@code hs}: a state to keep): the push group commit's and the history import's.
     */
    private static final String AGGREGATE_VERSION_UPDATE = """
            update aggregate_version a set
                pms_sequence = case when u.hv = 't' then u.seq::bigint else a.pms_sequence end,
                sequence_offset = case when u.hv = 't' then u.off::bigint else a.sequence_offset end,
                version_time = case when u.hv = 't' then u.vt::timestamptz else a.version_time end,
                content_sha256 = case when u.hv = 't' then u.sha else a.content_sha256 end,
                sequence_epoch_start = case when u.hv = 't' then u.ep::timestamptz else a.sequence_epoch_start end,
                sequence_resets = a.sequence_resets + u.rs::int,
                updated_at = case when u.hv = 't' then now() else a.updated_at end,
                pms_reservation_id = case when u.hs = 't' then u.rid else a.pms_reservation_id end,
                last_state = case when u.hs = 't' then u.st else a.last_state end
            """;

    /** An outbox row, its payload serialised (registry wire format). */
    public record OutboxRow(UUID eventId, String eventType, String topic, String recordKey, String correlationId,
                            byte[] payload) {
    }

    /** The inbound message row; {@code conditional}: write nothing at all if it exists already. */
    public record InboundRow(UUID messageId, String feedId, Instant receivedAt, String bodySha256, String messageType,
                             int eventCount, String maskedPayload, boolean conditional) {
    }

    /** What the lock read for an aggregate: held version (null = none), last state when asked or echoes exist. */
    public record Locked(Held held, byte[] lastState, List<UUID> echoEventIds, List<String> echoExpected) {
    }

    /** An echo of a write-back that came back and is consumed. */
    public record EchoArrival(String pmsProfileId, UUID eventId) {
    }

    @Inject
    EntityManager entityManager;

    @Inject
    Outbox outbox;

    /**
     * Creates the aggregate rows that are missing (in key order) and answers which of the inbound messages
     * {@code messageIds} are stored already (none asked: empty). One statement, however many messages a group holds.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<UUID> prepare(String feedId, Collection<Key> keys, Collection<UUID> messageIds) {
        TreeSet<Key> sorted = new TreeSet<>(keys);
        return session().doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    with a as (insert into aggregate_version (feed_id, aggregate_type, aggregate_id)
                               select ?, t, i from unnest(?::varchar[], ?::varchar[]) with ordinality as u(t, i, n)
                               order by n
                               on conflict do nothing)
                    select array(select message_id::text from inbound_message where message_id = any(?::uuid[]))""")) {
                statement.setString(1, feedId);
                statement.setArray(2, connection.createArrayOf("varchar", sorted.stream().map(Key::type).toArray()));
                statement.setArray(3, connection.createArrayOf("varchar", sorted.stream().map(Key::id).toArray()));
                statement.setArray(4, connection.createArrayOf("uuid", messageIds.toArray()));
                Set<UUID> stored = new java.util.HashSet<>();
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    java.sql.Array ids = rs.getArray(1);
                    if (ids != null) {
                        for (Object id : (Object[]) ids.getArray()) {
                            stored.add(UUID.fromString((String) id));
                        }
                    }
                }
                return stored;
            }
        });
    }

    /**
     * Locks the aggregates (rows made by {@link #prepare}) in key order and reads, per aggregate: the held version,
     * its last state when {@code withState} names it or when a write-back echo is expected for it, and those echoes.
     * One statement.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<Key, Locked> lock(String feedId, Collection<Key> keys, Set<Key> withState) {
        Map<Key, Locked> locked = new HashMap<>();
        if (keys.isEmpty()) {
            return locked;
        }
        TreeSet<Key> sorted = new TreeSet<>(keys);
        session().doWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    select a.aggregate_type, a.aggregate_id, a.pms_sequence, a.sequence_offset, a.version_time,
                           a.content_sha256, a.sequence_epoch_start,
                           case when u.s = 't' or (a.aggregate_type = 'PROFILE' and exists (select 1 from write_back_echo w
                                    where w.feed_id = a.feed_id and w.pms_profile_id = a.aggregate_id
                                      and w.expires_at > now())) then a.last_state end,
                           case when a.aggregate_type = 'PROFILE' then
                               (select array_agg(w.event_id::text order by w.event_id) from write_back_echo w
                                where w.feed_id = a.feed_id and w.pms_profile_id = a.aggregate_id and w.expires_at > now()) end,
                           case when a.aggregate_type = 'PROFILE' then
                               (select array_agg(w.expected order by w.event_id) from write_back_echo w
                                where w.feed_id = a.feed_id and w.pms_profile_id = a.aggregate_id and w.expires_at > now()) end
                    from aggregate_version a
                    join unnest(?::varchar[], ?::varchar[], ?::varchar[]) as u(t, i, s)
                      on a.aggregate_type = u.t and a.aggregate_id = u.i
                    where a.feed_id = ?
                    order by a.aggregate_type, a.aggregate_id
                    for update of a""")) {
                select.setArray(1, connection.createArrayOf("varchar", sorted.stream().map(Key::type).toArray()));
                select.setArray(2, connection.createArrayOf("varchar", sorted.stream().map(Key::id).toArray()));
                select.setArray(3, connection.createArrayOf("varchar",
                        sorted.stream().map(k -> withState.contains(k) ? "t" : "f").toArray()));
                select.setString(4, feedId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        Key key = new Key(rs.getString(1), rs.getString(2));
                        Held held = null;
                        String sha = rs.getString(6);
                        if (sha != null) {
                            long sequence = rs.getLong(3);
                            Long pmsSequence = rs.wasNull() ? null : sequence;
                            java.sql.Timestamp time = rs.getTimestamp(5);
                            java.sql.Timestamp epoch = rs.getTimestamp(7);
                            held = new Held(pmsSequence, rs.getLong(4), time == null ? null : time.toInstant(), sha,
                                    epoch == null ? null : epoch.toInstant());
                        }
                        byte[] state = rs.getBytes(8);
                        List<UUID> echoIds = new ArrayList<>();
                        List<String> echoExpected = new ArrayList<>();
                        java.sql.Array ids = rs.getArray(9);
                        java.sql.Array expected = rs.getArray(10);
                        if (ids != null && expected != null) {
                            for (Object id : (Object[]) ids.getArray()) {
                                echoIds.add(UUID.fromString((String) id));
                            }
                            for (Object text : (Object[]) expected.getArray()) {
                                echoExpected.add((String) text);
                            }
                        }
                        locked.put(key, new Locked(held, state, echoIds, echoExpected));
                    }
                }
            }
        });
        return locked;
    }

    /**
     * One statement: the inbound messages (a group commit writes several; a conditional one that exists already makes
     * the whole statement write nothing), the outbox rows in list order, the changed versions and states of locked
     * aggregates, the consumed echoes. Answers false when nothing was written because a conditional message was there
     * already (a concurrent duplicate). {@code resets}: sequence resets per aggregate.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean write(String feedId, List<InboundRow> inbound, List<OutboxRow> rows, Map<Key, Held> changed,
                         Map<Key, Integer> resets, Map<Key, AggregateVersions.ReservationState> states,
                         List<EchoArrival> arrivals) {
        Instant now = Instant.now();
        TreeMap<Key, Boolean> touched = new TreeMap<>();
        changed.keySet().forEach(k -> touched.put(k, Boolean.TRUE));
        states.keySet().forEach(k -> touched.put(k, Boolean.TRUE));
        boolean written = session().doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    with m as (
                        insert into inbound_message (message_id, feed_id, received_at, body_sha256, message_type,
                                                     event_count, masked_payload)
                        select u.id, ?, u.r::timestamptz, u.sha, u.mt, u.ec::int, u.mp
                        from unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::text[])
                             with ordinality as u(id, r, sha, mt, ec, mp, n)
                        order by u.n
                        on conflict do nothing
                        returning message_id),
                    go as (select count(*) = ?::int as ok from m where m.message_id = any(?::uuid[])),
                    o as (
                        insert into outbox_event (event_id, event_type, topic, record_key, correlation_id, payload, created_at)
                        select u.e, u.t, u.tp, u.k, u.c, u.p, ?::timestamptz
                        from unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bytea[])
                             with ordinality as u(e, t, tp, k, c, p, n)
                        where (select ok from go)
                        order by u.n
                        returning 1),
                    v as (
                        """ + AGGREGATE_VERSION_UPDATE + """
                        from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[],
                                    ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bytea[])
                             as u(t, i, hv, seq, off, vt, sha, ep, rs, hs, rid, st)
                        where a.feed_id = ? and a.aggregate_type = u.t and a.aggregate_id = u.i and (select ok from go)
                        returning 1),
                    e as (
                        delete from write_back_echo w using unnest(?::varchar[], ?::uuid[]) as x(p, ev)
                        where w.feed_id = ? and w.pms_profile_id = x.p and w.event_id = x.ev and (select ok from go)
                        returning 1)
                    select (select ok from go), (select count(*) from o), (select count(*) from v),
                           (select count(*) from e)""")) {
                int p = 1;
                statement.setString(p++, feedId);
                statement.setArray(p++, connection.createArrayOf("uuid", inbound.stream().map(InboundRow::messageId)
                        .toArray()));
                statement.setArray(p++, connection.createArrayOf("varchar", inbound.stream()
                        .map(r -> time(r.receivedAt())).toArray()));
                statement.setArray(p++, connection.createArrayOf("varchar", inbound.stream().map(InboundRow::bodySha256)
                        .toArray()));
                statement.setArray(p++, connection.createArrayOf("varchar", inbound.stream().map(InboundRow::messageType)
                        .toArray()));
                statement.setArray(p++, connection.createArrayOf("varchar", inbound.stream()
                        .map(r -> Integer.toString(r.eventCount())).toArray()));
                statement.setArray(p++, connection.createArrayOf("text", inbound.stream().map(InboundRow::maskedPayload)
                        .toArray()));
                List<UUID> conditional = inbound.stream().filter(InboundRow::conditional).map(InboundRow::messageId)
                        .toList();
                statement.setInt(p++, conditional.size());
                statement.setArray(p++, connection.createArrayOf("uuid", conditional.toArray()));
                statement.setObject(p++, now.atOffset(ZoneOffset.UTC), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                p = outboxArrays(connection, statement, p, rows);
                p = versionArrays(connection, statement, p, touched, changed, resets, states);
                statement.setString(p++, feedId);
                statement.setArray(p++, connection.createArrayOf("varchar",
                        arrivals.stream().map(EchoArrival::pmsProfileId).toArray()));
                statement.setArray(p++, connection.createArrayOf("uuid",
                        arrivals.stream().map(EchoArrival::eventId).toArray()));
                statement.setString(p, feedId);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
        if (written && !rows.isEmpty()) {
            outbox.wakeRelayAfterCommit();
        }
        return written;
    }

    /**
     * A history batch sent straight to Kafka (no outbox row): one statement writes its versions and states. Aggregates
     * in {@code existing} were locked by {@link #lock} and are updated; the others are new and inserted with their
     * version and state at once (no placeholder row first: one tuple, not two). Answers false when a new aggregate was
     * inserted meanwhile by another transaction (a push of the same reservation): the caller rolls the batch back and
     * decides it again against what is held now.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean writeVersions(String feedId, Set<Key> existing, Map<Key, Held> changed, Map<Key, Integer> resets,
                                 Map<Key, AggregateVersions.ReservationState> states, List<EchoArrival> arrivals) {
        TreeMap<Key, Boolean> touched = new TreeMap<>();
        changed.keySet().forEach(k -> touched.put(k, Boolean.TRUE));
        states.keySet().forEach(k -> touched.put(k, Boolean.TRUE));
        if (touched.isEmpty() && arrivals.isEmpty()) {
            return true;
        }
        long inserts = touched.keySet().stream().filter(k -> !existing.contains(k)).count();
        return session().doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    with u as materialized (
                        select * from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[],
                                             ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[],
                                             ?::varchar[], ?::bytea[], ?::varchar[])
                             with ordinality as x(t, i, hv, seq, off, vt, sha, ep, rs, hs, rid, st, ex, n)),
                    n as (
                        insert into aggregate_version (feed_id, aggregate_type, aggregate_id, pms_sequence, sequence_offset,
                                                       version_time, content_sha256, sequence_epoch_start, sequence_resets,
                                                       updated_at, pms_reservation_id, last_state)
                        select ?, u.t, u.i, u.seq::bigint, u.off::bigint, u.vt::timestamptz, u.sha, u.ep::timestamptz,
                               u.rs::int, now(), case when u.hs = 't' then u.rid end, case when u.hs = 't' then u.st end
                        from u where u.ex = 'f'
                        order by u.n
                        on conflict do nothing
                        returning 1),
                    v as (
                        """ + AGGREGATE_VERSION_UPDATE + """
                        from u
                        where u.ex = 't' and a.feed_id = ? and a.aggregate_type = u.t and a.aggregate_id = u.i
                        returning 1),
                    e as (
                        delete from write_back_echo w using unnest(?::varchar[], ?::uuid[]) as x(p, ev)
                        where w.feed_id = ? and w.pms_profile_id = x.p and w.event_id = x.ev
                        returning 1)
                    select (select count(*) from n), (select count(*) from v), (select count(*) from e)""")) {
                int p = versionArrays(connection, statement, 1, touched, changed, resets, states);
                statement.setArray(p++, connection.createArrayOf("varchar",
                        touched.keySet().stream().map(k -> existing.contains(k) ? "t" : "f").toArray()));
                statement.setString(p++, feedId);
                statement.setString(p++, feedId);
                statement.setArray(p++, connection.createArrayOf("varchar",
                        arrivals.stream().map(EchoArrival::pmsProfileId).toArray()));
                statement.setArray(p++, connection.createArrayOf("uuid",
                        arrivals.stream().map(EchoArrival::eventId).toArray()));
                statement.setString(p, feedId);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == inserts;
                }
            }
        });
    }

    private static int outboxArrays(Connection connection, PreparedStatement statement, int p, List<OutboxRow> rows)
            throws SQLException {
        statement.setArray(p++, connection.createArrayOf("uuid", rows.stream().map(OutboxRow::eventId).toArray()));
        statement.setArray(p++, connection.createArrayOf("varchar", rows.stream().map(OutboxRow::eventType).toArray()));
        statement.setArray(p++, connection.createArrayOf("varchar", rows.stream().map(OutboxRow::topic).toArray()));
        statement.setArray(p++, connection.createArrayOf("varchar", rows.stream().map(OutboxRow::recordKey).toArray()));
        statement.setArray(p++, connection.createArrayOf("varchar", rows.stream().map(OutboxRow::correlationId).toArray()));
        statement.setArray(p++, connection.createArrayOf("bytea", rows.stream().map(OutboxRow::payload)
                .toArray(byte[][]::new)));
        return p;
    }

    private static int versionArrays(Connection connection, PreparedStatement statement, int p,
                                     TreeMap<Key, Boolean> touched, Map<Key, Held> changed, Map<Key, Integer> resets,
                                     Map<Key, AggregateVersions.ReservationState> states) throws SQLException {
        int n = touched.size();
        String[][] text = new String[11][n];
        byte[][] payloads = new byte[n][];
        int i = 0;
        for (Key key : touched.keySet()) {
            Held held = changed.get(key);
            AggregateVersions.ReservationState state = states.get(key);
            text[0][i] = key.type();
            text[1][i] = key.id();
            text[2][i] = held != null ? "t" : "f";
            text[3][i] = held != null && held.sequence() != null ? held.sequence().toString() : null;
            text[4][i] = held != null ? Long.toString(held.sequenceOffset()) : "0";
            text[5][i] = held != null ? time(held.time()) : null;
            text[6][i] = held != null ? held.contentSha256() : null;
            text[7][i] = held != null ? time(held.epochStart()) : null;
            text[8][i] = held != null ? Integer.toString(resets.getOrDefault(key, 0)) : "0";
            text[9][i] = state != null ? "t" : "f";
            text[10][i] = state != null ? state.pmsReservationId() : null;
            payloads[i] = state != null && state.payload() != null ? state.payload() : new byte[0];
            i++;
        }
        for (String[] column : text) {
            statement.setArray(p++, connection.createArrayOf("varchar", column));
        }
        statement.setArray(p++, connection.createArrayOf("bytea", payloads));
        return p;
    }

    /** An instant as PostgreSQL reads it, to the microsecond it stores. */
    private static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).toString();
    }

    /** The emitted event ids of a stored inbound message, in outbox order (a retransmission's answer). */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<UUID> eventIdsOf(UUID messageId) {
        return session().doReturningWork(connection -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "select event_id from outbox_event where correlation_id = ? order by id")) {
                select.setString(1, messageId.toString());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return ids;
        });
    }

    private Session session() {
        return entityManager.unwrap(Session.class);
    }
}
