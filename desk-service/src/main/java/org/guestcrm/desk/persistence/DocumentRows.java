package org.guestcrm.desk.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import org.guestcrm.desk.domain.DocumentKind;
import org.guestcrm.desk.domain.DocumentState;

import io.micrometer.core.instrument.Counter;
import jakarta.persistence.EntityManager;

/**
 * The documents one intake batch works on, read and written with plain JDBC on the transaction's own connection
 * (issue 5: no Hibernate query parsing, no entity hydration, no flush dirty check on the intake's hot path). The
 * {@link DocumentEntity} objects it hands out are not managed by Hibernate: the caller changes their fields and
 * {@link #writeChanged} writes the ones that really changed, in one statement. Every statement has one fixed text
 * whatever the batch size (arrays through {@code unnest}, {@code = any(?)}), so PostgreSQL's JDBC driver prepares
 * each once per connection and reuses it.
 */
public final class DocumentRows {

    private static final String COLUMNS = "id, reservation_key, tenant, hotel_code, pms_reservation_id, kind, step,"
            + " state, due_at, sent_at, opened_at, reason, communication_id, late_task_id, created_at, updated_at";
    /** Inserts the rows that do not exist yet, in the one lock order (reservation_key, kind); returns the ids inserted. */
    static final String INSERT = """
            insert into document (id, reservation_key, tenant, hotel_code, pms_reservation_id, kind, step, state,
                                  due_at, reason, created_at, updated_at)
            select r.* from unnest(cast(? as uuid[]), cast(? as varchar[]), cast(? as varchar[]), cast(? as varchar[]),
                                   cast(? as varchar[]), cast(? as varchar[]), cast(? as varchar[]), cast(? as varchar[]),
                                   cast(? as timestamptz[]), cast(? as varchar[]), cast(? as timestamptz[]),
                                   cast(? as timestamptz[]))
                as r(id, reservation_key, tenant, hotel_code, pms_reservation_id, kind, step, state, due_at, reason,
                     created_at, updated_at)
            order by r.reservation_key, r.kind
            on conflict (reservation_key, kind) do nothing
            returning id""";
    /** Locks (in the one order) every document of the keys but those this batch has just inserted (locked already). */
    static final String LOCK = "select " + COLUMNS + " from document where reservation_key = any(cast(? as varchar[]))"
            + " and id <> all(cast(? as uuid[])) order by reservation_key, kind for update";
    static final String LOCK_ONE = "select " + COLUMNS + " from document where reservation_key = ? and kind = ? for update";
    static final String UPDATE = """
            update document d set state = r.state, due_at = r.due_at, sent_at = r.sent_at, opened_at = r.opened_at,
                reason = r.reason, communication_id = r.communication_id, late_task_id = r.late_task_id,
                updated_at = r.updated_at
            from unnest(cast(? as uuid[]), cast(? as varchar[]), cast(? as timestamptz[]), cast(? as timestamptz[]),
                        cast(? as timestamptz[]), cast(? as varchar[]), cast(? as uuid[]), cast(? as uuid[]),
                        cast(? as timestamptz[]))
                as r(id, state, due_at, sent_at, opened_at, reason, communication_id, late_task_id, updated_at)
            where d.id = r.id""";

    private final EntityManager entityManager;
    private final Counter statements;
    /** Every row handed out, with the values of its changeable columns as last read or written. */
    private final Map<DocumentEntity, Object[]> held = new IdentityHashMap<>();

    public DocumentRows(EntityManager entityManager, Counter statements) {
        this.entityManager = entityManager;
        this.statements = statements;
    }

    /**
     * The one lock order on document rows that every writer keeps (the reservation and the communication consumers):
     * the rows of {@code wanted} that do not exist yet are inserted in one statement ({@code on conflict do nothing}),
     * in (reservation_key, kind) order, then every other document of {@code reservationKeys} is locked in one
     * {@code select ... order by reservation_key, kind for update}. A batch calls this once, before it changes any
     * document, so two batches that touch the same documents take their locks in the same order and never deadlock
     * (40P01). Returns every document of the keys (those inserted are the objects of {@code wanted}), in that order.
     */
    public List<DocumentEntity> ensureAndLock(Collection<DocumentEntity> wanted, Collection<String> reservationKeys) {
        Map<String, DocumentEntity> unique = new java.util.LinkedHashMap<>();
        for (DocumentEntity d : wanted) {
            unique.putIfAbsent(d.reservationKey + "\u0000" + d.kind.name(), d);
        }
        List<DocumentEntity> fresh = new ArrayList<>(unique.values());
        fresh.forEach(DocumentRows::toMicros);
        return work(connection -> {
            Set<UUID> inserted = insert(connection, fresh);
            List<DocumentEntity> rows = new ArrayList<>();
            for (DocumentEntity d : fresh) {
                if (inserted.contains(d.id)) {
                    rows.add(d);
                }
            }
            if (!reservationKeys.isEmpty()) {
                try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
                    lock.setArray(1, texts(connection, new TreeSet<>(reservationKeys), Function.identity()));
                    lock.setArray(2, texts(connection, inserted, UUID::toString));
                    statements.increment();
                    try (ResultSet rs = lock.executeQuery()) {
                        while (rs.next()) {
                            rows.add(read(rs));
                        }
                    }
                }
            }
            rows.sort(java.util.Comparator.comparing((DocumentEntity d) -> d.reservationKey)
                    .thenComparing(d -> d.kind.name()));
            rows.forEach(d -> held.put(d, changeable(d)));
            return rows;
        });
    }

    /**
     * The document of {@code fresh}'s reservation and kind, locked: {@code fresh} itself when this inserted it, else
     * the row another transaction committed (the insert waits for it and does nothing).
     */
    public DocumentEntity insertOnce(DocumentEntity fresh) {
        toMicros(fresh);
        return work(connection -> {
            if (insert(connection, List.of(fresh)).contains(fresh.id)) {
                held.put(fresh, changeable(fresh));
                return fresh;
            }
            try (PreparedStatement lock = connection.prepareStatement(LOCK_ONE)) {
                lock.setString(1, fresh.reservationKey);
                lock.setString(2, fresh.kind.name());
                statements.increment();
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("document " + fresh.kind + " of a reservation neither inserted"
                                + " nor found");
                    }
                    DocumentEntity row = read(rs);
                    held.put(row, changeable(row));
                    return row;
                }
            }
        });
    }

    /**
     * Writes the documents handed out whose state, times, reason, communication or late task changed since they were
     * read (one {@code update ... from unnest(...)} for all of them; none when nothing changed). A new late task is
     * flushed first (the row refers to it). Returns the number of rows written.
     */
    public int writeChanged() {
        List<DocumentEntity> changed = new ArrayList<>();
        boolean newTask = false;
        for (Map.Entry<DocumentEntity, Object[]> entry : held.entrySet()) {
            DocumentEntity d = entry.getKey();
            toMicros(d);
            Object[] now = changeable(d);
            if (!java.util.Arrays.equals(entry.getValue(), now)) {
                changed.add(d);
                newTask |= !Objects.equals(entry.getValue()[6], now[6]);
                entry.setValue(now);
            }
        }
        if (changed.isEmpty()) {
            return 0;
        }
        if (newTask) {
            entityManager.flush(); // the LATE_DOCUMENT task the row refers to (late_task_id references task)
        }
        changed.sort(java.util.Comparator.comparing((DocumentEntity d) -> d.reservationKey)
                .thenComparing(d -> d.kind.name()));
        return work(connection -> {
            try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
                update.setArray(1, texts(connection, changed, d -> d.id.toString()));
                update.setArray(2, texts(connection, changed, d -> d.state.name()));
                update.setArray(3, texts(connection, changed, d -> text(d.dueAt)));
                update.setArray(4, texts(connection, changed, d -> text(d.sentAt)));
                update.setArray(5, texts(connection, changed, d -> text(d.openedAt)));
                update.setArray(6, texts(connection, changed, d -> d.reason));
                update.setArray(7, texts(connection, changed, d -> text(d.communicationId)));
                update.setArray(8, texts(connection, changed, d -> text(d.lateTaskId)));
                update.setArray(9, texts(connection, changed, d -> text(d.updatedAt)));
                statements.increment();
                return update.executeUpdate();
            }
        });
    }

    private Set<UUID> insert(Connection connection, List<DocumentEntity> rows) throws SQLException {
        Set<UUID> inserted = new HashSet<>();
        if (rows.isEmpty()) {
            return inserted;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setArray(1, texts(connection, rows, d -> d.id.toString()));
            insert.setArray(2, texts(connection, rows, d -> d.reservationKey));
            insert.setArray(3, texts(connection, rows, d -> d.tenant));
            insert.setArray(4, texts(connection, rows, d -> d.hotelCode));
            insert.setArray(5, texts(connection, rows, d -> d.pmsReservationId));
            insert.setArray(6, texts(connection, rows, d -> d.kind.name()));
            insert.setArray(7, texts(connection, rows, d -> d.step));
            insert.setArray(8, texts(connection, rows, d -> d.state.name()));
            insert.setArray(9, texts(connection, rows, d -> text(d.dueAt)));
            insert.setArray(10, texts(connection, rows, d -> d.reason));
            insert.setArray(11, texts(connection, rows, d -> text(d.createdAt)));
            insert.setArray(12, texts(connection, rows, d -> text(d.updatedAt)));
            statements.increment();
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return inserted;
    }

    private static DocumentEntity read(ResultSet rs) throws SQLException {
        DocumentEntity d = new DocumentEntity();
        d.id = rs.getObject("id", UUID.class);
        d.reservationKey = rs.getString("reservation_key");
        d.tenant = rs.getString("tenant");
        d.hotelCode = rs.getString("hotel_code");
        d.pmsReservationId = rs.getString("pms_reservation_id");
        d.kind = DocumentKind.valueOf(rs.getString("kind"));
        d.step = rs.getString("step");
        d.state = DocumentState.valueOf(rs.getString("state"));
        d.dueAt = instant(rs, "due_at");
        d.sentAt = instant(rs, "sent_at");
        d.openedAt = instant(rs, "opened_at");
        d.reason = rs.getString("reason");
        d.communicationId = rs.getObject("communication_id", UUID.class);
        d.lateTaskId = rs.getObject("late_task_id", UUID.class);
        d.createdAt = instant(rs, "created_at");
        d.updatedAt = instant(rs, "updated_at");
        return d;
    }

    /** The columns {@link #UPDATE} writes, in its order but the id (index 6: late_task_id). */
    private static Object[] changeable(DocumentEntity d) {
        return new Object[] {d.state, d.dueAt, d.sentAt, d.openedAt, d.reason, d.communicationId, d.lateTaskId,
                d.updatedAt};
    }

    /** PostgreSQL keeps microseconds: the objects hold what the row holds, so a comparison never sees a phantom change. */
    private static void toMicros(DocumentEntity d) {
        d.dueAt = micros(d.dueAt);
        d.sentAt = micros(d.sentAt);
        d.openedAt = micros(d.openedAt);
        d.createdAt = micros(d.createdAt);
        d.updatedAt = micros(d.updatedAt);
    }

    private static Instant micros(Instant at) {
        return Jdbc.micros(at);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return Jdbc.instant(rs, column);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static <T> Array texts(Connection connection, Collection<T> values, Function<T, String> text)
            throws SQLException {
        return Jdbc.texts(connection, values, text);
    }

    private <R> R work(Jdbc.Work<R> work) {
        return Jdbc.work(entityManager, work);
    }
}
