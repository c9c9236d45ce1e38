package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import org.guestcrm.desk.persistence.GuestLinkEntity;
import org.guestcrm.desk.persistence.GuestLinkRows;
import org.guestcrm.desk.persistence.GuestSeenEntity;
import org.guestcrm.desk.persistence.GuestSeenRows;
import org.guestcrm.desk.persistence.Jdbc;
import org.guestcrm.desk.persistence.LeadEntity;
import org.guestcrm.desk.persistence.TaskEntity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * The golden guestId of the desk's leads and tasks, from the PMS profiles each guest of crm.guests lists: the links
 * (profile -> guest), and moving leads and tasks when a profile changes hands (a guest update, a merge, a split) or a
 * guest is gone (tombstone). In the caller's transaction; leads are locked before their tasks (the desk's lock order).
 * Every task whose guestId really changes (set, moved to another guest, or cleared) publishes one TaskChanged
 * GUEST_LINKED through {@link TaskLedger}; a record that leaves a task's guest as it was publishes nothing.
 */
@ApplicationScoped
public class GuestLinks {

    @Inject
    TaskLedger tasks;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;
    @Inject
    jakarta.persistence.EntityManager entityManager;

    /** A PMS profile of a tenant. */
    public record Profile(String tenant, String pmsSystem, String pmsProfileId) {
        String key() {
            return GuestLinkEntity.keyOf(tenant, pmsSystem, pmsProfileId);
        }
    }

    private static final int LONGEST_MERGE_CHAIN = 20;

    /** The guests holding these profiles, by link key (profiles nobody holds yet are absent). */
    public Map<String, String> guestsOf(Collection<String> linkKeys) {
        // Plain JDBC, one statement text whatever the number of keys (the reservations' hot path, issue 5).
        return linkRows().guestsOf(linkKeys);
    }

    /** The guest holding the primary guest's profile of a reservation, if known. */
    public String guestOfReservation(String reservationKey) {
        return linkRows().guestOfReservation(reservationKey);
    }

    /** The held state of these guests (locked, managed entities: the merge and tombstone paths), by guestId. */
    public Map<String, GuestSeenEntity> seen(Collection<String> guestIds) {
        Map<String, GuestSeenEntity> seen = new HashMap<>();
        if (!guestIds.isEmpty()) {
            GuestSeenEntity.<GuestSeenEntity>find("guestId in ?1 order by guestId", new HashSet<>(guestIds))
                    .withLock(LockModeType.PESSIMISTIC_WRITE).list().forEach(g -> seen.put(g.guestId, g));
        }
        return seen;
    }

    /**
     * The held state of a crm.guests batch's guests, locked in guest order, as plain objects (not managed: issue 5's
     * hot path); the versions applied are written back by {@link #saw} in one statement.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<String, GuestSeenEntity> seenForUpdate(Collection<String> guestIds) {
        return seenRows().lock(guestIds);
    }

    /**
     * Records the versions applied of these guests (creating the row of a guest first seen): {@code held} is what
     * {@link #seenForUpdate} answered, {@code versions} guestId -> [tenant, version].
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void saw(Map<String, GuestSeenEntity> held, Map<String, Map.Entry<String, Long>> versions, Instant now) {
        List<GuestSeenEntity> rows = new ArrayList<>(versions.size());
        versions.forEach((guestId, version) -> {
            GuestSeenEntity seen = held.get(guestId);
            if (seen == null) {
                seen = new GuestSeenEntity();
                seen.guestId = guestId;
            }
            seen.tenant = version.getKey();
            seen.version = version.getValue();
            seen.updatedAt = now;
            if (seen.firstSeenAt == null) {
                seen.firstSeenAt = now;
            }
            rows.add(seen);
        });
        seenRows().write(rows, held.keySet());
    }

    /**
     * These profiles now belong to these guests: the links are written, a guest's links to profiles it no longer lists
     * are dropped, and every lead of such a profile (with its tasks) and every lead-less task of a reservation of such
     * a profile carries the guest. Returns the number of leads whose guest changed. Plain JDBC (issue 5): the links in
     * one statement, the leads and the lead-less tasks locked in one each (leads first, then tasks, by id); only the
     * leads and tasks whose guest changes are loaded as entities (and changed through them and {@link TaskLedger}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int link(Map<Profile, String> owners, Collection<String> completeGuests, Instant now,
                    Function<String, Cause> causeOf) {
        // What this transaction changed through entities (a merge's leads and tasks) is in the database first, so the
        // statements below read it.
        entityManager.flush();
        Map<String, String> byKey = new HashMap<>();
        List<GuestLinkRows.Link> links = new ArrayList<>(owners.size());
        owners.forEach((profile, guest) -> {
            byKey.put(profile.key(), guest);
            links.add(new GuestLinkRows.Link(profile.key(), profile.tenant(), profile.pmsSystem(),
                    profile.pmsProfileId(), guest));
        });
        linkRows().write(links, completeGuests, now);
        if (owners.isEmpty()) {
            return 0;
        }
        Set<String> tenants = new HashSet<>();
        Set<String> profileIds = new HashSet<>();
        owners.keySet().forEach(p -> {
            tenants.add(p.tenant());
            profileIds.add(p.pmsProfileId());
        });
        Map<UUID, String> leadGuests = new HashMap<>();
        for (String[] row : locked(LEADS_OF_PROFILES, "lead", tenants, profileIds)) {
            // id, tenant, pms_system, pms_profile_id, guest_id
            if (row[2] == null) {
                continue;
            }
            String guest = byKey.get(GuestLinkEntity.keyOf(row[1], row[2], row[3]));
            if (guest != null && !guest.equals(row[4])) {
                LeadEntity lead = entityManager.find(LeadEntity.class, UUID.fromString(row[0])); // locked above
                if (lead != null && !guest.equals(lead.guestId)) {
                    lead.guestId = guest;
                    lead.updatedAt = now;
                    leadGuests.put(lead.id, guest);
                }
            }
        }
        if (!leadGuests.isEmpty()) {
            List<String> leadIds = leadGuests.keySet().stream().map(UUID::toString).toList();
            for (String[] row : locked(TASKS_OF_LEADS, "task", leadIds, null)) {
                TaskEntity task = entityManager.find(TaskEntity.class, UUID.fromString(row[0])); // locked above
                if (task != null) {
                    relink(task, leadGuests.get(task.leadId), now, causeOf.apply(leadGuests.get(task.leadId)));
                }
            }
        }
        // Tasks without a lead (late documents) belong to a reservation: its primary guest's profile names the guest.
        for (String[] row : locked(LEADLESS_TASKS_OF_PROFILES, "task", tenants, profileIds)) {
            // task id, task guest_id, reservation's tenant, pms_system, pms_profile_id
            String guest = byKey.get(GuestLinkEntity.keyOf(row[2], row[3], row[4]));
            if (guest != null && !guest.equals(row[1])) {
                TaskEntity task = entityManager.find(TaskEntity.class, UUID.fromString(row[0])); // locked above
                if (task != null) {
                    relink(task, guest, now, causeOf.apply(guest));
                }
            }
        }
        return leadGuests.size();
    }

    static final String LEADS_OF_PROFILES = "select id, tenant, pms_system, pms_profile_id, guest_id from lead"
            + " where tenant = any(cast(? as varchar[])) and pms_profile_id = any(cast(? as varchar[]))"
            + " order by id for update";
    static final String TASKS_OF_LEADS = "select id from task where lead_id = any(cast(? as uuid[]))"
            + " order by id for update";
    /** The lead-less tasks of the reservations whose primary guest has one of the profiles (tenant x profile id). */
    static final String LEADLESS_TASKS_OF_PROFILES = "select t.id, t.guest_id, s.tenant, s.pms_system,"
            + " s.pms_profile_id from task t join reservation_state s on s.tenant = t.tenant"
            + " and s.hotel_code = t.hotel_code and s.pms_reservation_id = t.pms_reservation_id"
            + " where t.lead_id is null and s.tenant = any(cast(? as varchar[]))"
            + " and s.pms_profile_id = any(cast(? as varchar[])) order by t.id for update of t";

    /** The rows of a locking select with one or two array parameters, every column as text. */
    private List<String[]> locked(String sql, String table, Collection<String> first, Collection<String> second) {
        io.micrometer.core.instrument.Counter counter = statements(table);
        return Jdbc.work(entityManager, connection -> {
            List<String[]> rows = new ArrayList<>();
            try (java.sql.PreparedStatement select = connection.prepareStatement(sql)) {
                select.setArray(1, Jdbc.texts(connection, first, v -> v));
                if (second != null) {
                    select.setArray(2, Jdbc.texts(connection, second, v -> v));
                }
                counter.increment();
                try (java.sql.ResultSet rs = select.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        String[] row = new String[columns];
                        for (int c = 0; c < columns; c++) {
                            row[c] = rs.getString(c + 1);
                        }
                        rows.add(row);
                    }
                }
            }
            return rows;
        });
    }

    private GuestLinkRows linkRows() {
        return new GuestLinkRows(entityManager, statements("guest_link"));
    }

    private GuestSeenRows seenRows() {
        return new GuestSeenRows(entityManager, statements("guest_seen"));
    }

    private io.micrometer.core.instrument.Counter statements(String table) {
        return meters.counter("desk.jdbc.statements", "table", table);
    }

    /**
     * The guests {@code merged} live on in {@code survivor} (a GuestMerged): they are gone, their links, leads and
     * tasks move to the survivor (or to whoever the survivor was merged into since). Returns the guest they moved to.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String merge(String tenant, Collection<String> merged, String survivor, Instant now, Cause cause) {
        Set<String> ids = new HashSet<>(merged);
        ids.add(survivor);
        Map<String, GuestSeenEntity> held = seen(ids);
        String target = resolve(survivor, held);
        List<String> away = new ArrayList<>();
        for (String id : merged) {
            if (id == null || id.equals(target)) {
                continue;
            }
            away.add(id);
            GuestSeenEntity seen = held.get(id);
            boolean fresh = seen == null;
            if (fresh) {
                seen = new GuestSeenEntity();
                seen.guestId = id;
                seen.tenant = tenant;
                seen.version = 0;
            }
            seen.gone = true;
            seen.mergedInto = target;
            seen.updatedAt = now;
            if (fresh) {
                seen.persist();
            }
        }
        if (!away.isEmpty()) {
            moveTo(tenant, away, target, now, cause);
            // Campaign mails sent to the merged guests now count for the survivor's bookings (revenue attribution).
            entityManager.createNativeQuery("update campaign_send set guest_id = :target where tenant = :tenant"
                    + " and guest_id in (:away)").setParameter("target", target).setParameter("tenant", tenant)
                    .setParameter("away", away).executeUpdate();
            entityManager.createNativeQuery("update campaign_click set guest_id = :target where tenant = :tenant"
                    + " and guest_id in (:away)").setParameter("target", target).setParameter("tenant", tenant)
                    .setParameter("away", away).executeUpdate();
        }
        return target;
    }

    /**
     * Tombstones on crm.guests: these guests are gone (merged away or erased). Their links are dropped; their leads
     * and tasks move to the guest they were merged into when that is known, else no longer name a guest.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(Collection<String> guestIds, Instant now, Cause cause) {
        Map<String, GuestSeenEntity> held = seen(guestIds);
        for (String id : guestIds) {
            GuestSeenEntity seen = held.get(id);
            boolean fresh = seen == null;
            if (fresh) {
                seen = new GuestSeenEntity();
                seen.guestId = id;
                seen.version = 0;
                held.put(id, seen);
            }
            seen.gone = true;
            seen.updatedAt = now;
            if (fresh) {
                seen.persist();
            }
        }
        entityManager.flush();
        linkRows().drop(new HashSet<>(guestIds));
        Map<String, String> successor = new HashMap<>();
        for (String id : guestIds) {
            String mergedInto = held.get(id).mergedInto;
            String target = mergedInto == null ? null : resolve(mergedInto, seen(List.of(mergedInto)));
            if (target != null && seen(List.of(target)).getOrDefault(target, new GuestSeenEntity()).gone) {
                target = null;
            }
            successor.put(id, target);
        }
        for (LeadEntity lead : LeadEntity.<LeadEntity>find("guestId in ?1 order by id", successor.keySet())
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
            lead.guestId = successor.get(lead.guestId);
            lead.updatedAt = now;
        }
        for (TaskEntity task : TaskEntity.<TaskEntity>find("guestId in ?1 order by id", successor.keySet())
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
            relink(task, successor.get(task.guestId), now, cause);
        }
    }

    private void moveTo(String tenant, List<String> from, String to, Instant now, Cause cause) {
        linkRows().move(tenant, from, to, now);
        for (LeadEntity lead : LeadEntity.<LeadEntity>find("tenant = ?1 and guestId in ?2 order by id", tenant, from)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
            lead.guestId = to;
            lead.updatedAt = now;
        }
        for (TaskEntity task : TaskEntity.<TaskEntity>find("tenant = ?1 and guestId in ?2 order by id", tenant, from)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
            relink(task, to, now, cause);
        }
    }

    /** The task now belongs to {@code guestId} (null: to no known guest); a real change is published, a no-op not. */
    private void relink(TaskEntity task, String guestId, Instant now, Cause cause) {
        if (!Objects.equals(task.guestId, guestId)) {
            tasks.guestLinked(task, guestId, now, cause);
        }
    }

    /** Follows merges: the guest a (possibly merged-away) guest lives on in now. */
    private String resolve(String guestId, Map<String, GuestSeenEntity> held) {
        String current = guestId;
        for (int hop = 0; hop < LONGEST_MERGE_CHAIN; hop++) {
            GuestSeenEntity seen = held.containsKey(current) ? held.get(current) : GuestSeenEntity.findById(current);
            if (seen == null || seen.mergedInto == null || seen.mergedInto.equals(current)) {
                return current;
            }
            current = seen.mergedInto;
        }
        return current;
    }
}
