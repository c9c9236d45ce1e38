package org.guestcrm.desk.persistence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import jakarta.persistence.EntityManager;

/**
 * The guest_link rows (PMS profile -> golden guest) with plain JDBC (issue 5: the crm.guests intake's hot path), one
 * fixed statement text each whatever the number of profiles (values as arrays). guest_link is never a Hibernate
 * entity in a transaction that writes it here, so no managed object can hold a stale copy of a row.
 */
public final class GuestLinkRows {

    static final String GUESTS_OF = "select link_key, guest_id from guest_link where link_key = any(cast(? as varchar[]))";
    /**
     * One batch's links: the links of the complete guests (the first array) to profiles the batch does not list (the
     * second) dropped, and the listed profiles' links inserted or, held by another guest, moved (in key order; a link
     * already naming its guest is not rewritten). The two sets are disjoint: the delete never touches a listed key.
     */
    static final String WRITE = "with dropped as (delete from guest_link where guest_id = any(cast(? as varchar[]))"
            + " and link_key <> all(cast(? as varchar[])))"
            + " insert into guest_link (link_key, tenant, pms_system, pms_profile_id, guest_id, updated_at)"
            + " select r.* from unnest(cast(? as varchar[]), cast(? as varchar[]), cast(? as varchar[]),"
            + " cast(? as varchar[]), cast(? as varchar[]), cast(? as timestamptz[]))"
            + " as r(link_key, tenant, pms_system, pms_profile_id, guest_id, updated_at) order by r.link_key"
            + " on conflict (link_key) do update set guest_id = excluded.guest_id, updated_at = excluded.updated_at"
            + " where guest_link.guest_id <> excluded.guest_id";
    static final String MOVE = "update guest_link set guest_id = ?, updated_at = cast(? as timestamptz)"
            + " where tenant = ? and guest_id = any(cast(? as varchar[]))";
    static final String DROP = "delete from guest_link where guest_id = any(cast(? as varchar[]))";
    static final String GUEST_OF_RESERVATION = "select l.guest_id from reservation_state s join guest_link l"
            + " on l.link_key = s.tenant || '|' || s.pms_system || '|' || s.pms_profile_id where s.reservation_key = ?";

    /** A link to write: the profile's key and parts, and its guest. */
    public record Link(String key, String tenant, String pmsSystem, String pmsProfileId, String guestId) {
    }

    private final EntityManager entityManager;
    private final Counter statements;

    public GuestLinkRows(EntityManager entityManager, Counter statements) {
        this.entityManager = entityManager;
        this.statements = statements;
    }

    /** The guests holding these profiles, by link key (profiles nobody holds are absent). */
    public Map<String, String> guestsOf(Collection<String> linkKeys) {
        Map<String, String> guests = new HashMap<>();
        if (linkKeys.isEmpty()) {
            return guests;
        }
        return Jdbc.work(entityManager, connection -> {
            try (PreparedStatement select = connection.prepareStatement(GUESTS_OF)) {
                select.setArray(1, Jdbc.texts(connection, new java.util.HashSet<>(linkKeys), k -> k));
                statements.increment();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        guests.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return guests;
        });
    }

    /**
     * Writes these links (one per profile key) and drops the links of {@code completeGuests} to any profile not among
     * them, in one statement.
     */
    public void write(Collection<Link> links, Collection<String> completeGuests, Instant now) {
        if (links.isEmpty() && completeGuests.isEmpty()) {
            return;
        }
        Map<String, Link> sorted = new TreeMap<>();
        links.forEach(link -> sorted.put(link.key(), link));
        List<Link> rows = new ArrayList<>(sorted.values());
        Jdbc.work(entityManager, connection -> {
            try (PreparedStatement write = connection.prepareStatement(WRITE)) {
                int p = 0;
                write.setArray(++p, Jdbc.texts(connection, new java.util.TreeSet<>(completeGuests), g -> g));
                write.setArray(++p, Jdbc.texts(connection, rows, Link::key));
                write.setArray(++p, Jdbc.texts(connection, rows, Link::key));
                write.setArray(++p, Jdbc.texts(connection, rows, Link::tenant));
                write.setArray(++p, Jdbc.texts(connection, rows, Link::pmsSystem));
                write.setArray(++p, Jdbc.texts(connection, rows, Link::pmsProfileId));
                write.setArray(++p, Jdbc.texts(connection, rows, Link::guestId));
                write.setArray(++p, Jdbc.texts(connection, rows, l -> now));
                statements.increment();
                return write.executeUpdate();
            }
        });
    }

    /** The links of these guests of a tenant now name {@code to} (a merge). */
    public void move(String tenant, Collection<String> from, String to, Instant now) {
        Jdbc.work(entityManager, connection -> {
            try (PreparedStatement move = connection.prepareStatement(MOVE)) {
                move.setString(1, to);
                move.setString(2, now.toString());
                move.setString(3, tenant);
                move.setArray(4, Jdbc.texts(connection, from, g -> g));
                statements.increment();
                return move.executeUpdate();
            }
        });
    }

    /** The links of these guests dropped (the guests are gone). */
    public void drop(Collection<String> guestIds) {
        Jdbc.work(entityManager, connection -> {
            try (PreparedStatement drop = connection.prepareStatement(DROP)) {
                drop.setArray(1, Jdbc.texts(connection, guestIds, g -> g));
                statements.increment();
                return drop.executeUpdate();
            }
        });
    }

    /** The guest holding the primary guest's profile of a reservation, or null. */
    public String guestOfReservation(String reservationKey) {
        return Jdbc.work(entityManager, connection -> {
            try (PreparedStatement select = connection.prepareStatement(GUEST_OF_RESERVATION)) {
                select.setString(1, reservationKey);
                statements.increment();
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }
}
