package org.guestcrm.journey.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.hibernate.Session;

import jakarta.persistence.EntityManager;

/**
 * The rows one intake batch writes (issue 5, 2026-12-03 evening: the Hibernate flush of these inserts and updates was
 * 27 % of the intake's samples): the reservations and communications the batch created or changed, held as detached
 * entities while the batch is planned and written at its end in at most four set-based statements on the
 * transaction's connection: new reservations, changed reservations, new communications, changed communications (the
 * order of Hibernate's flush: inserts before updates), each {@code ... FROM unnest(...)} of one text array per column.
 * A row created and changed again by a later record of the batch is inserted once, with its last state. Every column
 * is written, as Hibernate's (non-dynamic) updates did.
 */
public final class IntakeWrites {

    /** Statements written by all intake batches of this JVM (read by IntakeLoadProbe; not counted by Hibernate). */
    public static final AtomicLong STATEMENTS = new AtomicLong();

    private final Set<ReservationEntity> newReservations = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<ReservationEntity> changedReservations = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<CommunicationEntity> newCommunications = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<CommunicationEntity> changedCommunications = Collections.newSetFromMap(new IdentityHashMap<>());
    // Insertion order kept, so the rows go out in the order the batch planned them (as Hibernate's ordered inserts).
    private final List<ReservationEntity> reservationOrder = new ArrayList<>();
    private final List<CommunicationEntity> communicationOrder = new ArrayList<>();

    public void inserted(ReservationEntity reservation) {
        if (newReservations.add(reservation)) {
            reservationOrder.add(reservation);
        }
    }

    public void changed(ReservationEntity reservation) {
        if (!newReservations.contains(reservation) && changedReservations.add(reservation)) {
            reservationOrder.add(reservation);
        }
    }

    public void inserted(CommunicationEntity communication) {
        if (newCommunications.add(communication)) {
            communicationOrder.add(communication);
        }
    }

    public void changed(CommunicationEntity communication) {
        if (!newCommunications.contains(communication) && changedCommunications.add(communication)) {
            communicationOrder.add(communication);
        }
    }

    /** Writes what was collected on {@code entityManager}'s connection (the intake's transaction). */
    public void write(EntityManager entityManager) {
        if (reservationOrder.isEmpty() && communicationOrder.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            write(connection, RESERVATION_INSERT, RESERVATION_COLUMNS,
                    reservationOrder.stream().filter(newReservations::contains).toList());
            write(connection, RESERVATION_UPDATE, RESERVATION_UPDATE_COLUMNS,
                    reservationOrder.stream().filter(changedReservations::contains).toList());
            write(connection, COMMUNICATION_INSERT, COMMUNICATION_COLUMNS,
                    communicationOrder.stream().filter(newCommunications::contains).toList());
            write(connection, COMMUNICATION_UPDATE, COMMUNICATION_COLUMNS,
                    communicationOrder.stream().filter(changedCommunications::contains).toList());
        });
    }

    private static <T> void write(Connection connection, String sql, List<Column<T>> columns, List<T> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < columns.size(); i++) {
                Function<T, Object> value = columns.get(i).value();
                String[] texts = new String[rows.size()];
                for (int r = 0; r < texts.length; r++) {
                    texts[r] = text(value.apply(rows.get(r)));
                }
                statement.setArray(i + 1, connection.createArrayOf("text", texts));
            }
            statement.executeUpdate();
            STATEMENTS.incrementAndGet();
        }
    }

    /**
     * A value as PostgreSQL reads it back from text. An instant is rounded to the microsecond half up, as the JDBC
     * driver does for the instants Hibernate bound (the column keeps microseconds).
     */
    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof java.time.Instant instant) {
            return instant.plusNanos(500).truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString();
        }
        return value.toString();
    }

    /** A column: its name, its SQL type (the text array's elements are cast to it) and its value. */
    private record Column<T>(String name, String type, Function<T, Object> value) {
    }

    private static <T> Column<T> column(String name, String type, Function<T, Object> value) {
        return new Column<>(name, type, value);
    }

    private static final List<Column<ReservationEntity>> RESERVATION_COLUMNS = List.of(
            column("tenant", "text", r -> r.tenant),
            column("hotel_code", "text", r -> r.hotelCode),
            column("pms_reservation_id", "text", r -> r.pmsReservationId),
            column("hotel_name", "text", r -> r.hotelName),
            column("pms_system", "text", r -> r.pmsSystem),
            column("status", "text", r -> r.status),
            column("arrival", "date", r -> r.arrival),
            column("departure", "date", r -> r.departure),
            column("guest_name", "text", r -> r.guestName),
            column("guest_email", "text", r -> r.guestEmail),
            column("guest_language", "text", r -> r.guestLanguage),
            column("guest_email_ref", "text", r -> r.guestEmailRef),
            column("guest_phone_ref", "text", r -> r.guestPhoneRef),
            column("guest_profile_id", "text", r -> r.guestProfileId),
            column("guest_erased", "boolean", r -> r.guestErased),
            column("guest_phone", "text", r -> r.guestPhone),
            column("pms_sequence", "bigint", r -> r.pmsSequence),
            column("pms_modified_at", "timestamptz", r -> r.pmsModifiedAt),
            column("event_occurred_at", "timestamptz", r -> r.eventOccurredAt),
            column("last_event_id", "uuid", r -> r.lastEventId),
            column("created_at", "timestamptz", r -> r.createdAt),
            column("booked_at", "timestamptz", r -> r.bookedAt),
            column("uncertain", "boolean", r -> r.uncertain),
            column("updated_at", "timestamptz", r -> r.updatedAt),
            column("room_type_code", "text", r -> r.roomTypeCode),
            column("rate_plan_code", "text", r -> r.ratePlanCode),
            column("adults", "integer", r -> r.adults),
            column("children", "integer", r -> r.children),
            column("no_show_cutoff_at", "timestamptz", r -> r.noShowCutoffAt),
            column("no_show_cutoff", "text", r -> r.noShowCutoff));

    /** The held reservation's columns after its id (the key columns are written too, unchanged, as Hibernate did). */
    private static final List<Column<ReservationEntity>> RESERVATION_UPDATE_COLUMNS = concat(
            List.of(column("id", "bigint", r -> r.id)), RESERVATION_COLUMNS);

    private static final List<Column<CommunicationEntity>> COMMUNICATION_COLUMNS = List.of(
            column("id", "uuid", c -> c.id),
            column("tenant", "text", c -> c.tenant),
            column("hotel_code", "text", c -> c.hotelCode),
            column("pms_reservation_id", "text", c -> c.pmsReservationId),
            column("campaign_id", "uuid", c -> c.campaignId),
            column("guest_id", "text", c -> c.guestId),
            column("step", "text", c -> c.step),
            column("channel", "text", c -> c.channel),
            column("status", "text", c -> c.status),
            column("due_at", "timestamptz", c -> c.dueAt),
            column("next_attempt_at", "timestamptz", c -> c.nextAttemptAt),
            column("sent_at", "timestamptz", c -> c.sentAt),
            column("cancelled_at", "timestamptz", c -> c.cancelledAt),
            column("attempts", "integer", c -> c.attempts),
            column("lease_owner", "text", c -> c.leaseOwner),
            column("lease_expires_at", "timestamptz", c -> c.leaseExpiresAt),
            column("last_error", "text", c -> c.lastError),
            column("reason", "text", c -> c.reason),
            column("correlation_id", "text", c -> c.correlationId),
            column("causation_id", "text", c -> c.causationId),
            column("created_at", "timestamptz", c -> c.createdAt),
            column("updated_at", "timestamptz", c -> c.updatedAt),
            column("notice_version", "text", c -> c.noticeVersion),
            column("campaign_run", "integer", c -> c.campaignRun),
            column("occasion", "text", c -> c.occasion),
            column("occasion_basis", "date", c -> c.occasionBasis),
            column("previous_guest_id", "text", c -> c.previousGuestId),
            column("contact_point", "text", c -> c.contactPoint),
            column("bounce_type", "text", c -> c.bounceType));

    private static final String RESERVATION_INSERT = insert("reservation", RESERVATION_COLUMNS);
    private static final String RESERVATION_UPDATE = update("reservation", RESERVATION_UPDATE_COLUMNS);
    private static final String COMMUNICATION_INSERT = insert("communication", COMMUNICATION_COLUMNS);
    private static final String COMMUNICATION_UPDATE = update("communication", COMMUNICATION_COLUMNS);

    /** {@code INSERT INTO t (a, b) SELECT v.a::type, v.b::type FROM unnest(?::text[], ?::text[]) AS v (a, b)}. */
    private static <T> String insert(String table, List<Column<T>> columns) {
        return "INSERT INTO " + table + " (" + names(columns, "") + ") SELECT " + casts(columns) + " FROM " + unnest(columns);
    }

    /** {@code UPDATE t SET b = v.b::type FROM unnest(...) AS v (id, b) WHERE t.id = v.id::type} (first column: id). */
    private static <T> String update(String table, List<Column<T>> columns) {
        Column<T> id = columns.get(0);
        StringBuilder set = new StringBuilder();
        for (Column<T> column : columns.subList(1, columns.size())) {
            if (!set.isEmpty()) {
                set.append(", ");
            }
            set.append(column.name()).append(" = ").append(cast(column));
        }
        return "UPDATE " + table + " t SET " + set + " FROM " + unnest(columns) + " WHERE t." + id.name() + " = "
                + cast(id);
    }

    private static <T> String unnest(List<Column<T>> columns) {
        StringBuilder arrays = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            arrays.append(i == 0 ? "" : ", ").append("cast(? AS text[])");
        }
        return "unnest(" + arrays + ") AS v (" + names(columns, "") + ")";
    }

    private static <T> String casts(List<Column<T>> columns) {
        StringBuilder casts = new StringBuilder();
        for (Column<T> column : columns) {
            casts.append(casts.isEmpty() ? "" : ", ").append(cast(column));
        }
        return casts.toString();
    }

    private static <T> String cast(Column<T> column) {
        return "cast(v." + column.name() + " AS " + column.type() + ")";
    }

    private static <T> String names(List<Column<T>> columns, String prefix) {
        StringBuilder names = new StringBuilder();
        for (Column<T> column : columns) {
            names.append(names.isEmpty() ? "" : ", ").append(prefix).append(column.name());
        }
        return names.toString();
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }
}
