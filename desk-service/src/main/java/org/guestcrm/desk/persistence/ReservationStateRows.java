package org.guestcrm.desk.persistence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import jakarta.persistence.EntityManager;

/**
 * The reservation_state rows of one pms.reservations batch with plain JDBC (issue 5: the intake's hot path): locked
 * in key order in one statement, written back (new and changed alike) in one upsert. The
 * {@link ReservationStateEntity} objects are not managed by Hibernate.
 */
public final class ReservationStateRows {

    private static final String COLUMNS = "id, reservation_key, tenant, hotel_code, pms_reservation_id, pms_system,"
            + " status, arrival, departure, pms_profile_id, guest_email, pms_sequence, pms_modified_at, occurred_at,"
            + " last_event_id, first_seen_at, updated_at, booked_at, total_amount, currency";
    static final String LOCK = "select " + COLUMNS + " from reservation_state"
            + " where reservation_key = any(cast(? as varchar[])) order by reservation_key for update";
    /**
     * New rows inserted, held rows updated, in key order. A row of the same key that another consumer inserted
     * meanwhile (a rebalance) has another id: it is not overwritten, returns no id, and the batch fails (then retried,
     * it reads and locks that row and applies the snapshot only if newer).
     */
    static final String WRITE = "insert into reservation_state (" + COLUMNS + ") select r.* from unnest("
            + "cast(? as uuid[]), cast(? as varchar[]), cast(? as varchar[]), cast(? as varchar[]), cast(? as varchar[]),"
            + " cast(? as varchar[]), cast(? as varchar[]), cast(? as date[]), cast(? as date[]), cast(? as varchar[]),"
            + " cast(? as varchar[]), cast(? as bigint[]), cast(? as timestamptz[]), cast(? as timestamptz[]),"
            + " cast(? as uuid[]), cast(? as timestamptz[]), cast(? as timestamptz[]), cast(? as timestamptz[]),"
            + " cast(? as numeric[]), cast(? as varchar[])) as r(" + COLUMNS + ") order by r.reservation_key"
            + " on conflict (reservation_key) do update set tenant = excluded.tenant, hotel_code = excluded.hotel_code,"
            + " pms_reservation_id = excluded.pms_reservation_id, pms_system = excluded.pms_system,"
            + " status = excluded.status, arrival = excluded.arrival, departure = excluded.departure,"
            + " pms_profile_id = excluded.pms_profile_id, guest_email = excluded.guest_email,"
            + " pms_sequence = excluded.pms_sequence, pms_modified_at = excluded.pms_modified_at,"
            + " occurred_at = excluded.occurred_at, last_event_id = excluded.last_event_id,"
            + " updated_at = excluded.updated_at, booked_at = excluded.booked_at, total_amount = excluded.total_amount,"
            + " currency = excluded.currency where reservation_state.id = excluded.id returning id";

    private final EntityManager entityManager;
    private final Counter statements;

    public ReservationStateRows(EntityManager entityManager, Counter statements) {
        this.entityManager = entityManager;
        this.statements = statements;
    }

    /** The rows held for these keys, locked in key order, by key. */
    public Map<String, ReservationStateEntity> lock(Collection<String> keys) {
        Map<String, ReservationStateEntity> held = new HashMap<>();
        if (keys.isEmpty()) {
            return held;
        }
        return Jdbc.work(entityManager, connection -> {
            try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
                lock.setArray(1, Jdbc.texts(connection, new TreeSet<>(keys), k -> k));
                statements.increment();
                try (ResultSet rs = lock.executeQuery()) {
                    while (rs.next()) {
                        ReservationStateEntity s = read(rs);
                        held.put(s.reservationKey, s);
                    }
                }
            }
            return held;
        });
    }

    /** Writes these rows (new or held) in one statement; fails if another transaction inserted one of their keys. */
    public void write(Collection<ReservationStateEntity> rows) {
        if (rows.isEmpty()) {
            return;
        }
        List<ReservationStateEntity> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(s -> s.reservationKey));
        int written = Jdbc.work(entityManager, connection -> {
            try (PreparedStatement write = connection.prepareStatement(WRITE)) {
                int p = 0;
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.id));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.reservationKey));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.tenant));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.hotelCode));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.pmsReservationId));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.pmsSystem));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.status));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.arrival));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.departure));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.pmsProfileId));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.guestEmail));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.pmsSequence));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.pmsModifiedAt));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.occurredAt));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.lastEventId));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.firstSeenAt));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.updatedAt));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.bookedAt));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.totalAmount == null ? null
                        : s.totalAmount.toPlainString()));
                write.setArray(++p, Jdbc.texts(connection, sorted, s -> s.currency));
                statements.increment();
                int n = 0;
                try (ResultSet rs = write.executeQuery()) {
                    while (rs.next()) {
                        n++;
                    }
                }
                return n;
            }
        });
        if (written != sorted.size()) {
            throw new IllegalStateException((sorted.size() - written) + " reservation(s) of the batch were first"
                    + " written by another transaction meanwhile; the batch is applied again");
        }
    }

    private static ReservationStateEntity read(ResultSet rs) throws java.sql.SQLException {
        ReservationStateEntity s = new ReservationStateEntity();
        s.id = rs.getObject("id", UUID.class);
        s.reservationKey = rs.getString("reservation_key");
        s.tenant = rs.getString("tenant");
        s.hotelCode = rs.getString("hotel_code");
        s.pmsReservationId = rs.getString("pms_reservation_id");
        s.pmsSystem = rs.getString("pms_system");
        s.status = rs.getString("status");
        s.arrival = rs.getObject("arrival", java.time.LocalDate.class);
        s.departure = rs.getObject("departure", java.time.LocalDate.class);
        s.pmsProfileId = rs.getString("pms_profile_id");
        s.guestEmail = rs.getString("guest_email");
        long sequence = rs.getLong("pms_sequence");
        s.pmsSequence = rs.wasNull() ? null : sequence;
        s.pmsModifiedAt = Jdbc.instant(rs, "pms_modified_at");
        s.occurredAt = Jdbc.instant(rs, "occurred_at");
        s.lastEventId = rs.getObject("last_event_id", UUID.class);
        s.firstSeenAt = Jdbc.instant(rs, "first_seen_at");
        s.updatedAt = Jdbc.instant(rs, "updated_at");
        s.bookedAt = Jdbc.instant(rs, "booked_at");
        s.totalAmount = rs.getBigDecimal("total_amount");
        s.currency = rs.getString("currency");
        return s;
    }
}
