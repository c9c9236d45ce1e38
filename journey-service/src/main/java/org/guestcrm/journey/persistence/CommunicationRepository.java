package org.guestcrm.journey.persistence;

import java.time.Instant;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

import org.guestcrm.journey.domain.Channel;
import org.guestcrm.journey.domain.CommunicationStatus;
import org.guestcrm.journey.domain.JourneyStep;
import org.hibernate.Session;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class CommunicationRepository implements PanacheRepositoryBase<CommunicationEntity, UUID> {

    public List<CommunicationEntity> listForReservation(String tenant, String hotelCode, String pmsReservationId) {
        return list("tenant = ?1 and hotelCode = ?2 and pmsReservationId = ?3 order by dueAt, step",
                tenant, hotelCode, pmsReservationId);
    }

    /**
     * The communications of the reservations {@code keys}, in one statement, locked until the transaction ends in the
     * planner's and the dispatcher's order (reservation, due time, step). Every key of {@code keys} is in the map.
     */
    public Map<ReservationKey, List<CommunicationEntity>> lockAllFor(Collection<ReservationKey> keys) {
        Map<ReservationKey, List<CommunicationEntity>> held = new HashMap<>();
        for (ReservationKey key : keys) {
            held.put(key, new ArrayList<>());
        }
        if (keys.isEmpty()) {
            return held;
        }
        KeyArrays arrays = KeyArrays.of(keys);
        @SuppressWarnings("unchecked")
        List<CommunicationEntity> rows = getEntityManager().createNativeQuery("""
                        SELECT c.* FROM communication c
                        JOIN unnest(cast(:tenants AS text[]), cast(:hotels AS text[]), cast(:ids AS text[]))
                             AS k (tenant, hotel_code, pms_reservation_id)
                          ON c.tenant = k.tenant AND c.hotel_code = k.hotel_code
                         AND c.pms_reservation_id = k.pms_reservation_id
                        ORDER BY c.tenant, c.hotel_code, c.pms_reservation_id, c.due_at, c.step
                        FOR UPDATE OF c
                        """, CommunicationEntity.class)
                .setParameter("tenants", arrays.tenants())
                .setParameter("hotels", arrays.hotels())
                .setParameter("ids", arrays.ids())
                .getResultList();
        for (CommunicationEntity row : rows) {
            held.computeIfAbsent(ReservationKey.of(row), k -> new ArrayList<>()).add(row);
        }
        return held;
    }

    /** How many campaign mails each of {@code guestIds} of {@code tenant} was sent since {@code since} (absent: none). */
    public Map<String, Integer> marketingSentSince(String tenant, Collection<String> guestIds, Instant since) {
        Map<String, Integer> counts = new HashMap<>();
        if (guestIds.isEmpty()) {
            return counts;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery("""
                        SELECT guest_id, count(*) FROM communication
                        WHERE tenant = :tenant AND status IN ('SENT', 'BOUNCED', 'COMPLAINED') AND sent_at > :since
                          AND (campaign_id IS NOT NULL OR step IN ('WIN_BACK', 'BIRTHDAY', 'STAY_ANNIVERSARY'))
                          AND guest_id = ANY (cast(:ids AS text[]))
                        GROUP BY guest_id
                        """)
                .setParameter("tenant", tenant)
                .setParameter("since", since)
                .setParameter("ids", guestIds.toArray(String[]::new))
                .getResultList();
        for (Object[] row : rows) {
            counts.put((String) row[0], ((Number) row[1]).intValue());
        }
        return counts;
    }

    /**
     * The hotel name the newest reservation of each (tenant, hotel code) gave, keyed {@code tenant + "\n" + hotelCode};
     * a hotel without one is absent (one statement).
     */
    public Map<String, String> hotelNamesOf(Collection<String[]> tenantAndHotel) {
        Map<String, String> names = new HashMap<>();
        if (tenantAndHotel.isEmpty()) {
            return names;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery("""
                        SELECT DISTINCT ON (r.tenant, r.hotel_code) r.tenant, r.hotel_code, r.hotel_name FROM reservation r
                        JOIN unnest(cast(:tenants AS text[]), cast(:hotels AS text[])) AS k (tenant, hotel_code)
                          ON r.tenant = k.tenant AND r.hotel_code = k.hotel_code
                        WHERE r.hotel_name IS NOT NULL
                        ORDER BY r.tenant, r.hotel_code, r.updated_at DESC
                        """)
                .setParameter("tenants", tenantAndHotel.stream().map(p -> p[0]).toArray(String[]::new))
                .setParameter("hotels", tenantAndHotel.stream().map(p -> p[1]).toArray(String[]::new))
                .getResultList();
        for (Object[] row : rows) {
            names.put(row[0] + "\n" + row[1], (String) row[2]);
        }
        return names;
    }

    /** The campaign messages and guest occasions of {@code guestIds} in {@code tenant}, locked in the planner's order. */
    public List<CommunicationEntity> lockCampaignMessagesOf(String tenant, Collection<String> guestIds) {
        if (guestIds.isEmpty()) {
            return List.of();
        }
        return find("tenant = ?1 and guestId in ?2 and (campaignId is not null or occasion is not null) "
                        + "order by tenant, hotelCode, pmsReservationId, dueAt, step", tenant, guestIds)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .list();
    }

    /**
     * Up to {@code limit} claimable communications, locked until the transaction ends: pending, due, and not under a
     * valid lease. Rows locked by another transaction (another replica's claim, the planner) are skipped, never waited
     * for. Oldest due first.
     */
    public List<CommunicationEntity> lockClaimable(Instant now, int limit) {
        return lockClaimable(now, limit, Set.of());
    }

    /**
     * As {@link #lockClaimable(Instant, int)}, never returning one of {@code excluded} (communications whose outcome
     * this replica holds and has not recorded yet: re-claiming them would send the mail again).
     */
    public List<CommunicationEntity> lockClaimable(Instant now, int limit, Collection<UUID> excluded) {
        jakarta.persistence.Query query = getEntityManager().createNativeQuery("""
                        SELECT * FROM communication
                        WHERE status IN ('SCHEDULED', 'RESCHEDULED')
                          AND coalesce(next_attempt_at, due_at) <= :now
                          AND (lease_expires_at IS NULL OR lease_expires_at <= :now)
                        """ + (excluded.isEmpty() ? "" : "  AND id NOT IN (:excluded)\n") + """
                        ORDER BY coalesce(next_attempt_at, due_at)
                        LIMIT :limit
                        FOR UPDATE SKIP LOCKED
                        """, CommunicationEntity.class)
                .setParameter("now", now)
                .setParameter("limit", limit);
        if (!excluded.isEmpty()) {
            query.setParameter("excluded", excluded);
        }
        @SuppressWarnings("unchecked")
        List<CommunicationEntity> rows = query.getResultList();
        return rows;
    }

    /** Leases the communications {@code ids} (already locked by this transaction) to {@code owner} and counts an attempt. */
    public int lease(Collection<UUID> ids, String owner, Instant until, Instant now) {
        if (ids.isEmpty()) {
            return 0;
        }
        return getEntityManager().createNativeQuery("""
                        UPDATE communication
                        SET lease_owner = :owner, lease_expires_at = :until, attempts = attempts + 1, updated_at = :now
                        WHERE id IN (:ids)
                        """)
                .setParameter("owner", owner)
                .setParameter("until", until)
                .setParameter("now", now)
                .setParameter("ids", ids)
                .executeUpdate();
    }

    /** A claimed communication's lease values: the channel it goes by and the address or number it goes to. */
    public record Lease(UUID id, String channel, String contactPoint) {
    }

    /**
     * Leases the communications (already locked by this transaction) to {@code owner}, counts an attempt and writes the
     * channel and contact point each goes by, in ONE statement (issue 5): the claim's entities are detached before, so
     * Hibernate does not write a second UPDATE per communication for its contact point.
     */
    public int lease(List<Lease> leases, String owner, Instant until, Instant now) {
        if (leases.isEmpty()) {
            return 0;
        }
        return getEntityManager().createNativeQuery("""
                        UPDATE communication c
                        SET lease_owner = :owner, lease_expires_at = :until, attempts = c.attempts + 1, updated_at = :now,
                            channel = v.channel, contact_point = v.contact_point
                        FROM unnest(cast(cast(:ids AS text[]) AS uuid[]), cast(:channels AS text[]),
                                    cast(:contactPoints AS text[])) AS v(id, channel, contact_point)
                        WHERE c.id = v.id
                        """)
                .setParameter("owner", owner)
                .setParameter("until", until)
                .setParameter("now", now)
                .setParameter("ids", leases.stream().map(l -> l.id().toString()).toArray(String[]::new))
                .setParameter("channels", leases.stream().map(Lease::channel).toArray(String[]::new))
                .setParameter("contactPoints", leases.stream().map(Lease::contactPoint).toArray(String[]::new))
                .executeUpdate();
    }

    /**
     * Locks the reservations of the communications {@code ids} for share until the transaction ends, skipping those a
     * planner holds: returns the ids of the reservations locked. While the claim holds them no snapshot can change
     * them, so what the claim decides from them is current.
     */
    public Set<Long> lockReservationsOf(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        @SuppressWarnings("unchecked")
        List<Number> rows = getEntityManager().createNativeQuery("""
                        SELECT r.id FROM reservation r
                        JOIN communication c ON r.tenant = c.tenant AND r.hotel_code = c.hotel_code
                         AND r.pms_reservation_id = c.pms_reservation_id
                        WHERE c.id IN (:ids)
                        FOR SHARE OF r SKIP LOCKED
                        """)
                .setParameter("ids", ids)
                .getResultList();
        Set<Long> locked = new HashSet<>();
        for (Number id : rows) {
            locked.add(id.longValue());
        }
        return locked;
    }

    /** The reservations of the communications {@code ids}, by communication id (absent when there is none). */
    public Map<UUID, ReservationEntity> reservationsOf(Collection<UUID> ids) {
        Map<UUID, ReservationEntity> byCommunication = new HashMap<>();
        if (ids.isEmpty()) {
            return byCommunication;
        }
        List<Object[]> rows = getEntityManager().createQuery("""
                        SELECT c.id, r FROM CommunicationEntity c, ReservationEntity r
                        WHERE r.tenant = c.tenant AND r.hotelCode = c.hotelCode AND r.pmsReservationId = c.pmsReservationId
                          AND c.id IN :ids
                        """, Object[].class)
                .setParameter("ids", ids)
                .getResultList();
        for (Object[] row : rows) {
            byCommunication.put((UUID) row[0], (ReservationEntity) row[1]);
        }
        return byCommunication;
    }

    /**
     * Locks the claims of {@code ids} that are still {@code owner}'s lease until {@code until} (nobody re-claimed them),
     * in the planner's order (reservation, due time, step: the two never deadlock), and answers them as plain values,
     * not managed entities: the dispatcher decides each outcome on them and writes them back with
     * {@link #writeOutcomes} (issue 5: recording outcomes was the dispatcher's largest CPU cost, mostly Hibernate
     * loading and dirty-checking one entity per mail). A row another claim took over is not returned.
     */
    public List<CommunicationEntity> lockStillLeased(Collection<UUID> ids, String owner, Instant until) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return getEntityManager().unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT id, tenant, hotel_code, pms_reservation_id, campaign_id, guest_id, step, channel, status,
                           due_at, next_attempt_at, sent_at, cancelled_at, attempts, last_error, reason, correlation_id,
                           causation_id, contact_point, bounce_type, created_at, updated_at
                    FROM communication
                    WHERE id = ANY (cast(cast(? AS text[]) AS uuid[])) AND lease_owner = ? AND lease_expires_at = ?
                    ORDER BY tenant, hotel_code, pms_reservation_id, due_at, step
                    FOR UPDATE""")) {
                select.setArray(1, connection.createArrayOf("text", ids.stream().map(UUID::toString).toArray()));
                select.setString(2, owner);
                select.setTimestamp(3, Timestamp.from(until));
                List<CommunicationEntity> rows = new ArrayList<>(ids.size());
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        rows.add(valuesOf(result));
                    }
                }
                return rows;
            }
        });
    }

    private static CommunicationEntity valuesOf(ResultSet row) throws SQLException {
        CommunicationEntity c = new CommunicationEntity();
        c.id = row.getObject("id", UUID.class);
        c.tenant = row.getString("tenant");
        c.hotelCode = row.getString("hotel_code");
        c.pmsReservationId = row.getString("pms_reservation_id");
        c.campaignId = row.getObject("campaign_id", UUID.class);
        c.guestId = row.getString("guest_id");
        c.step = JourneyStep.valueOf(row.getString("step"));
        c.channel = Channel.valueOf(row.getString("channel"));
        c.status = CommunicationStatus.valueOf(row.getString("status"));
        c.dueAt = instantOf(row.getTimestamp("due_at"));
        c.nextAttemptAt = instantOf(row.getTimestamp("next_attempt_at"));
        c.sentAt = instantOf(row.getTimestamp("sent_at"));
        c.cancelledAt = instantOf(row.getTimestamp("cancelled_at"));
        c.attempts = row.getInt("attempts");
        c.lastError = row.getString("last_error");
        c.reason = row.getString("reason");
        c.correlationId = row.getString("correlation_id");
        c.causationId = row.getString("causation_id");
        c.contactPoint = row.getString("contact_point");
        c.bounceType = row.getString("bounce_type");
        c.createdAt = instantOf(row.getTimestamp("created_at"));
        c.updatedAt = instantOf(row.getTimestamp("updated_at"));
        return c;
    }

    private static Instant instantOf(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String textOf(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /**
     * Writes back the outcomes decided on {@code rows} (from {@link #lockStillLeased}, still locked by this
     * transaction) in ONE statement: each row's status, reason, sent and next-attempt times, last error, bounce type
     * and attempts; every lease released; {@code updated_at} {@code now}. Answers the rows updated.
     */
    public int writeOutcomes(List<CommunicationEntity> rows, Instant now) {
        if (rows.isEmpty()) {
            return 0;
        }
        int n = rows.size();
        Object[] ids = new Object[n];
        Object[] statuses = new Object[n];
        Object[] reasons = new Object[n];
        Object[] sentAts = new Object[n];
        Object[] nextAttemptAts = new Object[n];
        Object[] lastErrors = new Object[n];
        Object[] bounceTypes = new Object[n];
        Object[] attempts = new Object[n];
        for (int i = 0; i < n; i++) {
            CommunicationEntity c = rows.get(i);
            ids[i] = c.id.toString();
            statuses[i] = c.status.name();
            reasons[i] = c.reason;
            sentAts[i] = textOf(c.sentAt);
            nextAttemptAts[i] = textOf(c.nextAttemptAt);
            lastErrors[i] = c.lastError;
            bounceTypes[i] = c.bounceType;
            attempts[i] = Integer.toString(c.attempts);
        }
        return getEntityManager().unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE communication c
                    SET lease_owner = NULL, lease_expires_at = NULL, updated_at = ?, status = v.status,
                        reason = v.reason, sent_at = v.sent_at, next_attempt_at = v.next_attempt_at,
                        last_error = v.last_error, bounce_type = v.bounce_type, attempts = v.attempts
                    FROM unnest(cast(cast(? AS text[]) AS uuid[]), cast(? AS text[]), cast(? AS text[]),
                                cast(cast(? AS text[]) AS timestamptz[]), cast(cast(? AS text[]) AS timestamptz[]),
                                cast(? AS text[]), cast(? AS text[]), cast(cast(? AS text[]) AS integer[]))
                         AS v(id, status, reason, sent_at, next_attempt_at, last_error, bounce_type, attempts)
                    WHERE c.id = v.id""")) {
                update.setTimestamp(1, Timestamp.from(now));
                Object[][] columns = {ids, statuses, reasons, sentAts, nextAttemptAts, lastErrors, bounceTypes, attempts};
                for (int i = 0; i < columns.length; i++) {
                    update.setArray(i + 2, connection.createArrayOf("text", columns[i]));
                }
                return update.executeUpdate();
            }
        });
    }

    /**
     * One page of a guest's communications, newest due first: those keyed by the guest and the journey messages of
     * reservations whose lead guest's PMS profile belongs to it (guest_source_profile).
     */
    public List<CommunicationEntity> pageForGuest(String tenant, String guestId, int offset, int limit) {
        @SuppressWarnings("unchecked")
        List<CommunicationEntity> rows = getEntityManager().createNativeQuery("""
                        SELECT x.* FROM (
                            SELECT c.* FROM communication c WHERE c.tenant = :tenant AND c.guest_id = :guest
                            UNION ALL
                            SELECT c.* FROM guest_source_profile p
                            JOIN reservation r ON r.tenant = p.tenant AND r.pms_system = p.pms_system
                                              AND r.guest_profile_id = p.pms_profile_id
                            JOIN communication c ON c.tenant = r.tenant AND c.hotel_code = r.hotel_code
                                                AND c.pms_reservation_id = r.pms_reservation_id
                            WHERE p.tenant = :tenant AND p.guest_id = :guest AND c.guest_id IS NULL
                        ) x
                        ORDER BY x.due_at DESC, x.id DESC
                        OFFSET :offset LIMIT :limit
                        """, CommunicationEntity.class)
                .setParameter("tenant", tenant)
                .setParameter("guest", guestId)
                .setParameter("offset", offset)
                .setParameter("limit", limit)
                .getResultList();
        return rows;
    }

    /** Whether the guest is known here: in the directory, owning a PMS profile, or holding a message. */
    public boolean guestKnown(String tenant, String guestId) {
        return Boolean.TRUE.equals(getEntityManager().createNativeQuery("""
                        SELECT EXISTS (SELECT 1 FROM guest_directory WHERE tenant = :tenant AND guest_id = :guest)
                            OR EXISTS (SELECT 1 FROM guest_source_profile WHERE tenant = :tenant AND guest_id = :guest)
                            OR EXISTS (SELECT 1 FROM communication WHERE tenant = :tenant AND guest_id = :guest)
                        """)
                .setParameter("tenant", tenant)
                .setParameter("guest", guestId)
                .getSingleResult());
    }
}
